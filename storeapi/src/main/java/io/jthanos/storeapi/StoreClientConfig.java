package io.jthanos.storeapi;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link StoreClient} talks to its endpoint. Defaults follow Thanos' querier: no compression,
 * no TLS, keepalive 10s / timeout 5s, no per-call timeout (the query's deadline applies).
 *
 * @param tls transport security
 * @param compression {@code none}, {@code snappy} (Thanos' framed snappy) or {@code gzip}
 * @param timeout deadline applied to calls that carry none, or null
 * @param keepAliveTime idle time before a keepalive ping, or null to disable
 * @param keepAliveTimeout how long to wait for the ping's answer
 * @param prefetch Series frames received ahead of the consumer (flow-control window in frames)
 */
public record StoreClientConfig(
    ClientTls tls,
    String compression,
    Duration timeout,
    Duration keepAliveTime,
    Duration keepAliveTimeout,
    int prefetch) {

  public static final StoreClientConfig DEFAULT =
      new StoreClientConfig(
          ClientTls.PLAINTEXT, "none", null, Duration.ofSeconds(10), Duration.ofSeconds(5), 16);

  public StoreClientConfig {
    Objects.requireNonNull(tls, "tls");
    compression = compression == null || compression.isEmpty() ? "none" : compression;
    if (!compression.equals("none")
        && !compression.equals("snappy")
        && !compression.equals("gzip")) {
      throw new IllegalArgumentException(
          "unknown gRPC compression " + compression + " (none, snappy, gzip)");
    }
    if (prefetch < 1) {
      throw new IllegalArgumentException("prefetch must be at least 1");
    }
  }

  public StoreClientConfig withTls(ClientTls t) {
    return new StoreClientConfig(
        t, compression, timeout, keepAliveTime, keepAliveTimeout, prefetch);
  }

  public StoreClientConfig withCompression(String c) {
    return new StoreClientConfig(tls, c, timeout, keepAliveTime, keepAliveTimeout, prefetch);
  }

  public StoreClientConfig withTimeout(Duration d) {
    return new StoreClientConfig(tls, compression, d, keepAliveTime, keepAliveTimeout, prefetch);
  }

  public StoreClientConfig withKeepAlive(Duration time, Duration timeout) {
    return new StoreClientConfig(tls, compression, this.timeout, time, timeout, prefetch);
  }

  public StoreClientConfig withPrefetch(int frames) {
    return new StoreClientConfig(
        tls, compression, timeout, keepAliveTime, keepAliveTimeout, frames);
  }
}
