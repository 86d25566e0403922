package io.jthanos.compact;

import io.jthanos.block.compact.CompactorJob;
import io.jthanos.block.compact.CompactorMetrics;
import io.jthanos.block.compact.Retention;
import io.jthanos.block.fetcher.DiscoveryStrategy;
import io.jthanos.block.metadata.HashFunc;
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
import io.jthanos.server.flags.DurationConverter;
import io.jthanos.server.flags.HttpServerOptions;
import io.jthanos.server.flags.ObjstoreOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code thanos compact}: flags to config, then the compaction loop, clean-up, UI and API. */
@Command(name = "compact", description = "Continuously compacts blocks in an object store bucket.")
public final class CompactCommand extends ComponentCommand {
  @Mixin HttpServerOptions http;
  @Mixin ObjstoreOptions objstore;

  @Option(
      names = "--debug.halt-on-error",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      hidden = true,
      description = "Halt the process if a critical compaction error is detected.")
  boolean haltOnError;

  @Option(
      names = "--debug.accept-malformed-index",
      hidden = true,
      defaultValue = "false",
      description =
          "Compaction and downsampling index verification will ignore out of order label names.")
  boolean acceptMalformedIndex;

  @Option(
      names = "--debug.max-compaction-level",
      hidden = true,
      defaultValue = "4",
      paramLabel = "<level>",
      description = "Maximum compaction level, default is 4: 0=1h, 1=2h, 2=8h, 3=48h, 4=336h")
  int maxCompactionLevel;

  @Option(
      names = "--data-dir",
      defaultValue = "./data",
      paramLabel = "<dir>",
      description = "Data directory in which to cache blocks and process compactions.")
  String dataDir;

  @Option(
      names = "--consistency-delay",
      defaultValue = "30m",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description =
          "Minimum age of fresh (non-compacted) blocks before they are being processed. Malformed"
              + " blocks older than the maximum of consistency-delay and 48h0m0s will be removed.")
  Duration consistencyDelay;

  @Option(
      names = "--retention.resolution-raw",
      defaultValue = "0d",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description =
          "How long to retain raw samples in bucket. Setting this to 0d will retain samples of this"
              + " resolution forever")
  Duration retentionRaw;

  @Option(
      names = "--retention.resolution-5m",
      defaultValue = "0d",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description =
          "How long to retain samples of resolution 1 (5 minutes) in bucket. Setting this to 0d"
              + " will retain samples of this resolution forever")
  Duration retention5m;

  @Option(
      names = "--retention.resolution-1h",
      defaultValue = "0d",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description =
          "How long to retain samples of resolution 2 (1 hour) in bucket. Setting this to 0d will"
              + " retain samples of this resolution forever")
  Duration retention1h;

  @Option(
      names = {"-w", "--wait"},
      negatable = true,
      defaultValue = "false",
      fallbackValue = "true",
      description = "Do not exit after all compactions have been processed and wait for new work.")
  boolean waitForWork;

  @Option(
      names = "--wait-interval",
      defaultValue = "5m",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description =
          "Wait interval between consecutive compaction runs and bucket refreshes. Only works when"
              + " --wait flag specified.")
  Duration waitInterval;

  @Option(
      names = "--downsampling.disable",
      negatable = true,
      defaultValue = "false",
      fallbackValue = "true",
      description =
          "Disables downsampling. This is not recommended as querying long time ranges without"
              + " non-downsampled data is not efficient and useful e.g it is not possible to render"
              + " all samples for a human eye anyway")
  boolean disableDownsampling;

  @Option(
      names = "--block-discovery-strategy",
      defaultValue = "concurrent",
      paramLabel = "<strategy>",
      description =
          "One of concurrent, recursive. When set to concurrent, stores will concurrently issue one"
              + " call per directory to discover active blocks in the bucket. The recursive"
              + " strategy iterates through all objects in the bucket, recursively traversing into"
              + " each directory. This avoids N+1 calls at the expense of having slower bucket"
              + " iterations.")
  String discoveryStrategy;

  @Option(
      names = "--block-meta-fetch-concurrency",
      defaultValue = "32",
      paramLabel = "<n>",
      description = "Number of goroutines to use when fetching block metadata from object storage.")
  int blockMetaFetchConcurrency;

  @Option(
      names = "--block-files-concurrency",
      defaultValue = "1",
      paramLabel = "<n>",
      description =
          "Number of goroutines to use when fetching/uploading block files from object storage.")
  int blockFilesConcurrency;

  @Option(
      names = "--block-viewer.global.sync-block-interval",
      defaultValue = "1m",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description =
          "Repeat interval for syncing the blocks between local and remote view for /global Block"
              + " Viewer UI.")
  Duration blockViewerSyncInterval;

  @Option(
      names = "--block-viewer.global.sync-block-timeout",
      defaultValue = "5m",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description =
          "Maximum time for syncing the blocks between local and remote view for /global Block"
              + " Viewer UI.")
  Duration blockViewerSyncTimeout;

  @Option(
      names = "--compact.cleanup-interval",
      defaultValue = "5m",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description =
          "How often we should clean up partially uploaded blocks and blocks with deletion mark in"
              + " the background when --wait has been enabled. Setting it to \"0s\" disables it -"
              + " the cleaning will only happen at the end of an iteration.")
  Duration cleanupInterval;

  @Option(
      names = "--compact.progress-interval",
      defaultValue = "5m",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description =
          "Frequency of calculating the compaction progress in the background when --wait has"
              + " been enabled. Setting it to \"0s\" disables it. Now compaction, downsampling and"
              + " retention progress are supported.")
  Duration progressInterval;

  @Option(
      names = "--compact.concurrency",
      defaultValue = "1",
      paramLabel = "<n>",
      description = "Number of goroutines to use when compacting groups.")
  int compactConcurrency;

  @Option(
      names = "--compact.blocks-fetch-concurrency",
      defaultValue = "1",
      paramLabel = "<n>",
      description = "Number of goroutines to use when download block during compaction.")
  int blocksFetchConcurrency;

  @Option(
      names = "--downsample.concurrency",
      defaultValue = "1",
      paramLabel = "<n>",
      description = "Number of goroutines to use when downsampling blocks.")
  int downsampleConcurrency;

  @Option(
      names = "--delete-delay",
      defaultValue = "48h",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description =
          "Time before a block marked for deletion is deleted from bucket. If delete-delay is non"
              + " zero, blocks will be marked for deletion and compactor component will delete"
              + " blocks marked for deletion from the bucket. If delete-delay is 0, blocks will be"
              + " deleted straight away. Note that deleting blocks immediately can cause query"
              + " failures, if store gateway still has the block loaded, or compactor is ignoring"
              + " the deletion because it's compacting the block at the same time.")
  Duration deleteDelay;

  @Option(
      names = "--compact.enable-vertical-compaction",
      hidden = true,
      negatable = true,
      defaultValue = "false",
      fallbackValue = "true",
      description =
          "Experimental. When set to true, compactor will allow overlaps and perform"
              + " **irreversible** vertical compaction. NOTE: This flag is ignored and (enabled)"
              + " when --deduplication.replica-label flag is set.")
  boolean enableVerticalCompaction;

  @Option(
      names = "--deduplication.func",
      defaultValue = "",
      paramLabel = "<func>",
      description =
          "Experimental. Deduplication algorithm for merging overlapping blocks. Possible values"
              + " are: \"\", \"penalty\". If no value is specified, the default compact"
              + " deduplication merger is used, which performs 1:1 deduplication for samples. When"
              + " set to penalty, penalty based deduplication algorithm will be used. At least one"
              + " replica label has to be set via --deduplication.replica-label flag.")
  String dedupFunc;

  @Option(
      names = "--deduplication.replica-label",
      split = ",",
      paramLabel = "<label>",
      description =
          "Experimental. Label to treat as a replica indicator of blocks that can be deduplicated"
              + " (repeated flag). This will merge multiple replica blocks into one. This process"
              + " is irreversible. Flag may be specified multiple times as well as a comma"
              + " separated list of labels. When one or more labels are set, compactor will ignore"
              + " the given labels so that vertical compaction can merge the blocks. Please note"
              + " that by default this uses a NAIVE algorithm for merging which works well for"
              + " deduplication of blocks with **precisely the same samples** like produced by"
              + " Receiver replication. If you need a different deduplication algorithm (e.g one"
              + " that works well with Prometheus replicas), please set it via"
              + " --deduplication.func.")
  List<String> replicaLabels = new ArrayList<>();

  @Option(
      names = "--compact.block-max-index-size",
      hidden = true,
      defaultValue = "64GB",
      paramLabel = "<bytes>",
      description =
          "Maximum index size for the resulted block during any compaction. Note that total size"
              + " is approximated in worst case. If the block that would be resulted from"
              + " compaction is estimated to exceed this number, biggest source block is marked for"
              + " no compaction (no-compact-mark.json is uploaded) which causes this block to be"
              + " excluded from any compaction.")
  String maxBlockIndexSize;

  @Option(
      names = "--compact.skip-block-with-out-of-order-chunks",
      hidden = true,
      negatable = true,
      defaultValue = "false",
      fallbackValue = "true",
      description =
          "When set to true, mark blocks containing index with out-of-order chunks for no compact"
              + " instead of halting the compaction")
  boolean skipOutOfOrderChunks;

  @Option(
      names = "--hash-func",
      defaultValue = "",
      paramLabel = "<func>",
      description =
          "Specify which hash function to use when calculating the hashes of produced files. If no"
              + " function has been specified, it does not happen. This permits avoiding"
              + " downloading some files twice albeit at some performance cost. Possible values"
              + " are: \"\", \"SHA256\".")
  String hashFunc;

  @Option(
      names = "--min-time",
      defaultValue = "0000-01-01T00:00:00Z",
      paramLabel = "<time>",
      description =
          "Start of time range limit to compact. Thanos Compactor will compact only blocks, which"
              + " happened later than this value. Option can be a constant time in RFC3339 format"
              + " or time duration relative to current time, such as -1d or 2h45m. Valid duration"
              + " units are ms, s, m, h, d, w, y.")
  String minTime;

  @Option(
      names = "--max-time",
      defaultValue = "9999-12-31T23:59:59Z",
      paramLabel = "<time>",
      description =
          "End of time range limit to compact. Thanos Compactor will compact only blocks, which"
              + " happened earlier than this value. Option can be a constant time in RFC3339"
              + " format or time duration relative to current time, such as -1d or 2h45m. Valid"
              + " duration units are ms, s, m, h, d, w, y.")
  String maxTime;

  @Option(
      names = "--web.disable",
      negatable = true,
      defaultValue = "false",
      fallbackValue = "true",
      description = "Disable Block Viewer UI.")
  boolean webDisable;

  @Option(
      names = "--selector.relabel-config-file",
      defaultValue = "",
      paramLabel = "<file-path>",
      description =
          "Path to YAML file with relabeling configuration that allows selecting blocks to act on"
              + " based on their external labels. It follows thanos sharding relabel-config syntax."
              + " For format details see: https://thanos.io/tip/thanos/sharding.md/#relabelling")
  String selectorFile;

  @Option(
      names = "--selector.relabel-config",
      defaultValue = "",
      paramLabel = "<content>",
      description =
          "Alternative to 'selector.relabel-config-file' flag (mutually exclusive). Content of"
              + " YAML file with relabeling configuration that allows selecting blocks to act on"
              + " based on their external labels. It follows thanos sharding relabel-config syntax."
              + " For format details see: https://thanos.io/tip/thanos/sharding.md/#relabelling")
  String selectorContent;

  @Option(
      names = "--web.route-prefix",
      defaultValue = "",
      paramLabel = "<prefix>",
      description =
          "Prefix for API and UI endpoints. This allows thanos UI to be served on a sub-path. This"
              + " option is analogous to --web.route-prefix of Prometheus.")
  String webRoutePrefix;

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
      description = "External block label to use as group title in the bucket web UI")
  String bucketWebLabel;

  @Option(
      names = "--disable-admin-operations",
      negatable = true,
      defaultValue = "false",
      fallbackValue = "true",
      description =
          "Disable UI/API admin operations like marking blocks for deletion and no compaction.")
  boolean disableAdminOperations;

  /** Overridable in tests; the compactor's clock. */
  Clock clock = Clock.systemUTC();

  @Override
  protected String component() {
    return "compact";
  }

  @Override
  protected boolean cors() {
    return !webDisableCors;
  }

  @Override
  protected void compose(Component c) throws Exception {
    CompactConfig cfg = config();
    Bucket bkt = Buckets.fromFlags(objstore.config(), "compact", c.registry());
    c.onClose(
        () -> {
          try {
            bkt.close();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    CompactorMetrics metrics = new CompactorMetrics(c.registry(), cfg.job().deleteDelay());
    CompactorJob job = new CompactorJob(bkt, cfg.job(), metrics, c.registry(), clock);
    new CompactService(c, bkt, cfg, job, clock, flagValues()).start(http);
  }

  /** Validates the flags into the compactor's configuration. */
  CompactConfig config() {
    Retention.Policy retention = new Retention.Policy(retentionRaw, retention5m, retention1h);
    try {
      retention.validate(!disableDownsampling);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), "retention.resolution-raw");
    }
    DiscoveryStrategy strategy;
    try {
      strategy = DiscoveryStrategy.parse(discoveryStrategy);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), "block-discovery-strategy");
    }
    HashFunc hf;
    if (hashFunc.isEmpty()) {
      hf = HashFunc.NONE;
    } else if (hashFunc.equals("SHA256")) {
      hf = HashFunc.SHA256;
    } else {
      throw new ConfigException(
          "--hash-func must be one of \"\", \"SHA256\", got \"" + hashFunc + "\"", "hash-func");
    }
    if (!dedupFunc.isEmpty() && !dedupFunc.equals(CompactorJob.DEDUP_PENALTY)) {
      throw new ConfigException(
          "--deduplication.func must be one of \"\", \"penalty\", got \"" + dedupFunc + "\"",
          "deduplication.func");
    }
    List<String> replicas =
        replicaLabels.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    if (dedupFunc.equals(CompactorJob.DEDUP_PENALTY) && replicas.isEmpty()) {
      throw new ConfigException(
          "penalty based deduplication needs at least one replica label specified",
          "deduplication.replica-label");
    }
    TimeOrDuration min;
    TimeOrDuration max;
    try {
      min = TimeOrDuration.parse(minTime);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), "min-time");
    }
    try {
      max = TimeOrDuration.parse(maxTime);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), "max-time");
    }
    List<RelabelConfig> selector =
        RelabelConfigs.fromFlags(
            new PathOrContent(
                "selector.relabel-config-file",
                "selector.relabel-config",
                selectorFile,
                selectorContent),
            RelabelConfigs.SELECTOR_ACTIONS);
    long maxIndex;
    try {
      maxIndex = ByteSize.parse(maxBlockIndexSize);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), "compact.block-max-index-size");
    }
    if (maxCompactionLevel < 0 || maxCompactionLevel > 4) {
      throw new ConfigException(
          "get compaction levels: level is bigger then default set of 5",
          "debug.max-compaction-level");
    }
    positive(compactConcurrency, "compact.concurrency");
    positive(blockFilesConcurrency, "block-files-concurrency");
    positive(blocksFetchConcurrency, "compact.blocks-fetch-concurrency");
    positive(downsampleConcurrency, "downsample.concurrency");
    positive(blockMetaFetchConcurrency, "block-meta-fetch-concurrency");
    CompactorJob.Config job =
        new CompactorJob.Config(
            Path.of(dataDir),
            consistencyDelay,
            deleteDelay,
            retention,
            disableDownsampling,
            compactConcurrency,
            downsampleConcurrency,
            blocksFetchConcurrency,
            blockFilesConcurrency,
            blockMetaFetchConcurrency,
            strategy,
            replicas,
            enableVerticalCompaction,
            dedupFunc,
            hf,
            min,
            max,
            selector,
            maxIndex,
            maxCompactionLevel,
            acceptMalformedIndex,
            skipOutOfOrderChunks);
    return new CompactConfig(
        job,
        waitForWork,
        waitInterval,
        haltOnError,
        cleanupInterval,
        progressInterval,
        webDisable,
        trimSlash(webRoutePrefix),
        webExternalPrefix,
        webPrefixHeader,
        bucketWebLabel,
        disableAdminOperations,
        blockViewerSyncInterval,
        blockViewerSyncTimeout);
  }

  private static void positive(int n, String flag) {
    if (n <= 0) {
      throw new ConfigException(
          "invalid concurrency level (" + n + "), --" + flag + " must be > 0", flag);
    }
  }

  private static String trimSlash(String p) {
    String t = p.strip();
    while (t.endsWith("/")) {
      t = t.substring(0, t.length() - 1);
    }
    if (!t.isEmpty() && !t.startsWith("/")) {
      t = "/" + t;
    }
    return t;
  }
}
