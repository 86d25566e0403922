package io.jthanos.store;

import io.jthanos.block.fetcher.DiscoveryStrategy;
import io.jthanos.block.indexheader.ReaderPool;
import io.jthanos.block.relabel.RelabelConfig;
import io.jthanos.block.relabel.RelabelConfigs;
import io.jthanos.config.ByteSize;
import io.jthanos.config.ConfigException;
import io.jthanos.config.PathOrContent;
import io.jthanos.config.TimeOrDuration;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.Buckets;
import io.jthanos.server.Component;
import io.jthanos.server.ComponentCommand;
import io.jthanos.server.flags.GrpcServerOptions;
import io.jthanos.server.flags.HttpServerOptions;
import io.jthanos.server.flags.ObjstoreOptions;
import io.jthanos.store.cache.CachingBucketConfig;
import io.jthanos.store.cache.IndexCache;
import io.jthanos.store.cache.IndexCacheFactory;
import io.jthanos.storeapi.StoreLimits;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code thanos store}: flags to config, then the bucket store, its sync loop and servers. */
@Command(
    name = "store",
    description =
        "Store node giving access to blocks in a bucket provider. Now supported GCS, S3, Azure,"
            + " Swift, Tencent COS and Aliyun OSS.")
public final class StoreCommand extends ComponentCommand {
  @Mixin HttpServerOptions http;
  @Mixin GrpcServerOptions grpc;
  @Mixin ObjstoreOptions objstore;
  @Mixin StoreFlags f;

  /** Flags, validated. */
  record StoreConfig(
      StoreGateway.Settings settings,
      DiscoveryStrategy discovery,
      long indexCacheSize,
      String indexCacheConfig,
      String cachingBucketConfig,
      Duration syncInterval,
      boolean webDisabled,
      String webExternalPrefix,
      String bucketWebLabel) {}

  @Override
  protected String component() {
    return "store";
  }

  @Override
  protected boolean cors() {
    return !f.webDisableCors;
  }

  StoreConfig config() {
    long requestSeries = f.requestSeries != 0 ? f.requestSeries : f.touchedSeriesLimit;
    long requestSamples = f.requestSamples != 0 ? f.requestSamples : f.seriesSampleLimit;
    if (requestSeries < 0 || requestSamples < 0) {
      throw new ConfigException("store limits must not be negative", "store.limits.request-series");
    }
    long bytesLimit = bytes(f.downloadedBytesLimit, "store.grpc.downloaded-bytes-limit");
    long chunkPool = bytes(f.chunkPoolSize, "chunk-pool-size");
    long indexCacheSize = bytes(f.indexCacheSize, "index-cache-size");
    if (f.blockSyncConcurrency < 1) {
      throw new ConfigException(
          "block-sync-concurrency must be equal or greater than 1", "block-sync-concurrency");
    }
    if (f.blockMetaFetchConcurrency < 1) {
      throw new ConfigException(
          "block-meta-fetch-concurrency must be positive", "block-meta-fetch-concurrency");
    }
    if (f.seriesMaxConcurrency < 0) {
      throw new ConfigException(
          "store.grpc.series-max-concurrency must not be negative",
          "store.grpc.series-max-concurrency");
    }
    if (f.syncBlockDuration.isNegative() || f.syncBlockDuration.isZero()) {
      throw new ConfigException("sync-block-duration must be positive", "sync-block-duration");
    }
    TimeOrDuration min = time(f.minTime, "min-time");
    TimeOrDuration max = time(f.maxTime, "max-time");
    Clock clock = Clock.systemUTC();
    if (min.toMillis(clock) > max.toMillis(clock)) {
      throw new ConfigException(
          "invalid argument: --min-time '"
              + f.minTime
              + "' can't be greater than --max-time '"
              + f.maxTime
              + "'",
          "min-time");
    }
    ReaderPool.DownloadStrategy strategy;
    DiscoveryStrategy discovery;
    try {
      strategy = ReaderPool.DownloadStrategy.parse(f.lazyDownloadStrategy);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), "store.index-header-lazy-download-strategy", e);
    }
    try {
      discovery = DiscoveryStrategy.parse(f.blockDiscoveryStrategy);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), "block-discovery-strategy", e);
    }
    if (f.postingOffsetsSampling < 1) {
      throw new ConfigException(
          "posting offsets sampling must be positive",
          "store.index-header-posting-offsets-in-mem-sampling");
    }
    List<RelabelConfig> relabel =
        RelabelConfigs.fromFlags(
            new PathOrContent(
                "selector.relabel-config-file",
                "selector.relabel-config",
                f.selectorRelabelFile,
                f.selectorRelabel),
            RelabelConfigs.SELECTOR_ACTIONS);
    String cacheYaml =
        new PathOrContent(
                "index-cache.config-file",
                "index-cache.config",
                f.indexCacheConfigFile,
                f.indexCacheConfig)
            .read()
            .orElse(null);
    String cachingBucketYaml =
        new PathOrContent(
                "store.caching-bucket.config-file",
                "store.caching-bucket.config",
                f.cachingBucketConfigFile,
                f.cachingBucketConfig)
            .read()
            .orElse(null);
    if (cachingBucketYaml != null && !cachingBucketYaml.isBlank()) {
      CachingBucketConfig.parse(cachingBucketYaml); // fail fast on a bad config
    }
    StoreGateway.Settings s =
        new StoreGateway.Settings(
            Path.of(f.dataDir),
            f.cacheIndexHeader,
            f.lazyIndexHeader,
            f.lazyIdleTimeout,
            strategy,
            f.postingOffsetsSampling,
            f.blockSyncConcurrency,
            f.blockMetaFetchConcurrency,
            f.consistencyDelay,
            f.ignoreDeletionMarksDelay,
            min,
            max,
            relabel,
            new StoreLimits(requestSeries, requestSamples, bytesLimit),
            chunkPool,
            f.seriesMaxConcurrency,
            Math.max(1, f.seriesBatchSize));
    return new StoreConfig(
        s,
        discovery,
        indexCacheSize,
        cacheYaml,
        cachingBucketYaml,
        f.syncBlockDuration,
        f.webDisable,
        f.webExternalPrefix,
        f.bucketWebLabel);
  }

  private static long bytes(String v, String flag) {
    try {
      return ByteSize.parse(v);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--" + flag + ": " + e.getMessage(), flag, e);
    }
  }

  private static TimeOrDuration time(String v, String flag) {
    try {
      return TimeOrDuration.parse(v);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--" + flag + ": " + e.getMessage(), flag, e);
    }
  }

  @Override
  protected void compose(Component c) throws Exception {
    StoreConfig cfg = config();
    Bucket bkt =
        CachingBucketConfig.wrap(
            cfg.cachingBucketConfig(),
            Buckets.fromFlags(objstore.config(), "store", c.registry()),
            c.registry());
    c.onClose(
        () -> {
          try {
            bkt.close();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    IndexCache cache =
        IndexCacheFactory.create(cfg.indexCacheConfig(), cfg.indexCacheSize(), c.registry());
    StoreGateway gw =
        new StoreGateway(
            bkt, cfg.settings(), cfg.discovery(), cache, c.registry(), Clock.systemUTC());
    c.onClose(gw::close);
    c.grpc(grpc, List.of(gw.storeServer(), gw.infoService()));
    if (!cfg.webDisabled()) {
      new StoreWeb(gw, cfg.webExternalPrefix(), cfg.bucketWebLabel()).register(c);
    }
    c.http(http);
    c.add("bucket-sync", new SyncActor(gw, cfg.syncInterval(), c.probes()));
  }
}
