package io.jthanos.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.jthanos.block.indexheader.IndexHeaders;
import io.jthanos.block.indexheader.ReaderPool;
import io.jthanos.block.metadata.Meta;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.filesystem.FilesystemBucket;
import io.jthanos.proto.store.SeriesRequest;
import io.jthanos.store.cache.IndexCache;
import io.jthanos.store.cache.IndexCacheFactory;
import io.jthanos.storeapi.SeriesStreams;
import io.jthanos.storeapi.StoreApiException;
import io.jthanos.storeapi.StoreClient;
import io.jthanos.storeapi.StoreProtos;
import io.jthanos.storeapi.testing.ContractData;
import io.jthanos.storeapi.testing.LoopbackServer;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chunk pool exhaustion, lazy index-headers and in-memory cache eviction through the gateway. */
class GatewayBehaviourTest {
  @TempDir static Path tmp;
  static Path blocks;
  static final AtomicInteger seq = new AtomicInteger();

  @BeforeAll
  static void blocks() throws Exception {
    blocks = GatewayFixtures.promtoolBlocks(tmp.resolve("promtool"), ContractData.openMetrics());
  }

  record Setup(Bucket bkt, List<Meta> metas, Path root) {}

  static Setup bucket() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("b" + seq.incrementAndGet()));
    Bucket bkt = new FilesystemBucket(Files.createDirectories(root.resolve("bucket")));
    List<Meta> metas =
        GatewayFixtures.upload(
            bkt, blocks, Labels.of("replica", "r"), 0, Files.createDirectories(root.resolve("s")));
    return new Setup(bkt, metas, root);
  }

  static final SeriesRequest ALL =
      SeriesRequest.newBuilder()
          .setMinTime(Long.MIN_VALUE)
          .setMaxTime(Long.MAX_VALUE)
          .addAllMatchers(StoreProtos.toProtoMatchers(List.of(Matcher.regex("__name__", ".+"))))
          .build();

  @Test
  void exhaustedChunkPoolIsResourceExhaustedNotOutOfMemory() throws Exception {
    Setup s = bucket();
    MeterRegistry reg = new SimpleMeterRegistry();
    try (StoreGateway gw =
            new StoreGateway(
                s.bkt(),
                StoreGateway.Settings.defaults(s.root().resolve("data")).withChunkPoolSize(1000),
                IndexCache.NONE,
                reg,
                Clock.systemUTC());
        LoopbackServer srv = start(gw);
        StoreClient c = srv.client()) {
      assertThatThrownBy(() -> SeriesStreams.toList(c.series(ALL)))
          .isInstanceOf(StoreApiException.class)
          .hasMessageContaining("chunk pool exhausted")
          .satisfies(
              e ->
                  assertThat(((StoreApiException) e).code())
                      .isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
      assertThat(gw.store().chunkPoolUsed()).isZero();
      // Labels only need no chunk bytes.
      assertThat(SeriesStreams.toList(c.series(ALL.toBuilder().setSkipChunks(true).build())))
          .isNotEmpty();
    }
  }

  @Test
  void lazyIndexHeadersAreBuiltAndMappedOnFirstUse() throws Exception {
    Setup s = bucket();
    MeterRegistry reg = new SimpleMeterRegistry();
    Path data = s.root().resolve("data");
    try (StoreGateway gw =
            new StoreGateway(
                s.bkt(),
                StoreGateway.Settings.defaults(data)
                    .withLazyIndexHeader(true, ReaderPool.DownloadStrategy.LAZY),
                IndexCache.NONE,
                reg,
                Clock.systemUTC());
        LoopbackServer srv = start(gw);
        StoreClient c = srv.client()) {
      assertThat(gw.store().blockCount()).isEqualTo(s.metas().size());
      for (Meta m : s.metas()) {
        assertThat(Files.exists(IndexHeaders.file(data, m.ulid()))).isFalse();
      }
      assertThat(reg.find("thanos_bucket_store_indexheader_lazy_load").counter().count()).isZero();
      assertThat(SeriesStreams.toList(c.series(ALL))).isNotEmpty();
      for (Meta m : s.metas()) {
        assertThat(Files.exists(IndexHeaders.file(data, m.ulid()))).isTrue();
      }
      assertThat(reg.find("thanos_bucket_store_indexheader_lazy_load").counter().count())
          .isEqualTo(s.metas().size());
    }
  }

  @Test
  void idleLazyIndexHeadersAreUnmappedAndMappedAgainOnUse() throws Exception {
    Setup s = bucket();
    MeterRegistry reg = new SimpleMeterRegistry();
    StoreGateway.Settings d = StoreGateway.Settings.defaults(s.root().resolve("data"));
    StoreGateway.Settings lazy =
        new StoreGateway.Settings(
            d.dataDir(),
            d.cacheIndexHeader(),
            true,
            java.time.Duration.ofMillis(200),
            ReaderPool.DownloadStrategy.EAGER,
            d.postingOffsetsSampling(),
            d.blockSyncConcurrency(),
            d.metaFetchConcurrency(),
            d.consistencyDelay(),
            d.ignoreDeletionMarksDelay(),
            d.minTime(),
            d.maxTime(),
            d.selectorRelabel(),
            d.limits(),
            d.chunkPoolSize(),
            d.seriesMaxConcurrency(),
            d.seriesBatchSize());
    int blocks = s.metas().size();
    try (StoreGateway gw =
            new StoreGateway(s.bkt(), lazy, IndexCache.NONE, reg, Clock.systemUTC());
        LoopbackServer srv = start(gw);
        StoreClient c = srv.client()) {
      // Eager download: the files exist, nothing is mapped yet.
      for (Meta m : s.metas()) {
        assertThat(Files.exists(IndexHeaders.file(d.dataDir(), m.ulid()))).isTrue();
      }
      var first = SeriesStreams.toList(c.series(ALL));
      assertThat(counter(reg, "thanos_bucket_store_indexheader_lazy_load"))
          .isGreaterThanOrEqualTo(blocks);
      // Unused for longer than the idle timeout: unmapped by the pool's checker.
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (counter(reg, "thanos_bucket_store_indexheader_lazy_unload") < blocks) {
        assertThat(System.nanoTime()).as("idle index-headers unmapped").isLessThan(deadline);
        Thread.sleep(20);
      }
      // The next query maps them again and answers the same.
      assertThat(SeriesStreams.toList(c.series(ALL))).isEqualTo(first);
      assertThat(counter(reg, "thanos_bucket_store_indexheader_lazy_load"))
          .isGreaterThanOrEqualTo(2.0 * blocks);
      assertThat(counter(reg, "thanos_bucket_store_indexheader_lazy_load_failed")).isZero();
    }
  }

  static double counter(MeterRegistry reg, String name) {
    return reg.find(name).counters().stream().mapToDouble(x -> x.count()).sum();
  }

  @Test
  void smallInMemoryCacheEvictsAndCounts() throws Exception {
    Setup s = bucket();
    MeterRegistry reg = new SimpleMeterRegistry();
    IndexCache cache = IndexCacheFactory.inMemory(2048, 1024, reg);
    try (StoreGateway gw =
            new StoreGateway(
                s.bkt(),
                StoreGateway.Settings.defaults(s.root().resolve("data")),
                cache,
                reg,
                Clock.systemUTC());
        LoopbackServer srv = start(gw);
        StoreClient c = srv.client()) {
      var first = SeriesStreams.toList(c.series(ALL));
      assertThat(SeriesStreams.toList(c.series(ALL))).isEqualTo(first);
      double added =
          reg.find("thanos_store_index_cache_items_added").counters().stream()
              .mapToDouble(x -> x.count())
              .sum();
      double evicted =
          reg.find("thanos_store_index_cache_items_evicted").counters().stream()
              .mapToDouble(x -> x.count())
              .sum();
      double size =
          reg.find("thanos_store_index_cache_items_size_bytes").gauges().stream()
              .mapToDouble(g -> g.value())
              .sum();
      assertThat(added).isGreaterThan(0);
      assertThat(evicted).isGreaterThan(0);
      assertThat(size).isLessThanOrEqualTo(2048);
    }
  }

  static LoopbackServer start(StoreGateway gw) throws Exception {
    gw.sync();
    return LoopbackServer.start(gw.storeServer(), gw.infoService());
  }
}
