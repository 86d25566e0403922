package io.jthanos.store.cache;

import io.jthanos.tsdb.block.Ulid;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An {@link IndexCache} over a key/value store: builds {@link CacheKeys}, skips item types not
 * enabled ({@code enabled_items}), and records the common metrics.
 */
class KeyedIndexCache implements IndexCache {

  /** Where entries live. */
  interface Store extends AutoCloseable {
    /** The hits among {@code keys}; failures are the store's business (logged, counted). */
    Map<String, byte[]> getMulti(List<String> keys);

    void set(String key, byte[] value, ItemType type);

    @Override
    default void close() {}
  }

  private final Store store;
  private final Set<ItemType> enabled;
  private final IndexCacheMetrics metrics;

  KeyedIndexCache(Store store, Set<ItemType> enabled, IndexCacheMetrics metrics) {
    this.store = store;
    this.enabled = enabled.isEmpty() ? EnumSet.allOf(ItemType.class) : EnumSet.copyOf(enabled);
    this.metrics = metrics;
  }

  Store store() {
    return store;
  }

  private <K> Map<K, byte[]> fetch(ItemType t, List<K> ids, List<String> keys, String tenant) {
    if (!enabled.contains(t) || keys.isEmpty()) {
      return Map.of();
    }
    long start = System.nanoTime();
    metrics.requests(t, tenant).increment(keys.size());
    Map<String, byte[]> got = store.getMulti(keys);
    Map<K, byte[]> out = new HashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      byte[] v = got.get(keys.get(i));
      if (v != null) {
        out.put(ids.get(i), v);
      }
    }
    metrics.hits(t, tenant).increment(out.size());
    metrics.fetchDuration(t, tenant).record(java.time.Duration.ofNanos(System.nanoTime() - start));
    return out;
  }

  private void put(ItemType t, String key, byte[] value, String tenant) {
    if (!enabled.contains(t)) {
      return;
    }
    metrics.storedSize(t, tenant).record(value.length);
    store.set(key, value, t);
  }

  @Override
  public Map<PostingsKey, byte[]> fetchPostings(Ulid block, List<PostingsKey> keys, String tenant) {
    List<String> ks = new ArrayList<>(keys.size());
    for (PostingsKey k : keys) {
      ks.add(CacheKeys.postings(block, k.name(), k.value()));
    }
    return fetch(ItemType.POSTINGS, keys, ks, tenant);
  }

  @Override
  public void storePostings(Ulid block, PostingsKey key, byte[] value, String tenant) {
    put(ItemType.POSTINGS, CacheKeys.postings(block, key.name(), key.value()), value, tenant);
  }

  @Override
  public byte[] fetchExpandedPostings(Ulid block, String matchers, String tenant) {
    return fetch(
            ItemType.EXPANDED_POSTINGS,
            List.of(matchers),
            List.of(CacheKeys.expandedPostings(block, matchers)),
            tenant)
        .get(matchers);
  }

  @Override
  public void storeExpandedPostings(Ulid block, String matchers, byte[] value, String tenant) {
    put(ItemType.EXPANDED_POSTINGS, CacheKeys.expandedPostings(block, matchers), value, tenant);
  }

  @Override
  public Map<Long, byte[]> fetchSeries(Ulid block, long[] refs, int n, String tenant) {
    List<Long> ids = new ArrayList<>(n);
    List<String> ks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(refs[i]);
      ks.add(CacheKeys.series(block, refs[i]));
    }
    return fetch(ItemType.SERIES, ids, ks, tenant);
  }

  @Override
  public void storeSeries(Ulid block, long ref, byte[] value, String tenant) {
    put(ItemType.SERIES, CacheKeys.series(block, ref), value, tenant);
  }

  @Override
  public void close() {
    try {
      store.close();
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(KeyedIndexCache.class)
          .atWarn()
          .setCause(e)
          .log("closing index cache failed");
    }
  }
}
