package io.jthanos.sidecar.apis;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.stub.StreamObserver;
import io.jthanos.proto.exemplars.Exemplar;
import io.jthanos.proto.exemplars.ExemplarData;
import io.jthanos.proto.exemplars.ExemplarsGrpc;
import io.jthanos.proto.exemplars.ExemplarsRequest;
import io.jthanos.proto.exemplars.ExemplarsResponse;
import io.jthanos.sidecar.promclient.PrometheusClient;
import io.jthanos.tsdb.labels.Labels;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Thanos' Exemplars gRPC service over Prometheus' {@code /api/v1/query_exemplars} (Thanos {@code
 * exemplars.Prometheus}): one response per series, external labels added to the series labels,
 * exemplar timestamps in ms.
 */
public final class PrometheusExemplars extends ExemplarsGrpc.ExemplarsImplBase {
  private final PrometheusClient client;
  private final Supplier<Labels> externalLabels;
  private final Duration timeout;

  public PrometheusExemplars(
      PrometheusClient client, Supplier<Labels> externalLabels, Duration timeout) {
    this.client = client;
    this.externalLabels = externalLabels;
    this.timeout = timeout;
  }

  @Override
  public void exemplars(ExemplarsRequest req, StreamObserver<ExemplarsResponse> out) {
    JsonNode data;
    try {
      data = client.exemplars(req.getQuery(), req.getStart(), req.getEnd(), timeout);
    } catch (IOException e) {
      out.onError(PromJson.status(e));
      return;
    }
    Labels ext = externalLabels.get();
    for (JsonNode s : data) {
      ExemplarData.Builder d =
          ExemplarData.newBuilder()
              .setSeriesLabels(PromJson.withExternal(s.get("seriesLabels"), ext));
      for (JsonNode e : s.path("exemplars")) {
        d.addExemplars(
            Exemplar.newBuilder()
                .setLabels(PromJson.plain(e.get("labels")))
                .setValue(value(e.path("value").asText()))
                .setTs(millis(e.path("timestamp"))));
      }
      out.onNext(ExemplarsResponse.newBuilder().setData(d).build());
    }
    out.onCompleted();
  }

  private static double value(String s) {
    return switch (s) {
      case "NaN" -> Double.NaN;
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(s);
    };
  }

  /** Prometheus writes exemplar timestamps as seconds with a fraction: exact ms. */
  private static long millis(JsonNode ts) {
    if (ts.isNumber()) {
      return ts.decimalValue()
          .movePointRight(3)
          .setScale(0, java.math.RoundingMode.HALF_UP)
          .longValue();
    }
    return new BigDecimal(ts.asText("0")).movePointRight(3).longValue();
  }
}
