package io.jthanos.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.ForwardingBucket;
import io.jthanos.objstore.filesystem.FilesystemBucket;
import io.jthanos.proto.store.SeriesRequest;
import io.jthanos.store.cache.CachingBucketConfig;
import io.jthanos.store.cache.IndexCache;
import io.jthanos.store.cache.IndexCacheFactory;
import io.jthanos.storeapi.SeriesStreams;
import io.jthanos.storeapi.StoreClient;
import io.jthanos.storeapi.StoreProtos;
import io.jthanos.storeapi.StoreSeries;
import io.jthanos.storeapi.testing.ContractData;
import io.jthanos.storeapi.testing.LoopbackServer;
import io.jthanos.testing.cache.CacheServer;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway with each index cache type (in-memory, and the real memcached and redis-server): a
 * repeated query is answered from the cache (hits counted per item type) with the same answer.
 */
class GatewayCachesTest {
  @TempDir static Path tmp;
  static Path blocks;

  @BeforeAll
  static void blocks() throws Exception {
    blocks = GatewayFixtures.promtoolBlocks(tmp.resolve("promtool"), ContractData.openMetrics());
  }

  static double hits(MeterRegistry reg, String type) {
    return reg.find("thanos_store_index_cache_hits").tag("item_type", type).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  @ParameterizedTest
  @ValueSource(strings = {"IN-MEMORY", "MEMCACHED", "REDIS"})
  void repeatedQueriesAreServedFromTheCache(String type) throws Exception {
    CacheServer server = null;
    String yaml;
    switch (type) {
      case "MEMCACHED" -> {
        server = CacheServer.memcached(32);
        yaml = "type: MEMCACHED\nconfig:\n  addresses: [" + server.address() + "]\n";
      }
      case "REDIS" -> {
        server = CacheServer.redis();
        yaml = "type: REDIS\nconfig:\n  addr: " + server.address() + "\n";
      }
      default -> yaml = "type: IN-MEMORY\nconfig:\n  max_size: 8MB\n  max_item_size: 1MB\n";
    }
    Path root = Files.createDirectories(tmp.resolve(type));
    Bucket bkt = new FilesystemBucket(Files.createDirectories(root.resolve("bucket")));
    GatewayFixtures.upload(
        bkt, blocks, Labels.of("replica", "r"), 0, Files.createDirectories(root.resolve("s")));
    MeterRegistry reg = new SimpleMeterRegistry();
    IndexCache cache = IndexCacheFactory.create(yaml, 0, reg);
    try (StoreGateway gw =
            new StoreGateway(
                bkt,
                StoreGateway.Settings.defaults(root.resolve("data")),
                cache,
                reg,
                Clock.systemUTC());
        AutoCloseable s = server) {
      gw.sync();
      try (LoopbackServer srv = LoopbackServer.start(gw.storeServer(), gw.infoService());
          StoreClient c = srv.client()) {
        SeriesRequest r =
            SeriesRequest.newBuilder()
                .setMinTime(Long.MIN_VALUE)
                .setMaxTime(Long.MAX_VALUE)
                .addAllMatchers(
                    StoreProtos.toProtoMatchers(
                        List.of(
                            Matcher.regex("__name__", "contract_.+"),
                            Matcher.notEqual("job", "x"))))
                .build();
        List<StoreSeries> first = SeriesStreams.toList(c.series(r));
        assertThat(first).isNotEmpty();
        assertThat(hits(reg, "Series")).isZero();
        List<StoreSeries> second = List.of();
        long deadline = System.nanoTime() + 30_000_000_000L;
        // Remote caches store asynchronously: ask again until the entries are there.
        while (hits(reg, "ExpandedPostings") == 0) {
          assertThat(System.nanoTime()).as("cache filled").isLessThan(deadline);
          second = SeriesStreams.toList(c.series(r));
        }
        assertThat(second).isEqualTo(first);
        second = SeriesStreams.toList(c.series(r));
        assertThat(second).isEqualTo(first);
        assertThat(hits(reg, "Series")).isGreaterThan(0);
      }
    }
  }

  /** Counts the chunk bytes read from the bucket. */
  static final class ChunkReads extends ForwardingBucket {
    final AtomicLong bytes = new AtomicLong();

    ChunkReads(Bucket b) {
      super(b);
    }

    @Override
    public InputStream getRange(String name, long offset, long length) throws IOException {
      if (name.contains("/chunks/")) {
        bytes.addAndGet(length);
      }
      return super.getRange(name, offset, length);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"IN-MEMORY", "MEMCACHED", "REDIS"})
  void chunksAreServedFromTheCachingBucket(String type) throws Exception {
    CacheServer server = null;
    String yaml;
    switch (type) {
      case "MEMCACHED" -> {
        server = CacheServer.memcached(32);
        yaml = "type: MEMCACHED\nconfig:\n  addresses: [" + server.address() + "]\n";
      }
      case "REDIS" -> {
        server = CacheServer.redis();
        yaml = "type: REDIS\nconfig:\n  addr: " + server.address() + "\n";
      }
      default -> yaml = "type: IN-MEMORY\nconfig:\n  max_size: 8MB\n  max_item_size: 1MB\n";
    }
    Path root = Files.createDirectories(tmp.resolve("caching-bucket-" + type));
    Bucket fs = new FilesystemBucket(Files.createDirectories(root.resolve("bucket")));
    GatewayFixtures.upload(
        fs, blocks, Labels.of("replica", "r"), 0, Files.createDirectories(root.resolve("s")));
    ChunkReads reads = new ChunkReads(fs);
    MeterRegistry reg = new SimpleMeterRegistry();
    Bucket cached = CachingBucketConfig.wrap(yaml + "chunk_subrange_size: 4000\n", reads, reg);
    try (AutoCloseable s = server;
        Bucket closeMe = cached;
        StoreGateway gw =
            new StoreGateway(
                cached,
                StoreGateway.Settings.defaults(root.resolve("data")),
                IndexCache.NONE,
                reg,
                Clock.systemUTC())) {
      gw.sync();
      try (LoopbackServer srv = LoopbackServer.start(gw.storeServer(), gw.infoService());
          StoreClient c = srv.client()) {
        SeriesRequest r =
            SeriesRequest.newBuilder()
                .setMinTime(Long.MIN_VALUE)
                .setMaxTime(Long.MAX_VALUE)
                .addAllMatchers(
                    StoreProtos.toProtoMatchers(List.of(Matcher.regex("__name__", "contract_.+"))))
                .build();
        List<StoreSeries> first = SeriesStreams.toList(c.series(r));
        assertThat(first).isNotEmpty();
        assertThat(reads.bytes.get()).isPositive();
        // Subranges are stored asynchronously: ask again until no chunk byte comes from the bucket.
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
          long before = reads.bytes.get();
          assertThat(SeriesStreams.toList(c.series(r))).isEqualTo(first);
          if (reads.bytes.get() == before) {
            break;
          }
          assertThat(System.nanoTime()).as("chunks cached").isLessThan(deadline);
          Thread.sleep(50);
        }
        assertThat(
                reg.find("thanos_store_bucket_cache_operation_hits")
                    .tags("operation", "get_range", "config", "chunks")
                    .counter()
                    .count())
            .isPositive();
      }
    }
  }
}
