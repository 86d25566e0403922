package io.jthanos.query.store;

import io.grpc.netty.NettyChannelBuilder;
import io.jthanos.proto.info.InfoResponse;
import io.jthanos.storeapi.StoreClient;
import io.jthanos.storeapi.StoreProtos;
import io.jthanos.tsdb.labels.Labels;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One StoreAPI endpoint the querier talks to: its client, and what the last {@code Info} call said
 * (component type, label sets, time range, the APIs it serves) with the time and error of the last
 * check. Thread-safe: the endpoint set updates it, queries read snapshots.
 */
public final class Endpoint implements AutoCloseable {
  private final EndpointSpec spec;
  private final StoreClient client;
  private volatile Status status;

  /**
   * What the querier knows of an endpoint at one moment.
   *
   * @param info the last successful Info answer, or null if none yet
   * @param lastCheck when Info was last called
   * @param lastError the error of the last check, or null when it succeeded
   * @param lastSuccess when Info last succeeded, or null
   */
  public record Status(
      InfoResponse info, Instant lastCheck, String lastError, Instant lastSuccess) {
    public boolean healthy() {
      return lastError == null && info != null;
    }
  }

  Endpoint(EndpointSpec spec) {
    this.spec = spec;
    if (spec.group()) {
      NettyChannelBuilder b =
          NettyChannelBuilder.forTarget("dns:///" + stripDnsPrefix(spec.address()))
              .defaultLoadBalancingPolicy("round_robin");
      this.client = StoreClient.connect(spec.address(), b, spec.clientConfig());
    } else {
      this.client = StoreClient.connect(spec.address(), spec.clientConfig());
    }
    this.status = new Status(null, null, "not checked yet", null);
  }

  /** For tests and in-process use: an endpoint over an existing client. */
  Endpoint(EndpointSpec spec, StoreClient client) {
    this.spec = spec;
    this.client = client;
    this.status = new Status(null, null, "not checked yet", null);
  }

  private static String stripDnsPrefix(String a) {
    int plus = a.indexOf('+');
    return a.startsWith("dns") && plus > 0 ? a.substring(plus + 1) : a;
  }

  public String address() {
    return spec.address();
  }

  public EndpointSpec spec() {
    return spec;
  }

  public boolean strict() {
    return spec.strict();
  }

  public StoreClient client() {
    return client;
  }

  public Status status() {
    return status;
  }

  /** Calls Info with a deadline and records the outcome. */
  void check(Duration timeout) {
    Instant now = Instant.now();
    Status prev = status;
    try {
      InfoResponse info = client.withDeadlineAfter(timeout).info();
      status = new Status(info, now, null, now);
    } catch (RuntimeException e) {
      String msg = e.getMessage() == null ? e.toString() : e.getMessage();
      status = new Status(prev.info(), now, msg, prev.lastSuccess());
    }
  }

  /** Whether queries may use it: healthy, or strict with a known (or no) Info. */
  public boolean queryable() {
    Status s = status;
    return s.healthy() || spec.strict();
  }

  /** The component type from Info ({@code sidecar}, {@code store}, ...), or "" when unknown. */
  public String componentType() {
    InfoResponse i = status.info();
    return i == null ? "" : i.getComponentType();
  }

  /** The external label sets from Info. */
  public List<Labels> labelSets() {
    InfoResponse i = status.info();
    List<Labels> out = new ArrayList<>();
    if (i != null) {
      for (var ls : i.getLabelSetsList()) {
        out.add(StoreProtos.labels(ls));
      }
    }
    return out;
  }

  /** Whether the endpoint serves StoreAPI (strict endpoints without Info are assumed to). */
  public boolean hasStoreApi() {
    InfoResponse i = status.info();
    return i == null ? spec.strict() : i.hasStore();
  }

  public long minTime() {
    InfoResponse i = status.info();
    return i == null || !i.hasStore() ? Long.MIN_VALUE : i.getStore().getMinTime();
  }

  public long maxTime() {
    InfoResponse i = status.info();
    return i == null || !i.hasStore() ? Long.MAX_VALUE : i.getStore().getMaxTime();
  }

  public boolean supportsWithoutReplicaLabels() {
    InfoResponse i = status.info();
    return i != null && i.hasStore() && i.getStore().getSupportsWithoutReplicaLabels();
  }

  public boolean hasRules() {
    InfoResponse i = status.info();
    return i != null && i.hasRules();
  }

  public boolean hasTargets() {
    InfoResponse i = status.info();
    return i != null && i.hasTargets();
  }

  public boolean hasMetricMetadata() {
    InfoResponse i = status.info();
    return i != null && i.hasMetricMetadata();
  }

  public boolean hasExemplars() {
    InfoResponse i = status.info();
    return i != null && i.hasExemplars();
  }

  public boolean hasStatus() {
    InfoResponse i = status.info();
    return i != null && i.hasStatus();
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return spec.address();
  }
}
