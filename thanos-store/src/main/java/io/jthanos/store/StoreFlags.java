package io.jthanos.store;

import io.jthanos.server.flags.DurationConverter;
import java.time.Duration;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/** Every {@code thanos store} flag beyond the shared HTTP/gRPC/objstore/logging ones. */
final class StoreFlags {
  @Option(
      names = "--data-dir",
      defaultValue = "./data",
      paramLabel = "<dir>",
      description =
          "Local data directory used for caching purposes (index-header, in-mem cache items and"
              + " meta.jsons). If removed, no data will be lost, just store will have to rebuild"
              + " the cache. NOTE: Putting raw blocks here will not cause the store to read them."
              + " For such use cases use Prometheus + sidecar.")
  String dataDir;

  @Option(
      names = "--cache-index-header",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Cache TSDB index-headers on disk to reduce startup time.")
  boolean cacheIndexHeader;

  @Option(
      names = "--index-cache-size",
      defaultValue = "250MB",
      paramLabel = "<size>",
      description =
          "Maximum size of items held in the in-memory index cache. Ignored if --index-cache.config"
              + " or --index-cache.config-file option is specified.")
  String indexCacheSize;

  @Option(
      names = "--index-cache.config-file",
      defaultValue = "",
      showDefaultValue = Visibility.NEVER,
      paramLabel = "<file-path>",
      description =
          "Path to YAML file that contains index cache configuration. See format details:"
              + " https://thanos.io/tip/components/store.md/#index-cache")
  String indexCacheConfigFile;

  @Option(
      names = "--index-cache.config",
      defaultValue = "",
      showDefaultValue = Visibility.NEVER,
      paramLabel = "<content>",
      description =
          "Alternative to 'index-cache.config-file' flag (mutually exclusive). Content of YAML"
              + " file that contains index cache configuration. See format details:"
              + " https://thanos.io/tip/components/store.md/#index-cache")
  String indexCacheConfig;

  @Option(
      names = "--store.caching-bucket.config-file",
      defaultValue = "",
      showDefaultValue = Visibility.NEVER,
      paramLabel = "<file-path>",
      description =
          "Path to YAML file that contains configuration for caching bucket. Experimental feature,"
              + " with high risk of changes. See format details:"
              + " https://thanos.io/tip/components/store.md/#caching-bucket")
  String cachingBucketConfigFile;

  @Option(
      names = "--store.caching-bucket.config",
      defaultValue = "",
      showDefaultValue = Visibility.NEVER,
      paramLabel = "<content>",
      description =
          "Alternative to 'store.caching-bucket.config-file' flag (mutually exclusive). Content of"
              + " YAML file that contains configuration for caching bucket. Experimental feature,"
              + " with high risk of changes. See format details:"
              + " https://thanos.io/tip/components/store.md/#caching-bucket")
  String cachingBucketConfig;

  @Option(
      names = "--chunk-pool-size",
      defaultValue = "2GB",
      paramLabel = "<size>",
      description =
          "Maximum size of concurrently allocatable bytes reserved strictly to reuse for chunks in"
              + " memory.")
  String chunkPoolSize;

  @Option(
      names = "--store.grpc.touched-series-limit",
      defaultValue = "0",
      paramLabel = "<n>",
      description =
          "DEPRECATED: use store.limits.request-series. Maximum amount of touched series returned"
              + " via a single Series call. The Series call fails if this limit is exceeded. 0"
              + " means no limit.")
  long touchedSeriesLimit;

  @Option(
      names = "--store.grpc.series-sample-limit",
      defaultValue = "0",
      paramLabel = "<n>",
      description =
          "DEPRECATED: use store.limits.request-samples. Maximum amount of samples returned via a"
              + " single Series call. The Series call fails if this limit is exceeded. 0 means no"
              + " limit. NOTE: For efficiency the limit is internally implemented as 'chunks"
              + " limit' considering each chunk contains 120 samples (it's the max number of"
              + " samples each chunk can contain), so the actual number of samples might be lower,"
              + " even though the maximum could be hit.")
  long seriesSampleLimit;

  @Option(
      names = "--store.limits.request-series",
      defaultValue = "0",
      paramLabel = "<n>",
      description =
          "The maximum series allowed for a single Series request. The Series call fails if this"
              + " limit is exceeded. 0 means no limit.")
  long requestSeries;

  @Option(
      names = "--store.limits.request-samples",
      defaultValue = "0",
      paramLabel = "<n>",
      description =
          "The maximum samples allowed for a single Series request, The Series call fails if this"
              + " limit is exceeded. 0 means no limit. NOTE: For efficiency the limit is"
              + " internally implemented as 'chunks limit' considering each chunk contains a"
              + " maximum of 120 samples.")
  long requestSamples;

  @Option(
      names = "--store.grpc.downloaded-bytes-limit",
      defaultValue = "0",
      paramLabel = "<bytes>",
      description =
          "Maximum amount of downloaded (either fetched or touched) bytes in a single"
              + " Series/LabelNames/LabelValues call. The Series call fails if this limit is"
              + " exceeded. 0 means no limit.")
  String downloadedBytesLimit;

  @Option(
      names = "--store.grpc.series-max-concurrency",
      defaultValue = "20",
      paramLabel = "<n>",
      description = "Maximum number of concurrent Series calls.")
  int seriesMaxConcurrency;

  @Option(
      names = "--sync-block-duration",
      defaultValue = "15m",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description = "Repeat interval for syncing the blocks between local and remote view.")
  Duration syncBlockDuration;

  @Option(
      names = "--block-sync-concurrency",
      defaultValue = "20",
      paramLabel = "<n>",
      description =
          "Number of goroutines to use when constructing index-cache.json blocks from object"
              + " storage. Must be equal or greater than 1.")
  int blockSyncConcurrency;

  @Option(
      names = "--block-meta-fetch-concurrency",
      defaultValue = "32",
      paramLabel = "<n>",
      description = "Number of goroutines to use when fetching block metadata from object storage.")
  int blockMetaFetchConcurrency;

  @Option(
      names = "--block-discovery-strategy",
      defaultValue = "concurrent",
      paramLabel = "<strategy>",
      description =
          "One of concurrent, recursive. When set to concurrent, stores will concurrently issue"
              + " one call per directory to discover active blocks in the bucket. The recursive"
              + " strategy iterates through all objects in the bucket, recursively traversing"
              + " into each directory. This avoids N+1 calls at the expense of having slower"
              + " bucket iterations.")
  String blockDiscoveryStrategy;

  @Option(
      names = "--min-time",
      defaultValue = "0000-01-01T00:00:00Z",
      paramLabel = "<time>",
      description =
          "Start of time range limit to serve. Thanos Store will serve only metrics, which"
              + " happened later than this value. Option can be a constant time in RFC3339 format"
              + " or time duration relative to current time, such as -1d or 2h45m. Valid duration"
              + " units are ms, s, m, h, d, w, y.")
  String minTime;

  @Option(
      names = "--max-time",
      defaultValue = "9999-12-31T23:59:59Z",
      paramLabel = "<time>",
      description =
          "End of time range limit to serve. Thanos Store will serve only blocks, which happened"
              + " earlier than this value. Option can be a constant time in RFC3339 format or time"
              + " duration relative to current time, such as -1d or 2h45m. Valid duration units"
              + " are ms, s, m, h, d, w, y.")
  String maxTime;

  @Option(
      names = "--selector.relabel-config-file",
      defaultValue = "",
      showDefaultValue = Visibility.NEVER,
      paramLabel = "<file-path>",
      description =
          "Path to YAML file with relabeling configuration that allows selecting blocks to act"
              + " on based on their external labels. It follows thanos sharding relabel-config"
              + " syntax. For format details see:"
              + " https://thanos.io/tip/thanos/sharding.md/#relabelling")
  String selectorRelabelFile;

  @Option(
      names = "--selector.relabel-config",
      defaultValue = "",
      showDefaultValue = Visibility.NEVER,
      paramLabel = "<content>",
      description =
          "Alternative to 'selector.relabel-config-file' flag (mutually exclusive). Content of YAML"
              + " file with relabeling configuration that allows selecting blocks to act on based"
              + " on their external labels. It follows thanos sharding relabel-config syntax. For"
              + " format details see: https://thanos.io/tip/thanos/sharding.md/#relabelling")
  String selectorRelabel;

  @Option(
      names = "--consistency-delay",
      defaultValue = "0s",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description =
          "Minimum age of all blocks before they are being read. Set it to safe value (e.g 30m) if"
              + " your object storage is eventually consistent. GCS and S3 are (roughly) strongly"
              + " consistent.")
  Duration consistencyDelay;

  @Option(
      names = "--ignore-deletion-marks-delay",
      defaultValue = "24h",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description =
          "Duration after which the blocks marked for deletion will be filtered out while fetching"
              + " blocks. The idea of ignore-deletion-marks-delay is to ignore blocks that are"
              + " marked for deletion with some delay. This ensures store can still serve blocks"
              + " that are meant to be deleted but do not have a replacement yet. If"
              + " delete-delay duration is provided to compactor or bucket verify component, it"
              + " will upload deletion-mark.json file to mark after what duration the block should"
              + " be deleted rather than deleting the block straight away. If delete-delay is"
              + " non-zero for compactor or bucket verify component, ignore-deletion-marks-delay"
              + " should be set to (delete-delay)/2 so that blocks marked for deletion are"
              + " filtered out while fetching blocks before being deleted from bucket. Default is"
              + " 24h, half of the default value for --delete-delay on compactor.")
  Duration ignoreDeletionMarksDelay;

  @Option(
      names = "--store.enable-index-header-lazy-reader",
      negatable = true,
      defaultValue = "false",
      fallbackValue = "true",
      description =
          "If true, Store Gateway will lazy memory map index-header only once the block is"
              + " required by a query.")
  boolean lazyIndexHeader;

  @Option(
      names = "--store.index-header-lazy-download-strategy",
      defaultValue = "eager",
      paramLabel = "<strategy>",
      description =
          "Strategy of how to download index headers lazily. Supported values: eager, lazy. If"
              + " eager, always download index header during initial load. If lazy, download index"
              + " header during query time.")
  String lazyDownloadStrategy;

  @Option(
      names = "--store.index-header-lazy-reader-idle-timeout",
      hidden = true,
      defaultValue = "5m",
      converter = DurationConverter.class,
      description = "Unmap a lazily loaded index-header after it has not been used this long.")
  Duration lazyIdleTimeout;

  @Option(
      names = "--store.index-header-posting-offsets-in-mem-sampling",
      hidden = true,
      defaultValue = "32",
      description = "Keep every Nth postings offset of the index-header in memory.")
  int postingOffsetsSampling;

  @Option(
      names = "--store.series-batch-size",
      hidden = true,
      defaultValue = "10000",
      description = "How many series a block fetches (with their chunks) at a time.")
  int seriesBatchSize;

  @Option(
      names = "--store.enable-lazy-expanded-postings",
      negatable = true,
      defaultValue = "false",
      fallbackValue = "true",
      description =
          "If true, Store Gateway will estimate postings size and try to lazily expand postings if"
              + " it downloads less data than expanding all postings. Accepted for compatibility:"
              + " postings are always expanded.")
  boolean lazyExpandedPostings;

  @Option(
      names = "--store.posting-group-max-key-series-ratio",
      defaultValue = "100",
      paramLabel = "<ratio>",
      description =
          "Mark posting group as lazy if it fetches more keys than R * max series the query"
              + " should fetch. Only used with --store.enable-lazy-expanded-postings; accepted for"
              + " compatibility.")
  double postingGroupMaxKeySeriesRatio;

  @Option(
      names = "--matcher-cache-size",
      defaultValue = "0",
      paramLabel = "<n>",
      description =
          "Max number of cached matchers items. Using 0 disables caching. Accepted for"
              + " compatibility: regular expressions are compiled once per request.")
  int matcherCacheSize;

  @Option(
      names = "--web.disable",
      negatable = true,
      defaultValue = "false",
      fallbackValue = "true",
      description = "Disable Block Viewer UI.")
  boolean webDisable;

  @Option(
      names = "--web.external-prefix",
      defaultValue = "",
      paramLabel = "<prefix>",
      description =
          "Static prefix for all HTML links and redirect URLs in the bucket web UI interface."
              + " Actual endpoints are still served on / or the web.route-prefix. This allows"
              + " thanos bucket web UI to be served behind a reverse proxy that strips a URL"
              + " sub-path.")
  String webExternalPrefix;

  @Option(
      names = "--web.prefix-header",
      defaultValue = "",
      paramLabel = "<header>",
      description =
          "Name of HTTP request header used for dynamic prefixing of UI links and redirects. This"
              + " option is ignored if web.external-prefix argument is set. Security risk: enable"
              + " this option only if a reverse proxy in front of thanos is resetting the header.")
  String webPrefixHeader;

  @Option(
      names = "--web.disable-cors",
      negatable = true,
      defaultValue = "false",
      fallbackValue = "true",
      description =
          "Whether to disable CORS headers to be set by Thanos. By default Thanos sets CORS"
              + " headers to be allowed by all.")
  boolean webDisableCors;

  @Option(
      names = "--bucket-web-label",
      defaultValue = "",
      paramLabel = "<label>",
      description = "External block label to use as group title in the bucket web UI interface.")
  String bucketWebLabel;
}
