package io.jthanos.store.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Thanos' generic {@code IN-MEMORY} cache (as used by the caching bucket): a Caffeine cache bounded
 * by bytes ({@code max_size}, weighing key and value), refusing items over {@code max_item_size},
 * with a time to live per item. Metrics: {@code thanos_cache_inmemory_{requests,hits}_total},
 * {@code thanos_cache_inmemory_items_{added,evicted,overflowed}_total}, all by {@code name}.
 */
final class InMemoryCacheClient implements RemoteCacheClient {
  /** Per-entry overhead counted on top of key and value bytes. */
  static final int ENTRY_OVERHEAD = 64;

  private record Entry(byte[] value, long ttlNanos) {}

  private final Cache<String, Entry> cache;
  private final long maxItemSize;
  private final Counter requests;
  private final Counter hits;
  private final Counter added;
  private final Counter overflowed;

  InMemoryCacheClient(String name, long maxSize, long maxItemSize, MeterRegistry reg) {
    if (maxItemSize > maxSize) {
      throw new IllegalArgumentException(
          "max item size ("
              + maxItemSize
              + ") cannot be bigger than overall cache size ("
              + maxSize
              + ")");
    }
    this.maxItemSize = maxItemSize;
    requests = counter(reg, "requests", "Total number of requests to the cache.", name);
    hits = counter(reg, "hits", "Total number of requests to the cache that were a hit.", name);
    added =
        counter(reg, "items_added", "Total number of items that were added to the cache.", name);
    Counter evicted =
        counter(
            reg, "items_evicted", "Total number of items that were evicted from the cache.", name);
    overflowed =
        counter(
            reg,
            "items_overflowed",
            "Total number of items that could not be added to the cache due to being too big.",
            name);
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(maxSize)
            .weigher((String k, Entry v) -> (int) Math.min(Integer.MAX_VALUE, weight(k, v.value)))
            .expireAfter(
                new Expiry<String, Entry>() {
                  @Override
                  public long expireAfterCreate(String key, Entry value, long currentTime) {
                    return value.ttlNanos;
                  }

                  @Override
                  public long expireAfterUpdate(
                      String key, Entry value, long currentTime, long currentDuration) {
                    return value.ttlNanos;
                  }

                  @Override
                  public long expireAfterRead(
                      String key, Entry value, long currentTime, long currentDuration) {
                    return currentDuration;
                  }
                })
            .executor(Runnable::run)
            .removalListener(
                (String k, Entry v, RemovalCause cause) -> {
                  if (cause == RemovalCause.SIZE) {
                    evicted.increment();
                  }
                })
            .build();
  }

  private static Counter counter(MeterRegistry reg, String what, String help, String name) {
    return Counter.builder("thanos_cache_inmemory_" + what)
        .description(help)
        .tag("name", name)
        .register(reg);
  }

  private static long weight(String k, byte[] v) {
    return (long) k.length() + v.length + ENTRY_OVERHEAD;
  }

  @Override
  public Map<String, byte[]> getMulti(List<String> keys) {
    requests.increment(keys.size());
    Map<String, byte[]> out = new HashMap<>();
    for (Map.Entry<String, Entry> e : cache.getAllPresent(keys).entrySet()) {
      out.put(e.getKey(), e.getValue().value);
    }
    hits.increment(out.size());
    return out;
  }

  @Override
  public void setAsync(String key, byte[] value, Duration ttl) {
    if (weight(key, value) > maxItemSize) {
      overflowed.increment();
      return;
    }
    long nanos = ttl.isZero() || ttl.isNegative() ? Long.MAX_VALUE : ttl.toNanos();
    cache.put(key, new Entry(value, nanos));
    added.increment();
  }

  /** Runs pending maintenance (evictions, expiries) now; for tests. */
  void cleanUp() {
    cache.cleanUp();
  }

  @Override
  public void close() {
    cache.invalidateAll();
  }
}
