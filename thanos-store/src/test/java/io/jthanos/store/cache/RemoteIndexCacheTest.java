package io.jthanos.store.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.store.cache.IndexCache.PostingsKey;
import io.jthanos.testing.cache.CacheServer;
import io.jthanos.tsdb.block.Ulid;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MEMCACHED and REDIS index caches against the real Debian memcached and redis-server on
 * loopback: Thanos' config keys, round trips of every item type, batching, our own key prefix,
 * metrics, and a server going away (misses, never failures).
 */
class RemoteIndexCacheTest {
  static CacheServer memcached;
  static CacheServer redis;
  static final Ulid BLOCK = Ulid.of(1_700_000_000_000L, 3, 9);

  @BeforeAll
  static void start() throws Exception {
    memcached = CacheServer.memcached(64);
    redis = CacheServer.redis();
  }

  @AfterAll
  static void stop() {
    if (memcached != null) {
      memcached.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  static double count(MeterRegistry reg, String name, String itemType) {
    return reg.find(name).tag("item_type", itemType).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  private void roundTrip(IndexCache cache, MeterRegistry reg, Runnable flush) {
    List<PostingsKey> keys = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      keys.add(new PostingsKey("job", "v" + i));
    }
    assertThat(cache.fetchPostings(BLOCK, keys, "")).isEmpty();
    for (int i = 0; i < 200; i++) {
      cache.storePostings(BLOCK, keys.get(i), ("p" + i).getBytes(), "");
    }
    cache.storeExpandedPostings(BLOCK, "{job=\"a\"}", new byte[] {1, 2, 3}, "");
    long[] refs = {10, 20, 30};
    for (long r : refs) {
      cache.storeSeries(BLOCK, r, new byte[] {(byte) r}, "");
    }
    flush.run();
    Map<PostingsKey, byte[]> hits = cache.fetchPostings(BLOCK, keys, "");
    assertThat(hits).hasSize(200);
    assertThat(hits.get(keys.get(7))).isEqualTo("p7".getBytes());
    assertThat(cache.fetchExpandedPostings(BLOCK, "{job=\"a\"}", "")).containsExactly(1, 2, 3);
    assertThat(cache.fetchExpandedPostings(BLOCK, "{job=\"b\"}", "")).isNull();
    Map<Long, byte[]> series = cache.fetchSeries(BLOCK, new long[] {10, 20, 30, 40}, 4, "");
    assertThat(series).containsOnlyKeys(10L, 20L, 30L);
    assertThat(series.get(20L)).containsExactly(20);
    assertThat(count(reg, "thanos_store_index_cache_requests", "Postings")).isEqualTo(500);
    assertThat(count(reg, "thanos_store_index_cache_hits", "Postings")).isEqualTo(200);
    assertThat(count(reg, "thanos_store_index_cache_requests", "Series")).isEqualTo(4);
    assertThat(count(reg, "thanos_store_index_cache_hits", "Series")).isEqualTo(3);
    assertThat(count(reg, "thanos_store_index_cache_hits", "ExpandedPostings")).isEqualTo(1);
  }

  @Test
  void memcachedRoundTripsWithThanosConfigKeys() throws Exception {
    MeterRegistry reg = new SimpleMeterRegistry();
    String yaml =
        "type: MEMCACHED\n"
            + "config:\n"
            + "  addresses: [\""
            + memcached.address()
            + "\"]\n"
            + "  timeout: 2s\n"
            + "  max_idle_connections: 10\n"
            + "  max_async_concurrency: 4\n"
            + "  max_async_buffer_size: 10000\n"
            + "  max_get_multi_concurrency: 4\n"
            + "  max_get_multi_batch_size: 64\n"
            + "  max_item_size: 1MiB\n"
            + "  dns_provider_update_interval: 10s\n"
            + "enabled_items: [Postings, Series, ExpandedPostings]\n"
            + "ttl: 1h\n";
    try (IndexCache cache = IndexCacheFactory.create(yaml, 0, reg)) {
      MemcachedClient client =
          (MemcachedClient) ((IndexCacheFactory.RemoteStore) store(cache)).client();
      roundTrip(cache, reg, () -> flush(client));
      assertThat(
              reg.find("thanos_memcached_operations")
                  .tag("operation", "getmulti")
                  .counter()
                  .count())
          .isGreaterThan(4);
      // Keys carry our own prefix: a Thanos-style key is never written.
      assertThat(client.getMulti(List.of("P:" + BLOCK + ":x"))).isEmpty();
      // Items over max_item_size are skipped, not sent.
      client.setAsync(CacheKeys.PREFIX + "big", new byte[2 << 20], Duration.ofMinutes(1));
      assertThat(
              reg.find("thanos_memcached_operation_skipped")
                  .tag("reason", "max-item-size")
                  .tag("operation", "set")
                  .counter()
                  .count())
          .isEqualTo(1);
    }
  }

  @Test
  void redisRoundTripsWithThanosConfigKeys() throws Exception {
    MeterRegistry reg = new SimpleMeterRegistry();
    String yaml =
        "type: REDIS\n"
            + "config:\n"
            + "  addr: "
            + redis.address()
            + "\n"
            + "  db: 2\n"
            + "  dial_timeout: 5s\n"
            + "  read_timeout: 3s\n"
            + "  write_timeout: 3s\n"
            + "  pool_size: 10\n"
            + "  get_multi_batch_size: 64\n"
            + "  max_get_multi_concurrency: 4\n"
            + "  max_set_multi_concurrency: 100\n"
            + "ttl: 10m\n";
    try (IndexCache cache = IndexCacheFactory.create(yaml, 0, reg)) {
      RedisCacheClient client =
          (RedisCacheClient) ((IndexCacheFactory.RemoteStore) store(cache)).client();
      roundTrip(
          cache,
          reg,
          () -> {
            try {
              client.flush(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
          });
      assertThat(
              reg.find("thanos_redis_operation_duration")
                  .tag("operation", "getmulti")
                  .timer()
                  .count())
          .isGreaterThan(0);
    }
  }

  @Test
  void enabledItemsRestrictWhatIsCached() throws Exception {
    MeterRegistry reg = new SimpleMeterRegistry();
    String yaml =
        "type: memcached\nconfig:\n  addresses: ["
            + memcached.address()
            + "]\nenabled_items: [Series]\n";
    try (IndexCache cache = IndexCacheFactory.create(yaml, 0, reg)) {
      MemcachedClient client =
          (MemcachedClient) ((IndexCacheFactory.RemoteStore) store(cache)).client();
      cache.storePostings(BLOCK, new PostingsKey("a", "b"), new byte[] {1}, "");
      cache.storeSeries(BLOCK, 99, new byte[] {9}, "");
      flush(client);
      assertThat(cache.fetchPostings(BLOCK, List.of(new PostingsKey("a", "b")), "")).isEmpty();
      assertThat(cache.fetchSeries(BLOCK, new long[] {99}, 1, "")).containsKey(99L);
      assertThat(count(reg, "thanos_store_index_cache_requests", "Postings")).isZero();
    }
  }

  @Test
  void aServerThatIsGoneGivesMissesNotFailures() throws Exception {
    CacheServer doomed = CacheServer.memcached(16);
    MeterRegistry reg = new SimpleMeterRegistry();
    String yaml =
        "type: MEMCACHED\nconfig:\n  addresses: [" + doomed.address() + "]\n  timeout: 300ms\n";
    try (IndexCache cache = IndexCacheFactory.create(yaml, 0, reg)) {
      cache.storeSeries(BLOCK, 1, new byte[] {1}, "");
      doomed.close();
      assertThat(cache.fetchSeries(BLOCK, new long[] {1, 2}, 2, "")).isEmpty();
      assertThat(
              reg
                  .find("thanos_memcached_operation_failures")
                  .tag("operation", "getmulti")
                  .counters()
                  .stream()
                  .mapToDouble(c -> c.count())
                  .sum())
          .isGreaterThanOrEqualTo(1);
    }
  }

  private static KeyedIndexCache.Store store(IndexCache cache) {
    return ((KeyedIndexCache) cache).store();
  }

  private static void flush(MemcachedClient c) {
    try {
      c.flush(Duration.ofSeconds(10));
      assertThat(c.pendingSets()).isZero();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
