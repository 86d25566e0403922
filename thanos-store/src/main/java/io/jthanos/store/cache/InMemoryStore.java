package io.jthanos.store.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory index cache store (Thanos' {@code IN-MEMORY} type): a Caffeine cache bounded by
 * bytes ({@code max_size}, weighing key and value), refusing items over {@code max_item_size}.
 * Exports Thanos' in-memory metrics: {@code thanos_store_index_cache_items_added_total}, {@code
 * _items_evicted_total}, {@code _items_overflowed_total}, {@code _items}, {@code
 * _items_size_bytes}, {@code _total_size_bytes} (all by {@code item_type}), {@code _max_size_bytes}
 * and {@code _max_item_size_bytes}.
 */
final class InMemoryStore implements KeyedIndexCache.Store {
  /** Per-entry overhead counted on top of key and value bytes. */
  static final int ENTRY_OVERHEAD = 64;

  private final Cache<String, byte[]> cache;
  private final long maxItemSize;
  private final Map<ItemType, Counter> added = new EnumMap<>(ItemType.class);
  private final Map<ItemType, Counter> evicted = new EnumMap<>(ItemType.class);
  private final Map<ItemType, Counter> overflowed = new EnumMap<>(ItemType.class);
  private final Map<ItemType, AtomicLong> items = new EnumMap<>(ItemType.class);
  private final Map<ItemType, AtomicLong> bytes = new EnumMap<>(ItemType.class);

  InMemoryStore(long maxSize, long maxItemSize, MeterRegistry reg) {
    if (maxItemSize > maxSize) {
      throw new IllegalArgumentException(
          "max item size ("
              + maxItemSize
              + ") cannot be bigger than overall cache size ("
              + maxSize
              + ")");
    }
    this.maxItemSize = maxItemSize;
    for (ItemType t : ItemType.values()) {
      String tag = t.label();
      added.put(
          t,
          Counter.builder("thanos_store_index_cache_items_added")
              .description("Total number of items that were added to the index cache.")
              .tag("item_type", tag)
              .register(reg));
      evicted.put(
          t,
          Counter.builder("thanos_store_index_cache_items_evicted")
              .description("Total number of items that were evicted from the index cache.")
              .tag("item_type", tag)
              .register(reg));
      overflowed.put(
          t,
          Counter.builder("thanos_store_index_cache_items_overflowed")
              .description(
                  "Total number of items that could not be added to the cache due to being too big.")
              .tag("item_type", tag)
              .register(reg));
      AtomicLong n = new AtomicLong();
      AtomicLong b = new AtomicLong();
      items.put(t, n);
      bytes.put(t, b);
      Gauge.builder("thanos_store_index_cache_items", n, AtomicLong::get)
          .description("Current number of items in the index cache.")
          .tag("item_type", tag)
          .register(reg);
      Gauge.builder("thanos_store_index_cache_items_size_bytes", b, AtomicLong::get)
          .description("Current byte size of items in the index cache.")
          .tag("item_type", tag)
          .register(reg);
      Gauge.builder("thanos_store_index_cache_total_size_bytes", b, AtomicLong::get)
          .description("Current byte size of items (both value and key) in the index cache.")
          .tag("item_type", tag)
          .register(reg);
    }
    Gauge.builder("thanos_store_index_cache_max_size_bytes", () -> maxSize)
        .description("Maximum number of bytes to be held in the index cache.")
        .register(reg);
    Gauge.builder("thanos_store_index_cache_max_item_size_bytes", () -> maxItemSize)
        .description("Maximum number of bytes for single entry to be held in the index cache.")
        .register(reg);
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(maxSize)
            .weigher((String k, byte[] v) -> weight(k, v))
            .executor(Runnable::run)
            .removalListener(
                (String k, byte[] v, RemovalCause cause) -> {
                  ItemType t = CacheKeys.typeOf(k);
                  if (t == null || v == null) {
                    return;
                  }
                  items.get(t).decrementAndGet();
                  bytes.get(t).addAndGet(-weight(k, v));
                  if (cause.wasEvicted()) {
                    evicted.get(t).increment();
                  }
                })
            .build();
  }

  private static int weight(String k, byte[] v) {
    return k.length() + v.length + ENTRY_OVERHEAD;
  }

  @Override
  public Map<String, byte[]> getMulti(List<String> keys) {
    return cache.getAllPresent(keys);
  }

  @Override
  public void set(String key, byte[] value, ItemType type) {
    if (weight(key, value) > maxItemSize) {
      overflowed.get(type).increment();
      return;
    }
    if (cache.asMap().putIfAbsent(key, value) == null) {
      items.get(type).incrementAndGet();
      bytes.get(type).addAndGet(weight(key, value));
      added.get(type).increment();
    }
  }

  /** Runs pending maintenance (evictions) now; for tests. */
  void cleanUp() {
    cache.cleanUp();
  }
}
