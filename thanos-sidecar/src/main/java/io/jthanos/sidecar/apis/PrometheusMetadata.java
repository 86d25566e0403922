package io.jthanos.sidecar.apis;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.stub.StreamObserver;
import io.jthanos.proto.metadata.Meta;
import io.jthanos.proto.metadata.MetadataGrpc;
import io.jthanos.proto.metadata.MetricMetadata;
import io.jthanos.proto.metadata.MetricMetadataEntry;
import io.jthanos.proto.metadata.MetricMetadataRequest;
import io.jthanos.proto.metadata.MetricMetadataResponse;
import io.jthanos.sidecar.promclient.PrometheusClient;
import java.io.IOException;
import java.time.Duration;

/**
 * Thanos' Metadata gRPC service over Prometheus' {@code /api/v1/metadata} (Thanos {@code
 * metadata.Prometheus}): one response with every metric's metadata; {@code limit} is passed when it
 * is not negative (so the proto default 0 asks for none, as in Thanos).
 */
public final class PrometheusMetadata extends MetadataGrpc.MetadataImplBase {
  private final PrometheusClient client;
  private final Duration timeout;

  public PrometheusMetadata(PrometheusClient client, Duration timeout) {
    this.client = client;
    this.timeout = timeout;
  }

  @Override
  public void metricMetadata(
      MetricMetadataRequest req, StreamObserver<MetricMetadataResponse> out) {
    JsonNode data;
    try {
      data = client.metadata(req.getMetric(), req.getLimit(), timeout);
    } catch (IOException e) {
      out.onError(PromJson.status(e));
      return;
    }
    MetricMetadata.Builder md = MetricMetadata.newBuilder();
    data.fields()
        .forEachRemaining(
            e -> {
              MetricMetadataEntry.Builder entry = MetricMetadataEntry.newBuilder();
              for (JsonNode m : e.getValue()) {
                entry.addMetas(
                    Meta.newBuilder()
                        .setType(m.path("type").asText())
                        .setHelp(m.path("help").asText())
                        .setUnit(m.path("unit").asText()));
              }
              md.putMetadata(e.getKey(), entry.build());
            });
    out.onNext(MetricMetadataResponse.newBuilder().setMetadata(md).build());
    out.onCompleted();
  }
}
