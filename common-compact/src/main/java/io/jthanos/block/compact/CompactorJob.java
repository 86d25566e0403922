package io.jthanos.block.compact;

import io.jthanos.block.fetcher.ConsistencyDelayFilter;
import io.jthanos.block.fetcher.DeduplicateFilter;
import io.jthanos.block.fetcher.DiscoveryStrategy;
import io.jthanos.block.fetcher.FetchResult;
import io.jthanos.block.fetcher.GatherMarkFilter;
import io.jthanos.block.fetcher.IgnoreDeletionMarkFilter;
import io.jthanos.block.fetcher.LabelShardedFilter;
import io.jthanos.block.fetcher.MetaFetcher;
import io.jthanos.block.fetcher.MetaFilter;
import io.jthanos.block.fetcher.ReplicaLabelRemover;
import io.jthanos.block.fetcher.TimePartitionFilter;
import io.jthanos.block.metadata.HashFunc;
import io.jthanos.block.metadata.MarkerType;
import io.jthanos.block.metadata.Meta;
import io.jthanos.block.relabel.RelabelConfig;
import io.jthanos.config.TimeOrDuration;
import io.jthanos.objstore.Bucket;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.block.UlidGenerator;
import io.jthanos.tsdb.chunks.ChunkSegmentFormat;
import io.jthanos.tsdb.compact.ChunkSeriesMerger;
import io.jthanos.tsdb.compact.Compactor;
import io.jthanos.tsdb.compact.PenaltyChunkSeriesMerger;
import io.jthanos.tsdb.compact.SeriesChunkMerger;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one compactor does to a bucket, composed from the library as Thanos' {@code
 * runCompact} does: the meta fetcher with the compactor's filters, the planner chain, group and
 * bucket compaction, downsampling, retention and clean-up. {@link #iteration()} is one pass of the
 * main loop ({@code --wait} repeats it); {@link #cleanup()} is also run on its own schedule; {@link
 * #progress()} refreshes the {@code thanos_compact_todo_*} gauges.
 */
public final class CompactorJob {
  private static final Logger LOG = LoggerFactory.getLogger(CompactorJob.class);

  /** Deduplication of overlapping blocks ({@code --deduplication.func}). */
  public static final String DEDUP_PENALTY = "penalty";

  /**
   * The compactor's settings, flags parsed.
   *
   * @param dataDir {@code --data-dir}; work directories {@code compact/} and {@code downsample/}
   * @param verticalCompaction {@code --compact.enable-vertical-compaction} (implied by replica
   *     labels)
   * @param dedupFunc "" (one-to-one merge) or "penalty"
   * @param maxIndexSize {@code --compact.block-max-index-size} in bytes
   */
  public record Config(
      Path dataDir,
      Duration consistencyDelay,
      Duration deleteDelay,
      Retention.Policy retention,
      boolean downsamplingDisabled,
      int compactConcurrency,
      int downsampleConcurrency,
      int blocksFetchConcurrency,
      int blockFilesConcurrency,
      int metaFetchConcurrency,
      DiscoveryStrategy discovery,
      List<String> replicaLabels,
      boolean verticalCompaction,
      String dedupFunc,
      HashFunc hashFunc,
      TimeOrDuration minTime,
      TimeOrDuration maxTime,
      List<RelabelConfig> selector,
      long maxIndexSize,
      int maxCompactionLevel,
      boolean acceptMalformedIndex,
      boolean skipOutOfOrderChunks) {

    public Config {
      replicaLabels = List.copyOf(replicaLabels);
      selector = List.copyOf(selector);
      dedupFunc = dedupFunc == null ? "" : dedupFunc;
      if (!dedupFunc.isEmpty() && !dedupFunc.equals(DEDUP_PENALTY)) {
        throw new IllegalArgumentException("unsupported deduplication func, got " + dedupFunc);
      }
      if (dedupFunc.equals(DEDUP_PENALTY) && replicaLabels.isEmpty()) {
        throw new IllegalArgumentException(
            "penalty based deduplication needs at least one replica label specified");
      }
      if (compactConcurrency <= 0) {
        throw new IllegalArgumentException(
            "invalid concurrency level ("
                + compactConcurrency
                + "), concurrency level must be > 0");
      }
      if (blockFilesConcurrency <= 0) {
        throw new IllegalArgumentException(
            "invalid concurrency level ("
                + blockFilesConcurrency
                + "), blockFilesConcurrency level must be > 0");
      }
    }

    /** Thanos' defaults over {@code dataDir}. */
    public static Config defaults(Path dataDir) {
      return new Config(
          dataDir,
          Duration.ofMinutes(30),
          Duration.ofHours(48),
          Retention.Policy.FOREVER,
          false,
          1,
          1,
          1,
          1,
          32,
          DiscoveryStrategy.CONCURRENT,
          List.of(),
          false,
          "",
          HashFunc.NONE,
          TimeOrDuration.MIN,
          TimeOrDuration.MAX,
          List.of(),
          64L * 1024 * 1024 * 1024,
          TsdbPlanner.DEFAULT_RANGES.length - 1,
          false,
          false);
    }

    /** Vertical compaction is on when asked for or when replica labels are set. */
    public boolean vertical() {
      return verticalCompaction || !replicaLabels.isEmpty();
    }

    public Config withReplicaLabels(List<String> l, String func) {
      return new Config(
          dataDir,
          consistencyDelay,
          deleteDelay,
          retention,
          downsamplingDisabled,
          compactConcurrency,
          downsampleConcurrency,
          blocksFetchConcurrency,
          blockFilesConcurrency,
          metaFetchConcurrency,
          discovery,
          l,
          verticalCompaction,
          func,
          hashFunc,
          minTime,
          maxTime,
          selector,
          maxIndexSize,
          maxCompactionLevel,
          acceptMalformedIndex,
          skipOutOfOrderChunks);
    }

    public Config withDelays(Duration consistency, Duration delete) {
      return new Config(
          dataDir,
          consistency,
          delete,
          retention,
          downsamplingDisabled,
          compactConcurrency,
          downsampleConcurrency,
          blocksFetchConcurrency,
          blockFilesConcurrency,
          metaFetchConcurrency,
          discovery,
          replicaLabels,
          verticalCompaction,
          dedupFunc,
          hashFunc,
          minTime,
          maxTime,
          selector,
          maxIndexSize,
          maxCompactionLevel,
          acceptMalformedIndex,
          skipOutOfOrderChunks);
    }

    public Config withRetention(Retention.Policy p, boolean downsamplingOff) {
      return new Config(
          dataDir,
          consistencyDelay,
          deleteDelay,
          p,
          downsamplingOff,
          compactConcurrency,
          downsampleConcurrency,
          blocksFetchConcurrency,
          blockFilesConcurrency,
          metaFetchConcurrency,
          discovery,
          replicaLabels,
          verticalCompaction,
          dedupFunc,
          hashFunc,
          minTime,
          maxTime,
          selector,
          maxIndexSize,
          maxCompactionLevel,
          acceptMalformedIndex,
          skipOutOfOrderChunks);
    }

    public Config withMaxIndexSize(long bytes) {
      return new Config(
          dataDir,
          consistencyDelay,
          deleteDelay,
          retention,
          downsamplingDisabled,
          compactConcurrency,
          downsampleConcurrency,
          blocksFetchConcurrency,
          blockFilesConcurrency,
          metaFetchConcurrency,
          discovery,
          replicaLabels,
          verticalCompaction,
          dedupFunc,
          hashFunc,
          minTime,
          maxTime,
          selector,
          bytes,
          maxCompactionLevel,
          acceptMalformedIndex,
          skipOutOfOrderChunks);
    }

    public Config withVerticalCompaction(boolean on) {
      return new Config(
          dataDir,
          consistencyDelay,
          deleteDelay,
          retention,
          downsamplingDisabled,
          compactConcurrency,
          downsampleConcurrency,
          blocksFetchConcurrency,
          blockFilesConcurrency,
          metaFetchConcurrency,
          discovery,
          replicaLabels,
          on,
          dedupFunc,
          hashFunc,
          minTime,
          maxTime,
          selector,
          maxIndexSize,
          maxCompactionLevel,
          acceptMalformedIndex,
          skipOutOfOrderChunks);
    }
  }

  private final Bucket bkt;
  private final Config cfg;
  private final CompactorMetrics metrics;
  private final Clock clock;
  private final MetaFetcher fetcher;
  private final IgnoreDeletionMarkFilter deletionMarks;
  private final GatherMarkFilter noCompact;
  private final GatherMarkFilter noDownsample;
  private final MetaSyncer syncer;
  private final TsdbPlanner tsdbPlanner;
  private final BucketCompactor compactor;
  private final Downsampling downsampling;
  private final BlocksCleaner cleaner;
  private final ReentrantLock cleanLock = new ReentrantLock();

  public CompactorJob(
      Bucket bkt, Config cfg, CompactorMetrics metrics, MeterRegistry registry, Clock clock)
      throws IOException {
    this.bkt = bkt;
    this.cfg = cfg;
    this.metrics = metrics;
    this.clock = clock;
    int c = cfg.metaFetchConcurrency();
    // Blocks marked for deletion stay visible for half the delete delay, so a replacement that is
    // not uploaded yet never leaves a gap the compactor would compact around.
    deletionMarks = new IgnoreDeletionMarkFilter(bkt, cfg.deleteDelay().dividedBy(2), c, clock);
    DeduplicateFilter duplicates = new DeduplicateFilter(c);
    noCompact = new GatherMarkFilter(bkt, MarkerType.NO_COMPACT, c, false);
    noDownsample = new GatherMarkFilter(bkt, MarkerType.NO_DOWNSAMPLE, c, false);
    List<MetaFilter> filters = new ArrayList<>();
    filters.add(new TimePartitionFilter(cfg.minTime(), cfg.maxTime(), clock));
    filters.add(new LabelShardedFilter(cfg.selector()));
    filters.add(new ConsistencyDelayFilter(cfg.consistencyDelay(), clock, registry));
    filters.add(deletionMarks);
    filters.add(new ReplicaLabelRemover(cfg.replicaLabels()));
    filters.add(duplicates);
    filters.add(noCompact);
    if (!cfg.downsamplingDisabled()) {
      filters.add(noDownsample);
    }
    fetcher =
        MetaFetcher.builder(bkt)
            .concurrency(c)
            .strategy(cfg.discovery())
            .cacheDir(cfg.dataDir())
            .registry(registry)
            .filters(filters)
            .build();
    syncer = new MetaSyncer(bkt, fetcher, duplicates, deletionMarks, metrics, clock);

    long[] ranges = TsdbPlanner.ranges(cfg.maxCompactionLevel());
    if (cfg.maxCompactionLevel() < TsdbPlanner.DEFAULT_RANGES.length - 1) {
      LOG.atWarn()
          .addKeyValue("current", cfg.maxCompactionLevel())
          .addKeyValue("default", TsdbPlanner.DEFAULT_RANGES.length - 1)
          .log("Max compaction level is lower than should be");
    }
    tsdbPlanner = new TsdbPlanner(ranges, noCompact::marked);
    LargeIndexSizeFilter sized =
        new LargeIndexSizeFilter(
            tsdbPlanner,
            noCompact::marked,
            bkt,
            cfg.maxIndexSize(),
            metrics.blocksMarked("no-compact-mark.json", "index-size-exceeding"),
            clock);
    Planner planner =
        cfg.vertical()
            ? new VerticalDownsampleFilter(
                sized,
                bkt,
                metrics.blocksMarked("no-compact-mark.json", "downsample-vertical-compaction"),
                clock)
            : sized;
    if (!cfg.replicaLabels().isEmpty()) {
      LOG.atInfo()
          .addKeyValue("dedupReplicaLabels", String.join(",", cfg.replicaLabels()))
          .log("deduplication.replica-label specified, enabling vertical compaction");
    }
    if (cfg.vertical()) {
      LOG.atInfo()
          .addKeyValue("compact.enable-vertical-compaction", cfg.verticalCompaction())
          .log("vertical compaction is enabled");
    }
    IntFunction<SeriesChunkMerger> mergers =
        cfg.dedupFunc().equals(DEDUP_PENALTY)
            ? PenaltyChunkSeriesMerger::new
            : ChunkSeriesMerger::new;
    Compactor tsdb =
        new Compactor(
            UlidGenerator.defaultGenerator(),
            ChunkSegmentFormat.DEFAULT_SEGMENT_SIZE,
            120,
            mergers);
    Path compactDir = cfg.dataDir().resolve("compact");
    GroupCompactor groups =
        new GroupCompactor(
            bkt,
            planner,
            tsdb,
            new GroupCompactor.Settings(
                compactDir,
                cfg.vertical(),
                cfg.acceptMalformedIndex(),
                cfg.hashFunc(),
                cfg.blockFilesConcurrency(),
                cfg.blocksFetchConcurrency()),
            metrics,
            clock);
    compactor =
        new BucketCompactor(
            syncer,
            groups,
            bkt,
            compactDir,
            cfg.compactConcurrency(),
            cfg.skipOutOfOrderChunks(),
            metrics,
            clock);
    downsampling =
        new Downsampling(
            bkt,
            cfg.dataDir().resolve("downsample"),
            cfg.downsampleConcurrency(),
            cfg.blockFilesConcurrency(),
            cfg.hashFunc(),
            cfg.acceptMalformedIndex(),
            metrics,
            clock);
    cleaner = new BlocksCleaner(bkt, cfg.deleteDelay(), cfg.consistencyDelay(), metrics, clock);
    Duration raw = cfg.retention().raw();
    if (!raw.isZero()) {
      LOG.atInfo().addKeyValue("duration", raw).log("retention policy of raw samples is enabled");
    }
    if (!cfg.retention().fiveMinutes().isZero()) {
      LOG.atInfo()
          .addKeyValue("duration", cfg.retention().fiveMinutes())
          .log("retention policy of 5 min aggregated samples is enabled");
    }
    if (!cfg.retention().oneHour().isZero()) {
      LOG.atInfo()
          .addKeyValue("duration", cfg.retention().oneHour())
          .log("retention policy of 1 hour aggregated samples is enabled");
    }
  }

  public Config config() {
    return cfg;
  }

  public CompactorMetrics metrics() {
    return metrics;
  }

  public MetaSyncer syncer() {
    return syncer;
  }

  /** Called with every sync's result (the UI's "loaded" view). */
  public void onSync(Consumer<FetchResult> listener) {
    fetcher.onChange(listener);
  }

  /**
   * One pass: compact until nothing is left, downsample twice (unless disabled), apply retention,
   * clean up.
   *
   * @throws HaltException on critical problems
   * @throws RetryException on transient bucket problems
   */
  public void iteration() throws IOException {
    compactor.compact();
    if (!cfg.downsamplingDisabled()) {
      LOG.atInfo().log("start first pass of downsampling");
      syncer.sync();
      downsampling.run(downsamplable());
      LOG.atInfo().log("start second pass of downsampling");
      syncer.sync();
      downsampling.run(downsamplable());
      LOG.atInfo().log("downsampling iterations done");
    } else {
      LOG.atInfo().log("downsampling was explicitly disabled");
    }
    syncer.sync();
    Retention.apply(
        bkt, syncer.metas().values(), cfg.retention(), metrics.blocksMarkedForDeletion(), clock);
    cleanup();
  }

  private Map<Ulid, Meta> downsamplable() {
    SortedMap<Ulid, Meta> m = syncer.metas();
    m.keySet().removeAll(noDownsample.marked().keySet());
    for (Meta x : m.values()) {
      metrics.downsamples(x.resolution());
      metrics.downsampleFailures(x.resolution());
    }
    return m;
  }

  /**
   * Syncs, deletes partial uploads older than the threshold and blocks whose deletion mark is older
   * than the delete delay. Serialised with itself (the compactor runs it also on its own loop).
   */
  public void cleanup() throws IOException {
    cleanLock.lock();
    try {
      syncer.sync();
      cleaner.cleanAbortedPartialUploads(syncer.partial());
      cleaner.deleteMarkedBlocks(deletionMarks);
      metrics.cleanupLoops.increment();
    } finally {
      cleanLock.unlock();
    }
  }

  /** Refreshes {@code thanos_compact_todo_*} from a fresh sync. */
  public void progress() {
    syncer.sync();
    var metas = syncer.metas().values();
    Progress.Compactions c = Progress.compactions(metas, tsdbPlanner);
    metrics.setTodoCompactions(c.runs(), c.blocks());
    metrics.setTodoDeletionBlocks(Progress.deletions(metas, cfg.retention(), clock));
    if (!cfg.downsamplingDisabled()) {
      metrics.setTodoDownsampleBlocks(Progress.downsamples(metas));
    }
  }
}
