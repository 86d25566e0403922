package io.jthanos.sidecar.apis;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Timestamp;
import io.grpc.stub.StreamObserver;
import io.jthanos.proto.targets.ActiveTarget;
import io.jthanos.proto.targets.DroppedTarget;
import io.jthanos.proto.targets.TargetDiscovery;
import io.jthanos.proto.targets.TargetHealth;
import io.jthanos.proto.targets.TargetsGrpc;
import io.jthanos.proto.targets.TargetsRequest;
import io.jthanos.proto.targets.TargetsResponse;
import io.jthanos.sidecar.promclient.PrometheusClient;
import io.jthanos.tsdb.labels.Labels;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Thanos' Targets gRPC service over Prometheus' {@code /api/v1/targets} (Thanos {@code
 * targets.Prometheus}): external labels are added to the labels and discovered labels of every
 * target.
 */
public final class PrometheusTargets extends TargetsGrpc.TargetsImplBase {
  private final PrometheusClient client;
  private final Supplier<Labels> externalLabels;
  private final Duration timeout;

  public PrometheusTargets(
      PrometheusClient client, Supplier<Labels> externalLabels, Duration timeout) {
    this.client = client;
    this.externalLabels = externalLabels;
    this.timeout = timeout;
  }

  @Override
  public void targets(TargetsRequest req, StreamObserver<TargetsResponse> out) {
    String state = req.getState().name().toLowerCase(Locale.ROOT);
    JsonNode data;
    try {
      data = client.targets(state, timeout);
    } catch (IOException e) {
      out.onError(PromJson.status(e));
      return;
    }
    Labels ext = externalLabels.get();
    TargetDiscovery.Builder td = TargetDiscovery.newBuilder();
    for (JsonNode t : data.path("activeTargets")) {
      ActiveTarget.Builder a =
          ActiveTarget.newBuilder()
              .setDiscoveredLabels(PromJson.withExternal(t.get("discoveredLabels"), ext))
              .setLabels(PromJson.withExternal(t.get("labels"), ext))
              .setScrapePool(t.path("scrapePool").asText())
              .setScrapeUrl(t.path("scrapeUrl").asText())
              .setGlobalUrl(t.path("globalUrl").asText())
              .setLastError(t.path("lastError").asText(""))
              .setLastScrapeDuration(t.path("lastScrapeDuration").asDouble())
              .setHealth(health(t.path("health").asText()));
      Timestamp last = PromJson.time(t.get("lastScrape"));
      if (last != null) {
        a.setLastScrape(last);
      }
      td.addActiveTargets(a);
    }
    for (JsonNode t : data.path("droppedTargets")) {
      td.addDroppedTargets(
          DroppedTarget.newBuilder()
              .setDiscoveredLabels(PromJson.withExternal(t.get("discoveredLabels"), ext)));
    }
    out.onNext(TargetsResponse.newBuilder().setTargets(td).build());
    out.onCompleted();
  }

  static TargetHealth health(String h) {
    return switch (h) {
      case "up" -> TargetHealth.UP;
      case "down" -> TargetHealth.DOWN;
      default -> TargetHealth.UNKNOWN;
    };
  }
}
