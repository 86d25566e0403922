package io.jthanos.store;

import io.jthanos.block.fetcher.ConsistencyDelayFilter;
import io.jthanos.block.fetcher.DeduplicateFilter;
import io.jthanos.block.fetcher.DiscoveryStrategy;
import io.jthanos.block.fetcher.FetchResult;
import io.jthanos.block.fetcher.IgnoreDeletionMarkFilter;
import io.jthanos.block.fetcher.LabelShardedFilter;
import io.jthanos.block.fetcher.MetaFetcher;
import io.jthanos.block.fetcher.MetaFilter;
import io.jthanos.block.fetcher.TimePartitionFilter;
import io.jthanos.block.indexheader.ReaderPool;
import io.jthanos.block.relabel.RelabelConfig;
import io.jthanos.config.TimeOrDuration;
import io.jthanos.objstore.BucketReader;
import io.jthanos.store.cache.IndexCache;
import io.jthanos.storeapi.ComponentType;
import io.jthanos.storeapi.InfoService;
import io.jthanos.storeapi.StoreLimits;
import io.jthanos.storeapi.StoreServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store gateway assembled from its settings: the meta fetcher with the store's filters (time
 * partition, relabel selector, consistency delay, deletion marks, duplicates), the index-header
 * pool, the index cache, the {@link BucketStore}, and the StoreAPI and Info services over it. Used
 * by {@code thanos store} and by tests that run a gateway in-process.
 */
public final class StoreGateway implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StoreGateway.class);

  /** Everything a gateway is configured with (flags, parsed). */
  public record Settings(
      Path dataDir,
      boolean cacheIndexHeader,
      boolean lazyIndexHeader,
      Duration lazyIdleTimeout,
      ReaderPool.DownloadStrategy lazyDownloadStrategy,
      int postingOffsetsSampling,
      int blockSyncConcurrency,
      int metaFetchConcurrency,
      Duration consistencyDelay,
      Duration ignoreDeletionMarksDelay,
      TimeOrDuration minTime,
      TimeOrDuration maxTime,
      List<RelabelConfig> selectorRelabel,
      StoreLimits limits,
      long chunkPoolSize,
      int seriesMaxConcurrency,
      int seriesBatchSize) {
    public Settings {
      Objects.requireNonNull(dataDir, "dataDir");
    }

    /** Thanos' defaults with the given data directory. */
    public static Settings defaults(Path dataDir) {
      return new Settings(
          dataDir,
          true,
          false,
          Duration.ofMinutes(5),
          ReaderPool.DownloadStrategy.EAGER,
          32,
          20,
          32,
          Duration.ZERO,
          Duration.ofHours(24),
          TimeOrDuration.MIN,
          TimeOrDuration.MAX,
          List.of(),
          StoreLimits.NONE,
          2L << 30,
          20,
          10_000);
    }

    public Settings withLimits(StoreLimits l) {
      return new Settings(
          dataDir,
          cacheIndexHeader,
          lazyIndexHeader,
          lazyIdleTimeout,
          lazyDownloadStrategy,
          postingOffsetsSampling,
          blockSyncConcurrency,
          metaFetchConcurrency,
          consistencyDelay,
          ignoreDeletionMarksDelay,
          minTime,
          maxTime,
          selectorRelabel,
          l,
          chunkPoolSize,
          seriesMaxConcurrency,
          seriesBatchSize);
    }

    public Settings withLazyIndexHeader(boolean lazy, ReaderPool.DownloadStrategy s) {
      return new Settings(
          dataDir,
          cacheIndexHeader,
          lazy,
          lazyIdleTimeout,
          s,
          postingOffsetsSampling,
          blockSyncConcurrency,
          metaFetchConcurrency,
          consistencyDelay,
          ignoreDeletionMarksDelay,
          minTime,
          maxTime,
          selectorRelabel,
          limits,
          chunkPoolSize,
          seriesMaxConcurrency,
          seriesBatchSize);
    }

    public Settings withChunkPoolSize(long bytes) {
      return new Settings(
          dataDir,
          cacheIndexHeader,
          lazyIndexHeader,
          lazyIdleTimeout,
          lazyDownloadStrategy,
          postingOffsetsSampling,
          blockSyncConcurrency,
          metaFetchConcurrency,
          consistencyDelay,
          ignoreDeletionMarksDelay,
          minTime,
          maxTime,
          selectorRelabel,
          limits,
          bytes,
          seriesMaxConcurrency,
          seriesBatchSize);
    }

    public Settings withSeriesBatchSize(int n) {
      return new Settings(
          dataDir,
          cacheIndexHeader,
          lazyIndexHeader,
          lazyIdleTimeout,
          lazyDownloadStrategy,
          postingOffsetsSampling,
          blockSyncConcurrency,
          metaFetchConcurrency,
          consistencyDelay,
          ignoreDeletionMarksDelay,
          minTime,
          maxTime,
          selectorRelabel,
          limits,
          chunkPoolSize,
          seriesMaxConcurrency,
          n);
    }
  }

  private final MetaFetcher fetcher;
  private final BucketStore store;
  private final StoreServer server;
  private final InfoService info;

  private volatile FetchResult lastFetch;
  private volatile java.time.Instant refreshedAt;
  private volatile String lastError;
  private final Clock clock;

  public StoreGateway(
      BucketReader bkt, Settings s, IndexCache cache, MeterRegistry reg, Clock clock)
      throws IOException {
    this(bkt, s, DiscoveryStrategy.CONCURRENT, cache, reg, clock);
  }

  public StoreGateway(
      BucketReader bkt,
      Settings s,
      DiscoveryStrategy discovery,
      IndexCache cache,
      MeterRegistry reg,
      Clock clock)
      throws IOException {
    this.clock = clock;
    Files.createDirectories(s.dataDir());
    List<MetaFilter> filters =
        List.of(
            new TimePartitionFilter(s.minTime(), s.maxTime(), clock),
            new LabelShardedFilter(s.selectorRelabel()),
            new ConsistencyDelayFilter(s.consistencyDelay(), clock, reg),
            new IgnoreDeletionMarkFilter(
                bkt, s.ignoreDeletionMarksDelay(), s.metaFetchConcurrency(), clock),
            new DeduplicateFilter(s.metaFetchConcurrency()));
    this.fetcher =
        MetaFetcher.builder(bkt)
            .concurrency(s.metaFetchConcurrency())
            .strategy(discovery)
            .cacheDir(s.dataDir())
            .registry(reg)
            .filters(filters)
            .build();
    ReaderPool readers =
        new ReaderPool(
            bkt,
            new ReaderPool.Config(
                s.cacheIndexHeader() ? s.dataDir() : null,
                s.postingOffsetsSampling(),
                s.lazyIndexHeader(),
                s.lazyIdleTimeout(),
                s.lazyDownloadStrategy()),
            reg);
    this.store =
        new BucketStore(
            bkt,
            new BucketStore.Config(
                s.cacheIndexHeader() ? s.dataDir() : null,
                s.blockSyncConcurrency(),
                s.limits(),
                s.chunkPoolSize(),
                s.seriesMaxConcurrency(),
                s.seriesBatchSize(),
                s.minTime().toMillis(clock),
                s.maxTime().toMillis(clock)),
            readers,
            cache,
            reg);
    this.server =
        StoreServer.builder(store)
            .timeRange(store::minTime, store::maxTime)
            .meterRegistry(reg)
            .build();
    this.info =
        InfoService.builder(ComponentType.STORE)
            .labelSets(store::labelSets)
            .store(store::storeInfo)
            .ready(store::synced)
            .build();
  }

  /** One meta sync and block sync; returns the fetch result. */
  public FetchResult sync() throws IOException {
    FetchResult r;
    try {
      r = fetcher.fetch();
    } catch (IOException | RuntimeException e) {
      lastError = e.getMessage();
      throw e;
    }
    lastFetch = r;
    refreshedAt = clock.instant();
    lastError = r.error() == null ? null : r.error().getMessage();
    if (r.error() != null) {
      log.atWarn()
          .addKeyValue("err", r.error().getMessage())
          .log("meta sync saw an incomplete bucket view");
    }
    store.sync(r);
    return r;
  }

  /** The last meta sync's result (null before the first). */
  public FetchResult lastFetch() {
    return lastFetch;
  }

  /** When the last meta sync finished (null before the first). */
  public java.time.Instant refreshedAt() {
    return refreshedAt;
  }

  /** The last meta sync's error, or null. */
  public String lastError() {
    return lastError;
  }

  public BucketStore store() {
    return store;
  }

  public StoreServer storeServer() {
    return server;
  }

  public InfoService infoService() {
    return info;
  }

  @Override
  public void close() {
    store.close();
  }
}
