package io.jthanos.store.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;

/**
 * Metrics every index cache exports, with Thanos' names: {@code
 * thanos_store_index_cache_requests_total{item_type,tenant}}, {@code
 * thanos_store_index_cache_hits_total{item_type,tenant}}, {@code
 * thanos_store_index_cache_stored_data_size_bytes{item_type,tenant}} and {@code
 * thanos_store_index_cache_fetch_duration_seconds{item_type,tenant}}.
 */
public final class IndexCacheMetrics {
  /** Thanos' tenant when a request names none. */
  public static final String DEFAULT_TENANT = "default-tenant";

  private final MeterRegistry reg;

  public IndexCacheMetrics(MeterRegistry registry) {
    this.reg = registry == null ? new SimpleMeterRegistry() : registry;
    for (ItemType t : ItemType.values()) {
      requests(t, DEFAULT_TENANT);
      hits(t, DEFAULT_TENANT);
    }
  }

  MeterRegistry registry() {
    return reg;
  }

  static String tenant(String t) {
    return t == null || t.isEmpty() ? DEFAULT_TENANT : t;
  }

  Counter requests(ItemType t, String tenant) {
    return Counter.builder("thanos_store_index_cache_requests")
        .description("Total number of items requests to the cache.")
        .tag("item_type", t.label())
        .tag("tenant", tenant(tenant))
        .register(reg);
  }

  Counter hits(ItemType t, String tenant) {
    return Counter.builder("thanos_store_index_cache_hits")
        .description("Total number of items requests to the cache that were a hit.")
        .tag("item_type", t.label())
        .tag("tenant", tenant(tenant))
        .register(reg);
  }

  DistributionSummary storedSize(ItemType t, String tenant) {
    return DistributionSummary.builder("thanos_store_index_cache_stored_data_size_bytes")
        .description("Histogram to track item data size stored in index cache")
        .baseUnit("bytes")
        .serviceLevelObjectives(
            32, 256, 512, 1024, 32 * 1024, 256 * 1024, 512 * 1024, 1024 * 1024, 32 * 1024 * 1024)
        .tag("item_type", t.label())
        .tag("tenant", tenant(tenant))
        .register(reg);
  }

  Timer fetchDuration(ItemType t, String tenant) {
    return Timer.builder("thanos_store_index_cache_fetch_duration")
        .description("Histogram to track latency to fetch items from index cache")
        .serviceLevelObjectives(
            Duration.ofMillis(10),
            Duration.ofMillis(100),
            Duration.ofMillis(300),
            Duration.ofMillis(600),
            Duration.ofSeconds(1),
            Duration.ofSeconds(3),
            Duration.ofSeconds(10))
        .tag("item_type", t.label())
        .tag("tenant", tenant(tenant))
        .register(reg);
  }
}
