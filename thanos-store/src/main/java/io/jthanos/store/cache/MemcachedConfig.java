package io.jthanos.store.cache;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Thanos' memcached client config ({@code type: MEMCACHED}), with Thanos' defaults. */
public final class MemcachedConfig {
  @JsonProperty("addresses")
  public List<String> addresses = new ArrayList<>();

  @JsonProperty("timeout")
  public Duration timeout = Duration.ofMillis(500);

  @JsonProperty("max_idle_connections")
  public int maxIdleConnections = 100;

  @JsonProperty("max_async_concurrency")
  public int maxAsyncConcurrency = 20;

  @JsonProperty("max_async_buffer_size")
  public int maxAsyncBufferSize = 10000;

  @JsonProperty("max_get_multi_concurrency")
  public int maxGetMultiConcurrency = 100;

  @JsonProperty("max_get_multi_batch_size")
  public int maxGetMultiBatchSize = 0;

  @JsonProperty("max_item_size")
  public Bytes maxItemSize = new Bytes(1024 * 1024);

  @JsonProperty("dns_provider_update_interval")
  public Duration dnsProviderUpdateInterval = Duration.ofSeconds(10);

  /** AWS ElastiCache auto discovery; accepted for compatibility, not supported. */
  @JsonProperty("auto_discovery")
  public boolean autoDiscovery = false;

  @JsonProperty("set_async_circuit_breaker_config")
  public CircuitBreakerConfig setAsyncCircuitBreaker = new CircuitBreakerConfig();

  /** Thanos' circuit breaker config for asynchronous sets (disabled by default). */
  public static final class CircuitBreakerConfig {
    @JsonProperty("enabled")
    public boolean enabled = false;

    @JsonProperty("half_open_max_requests")
    public int halfOpenMaxRequests = 10;

    @JsonProperty("open_duration")
    public Duration openDuration = Duration.ofSeconds(5);

    @JsonProperty("min_requests")
    public int minRequests = 50;

    @JsonProperty("consecutive_failures")
    public int consecutiveFailures = 5;

    @JsonProperty("failure_percent")
    public double failurePercent = 0.05;
  }

  /** TLS settings are not part of Thanos' memcached config; any extra key is an error. */
  void validate() {
    if (addresses == null || addresses.isEmpty()) {
      throw new IllegalArgumentException("no memcached addresses provided");
    }
    if (dnsProviderUpdateInterval.isNegative() || dnsProviderUpdateInterval.isZero()) {
      throw new IllegalArgumentException("DNS provider update interval must be positive");
    }
    if (maxAsyncConcurrency <= 0) {
      throw new IllegalArgumentException("max async concurrency must be positive");
    }
    if (autoDiscovery) {
      throw new IllegalArgumentException("auto_discovery is not supported");
    }
  }
}
