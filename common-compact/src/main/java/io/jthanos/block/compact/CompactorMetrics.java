package io.jthanos.block.compact;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The compactor's metrics with Thanos' names (one owner; the parts of the library take what they
 * count):
 *
 * <ul>
 *   <li>{@code thanos_compact_halted}, {@code thanos_compact_retries_total}, {@code
 *       thanos_compact_iterations_total}, {@code thanos_delete_delay_seconds}
 *   <li>{@code thanos_compact_group_compactions_total}, {@code
 *       thanos_compact_group_compaction_runs_started_total}, {@code
 *       thanos_compact_group_compaction_runs_completed_total}, {@code
 *       thanos_compact_group_compactions_failures_total}, {@code
 *       thanos_compact_group_vertical_compactions_total} (label {@code resolution})
 *   <li>{@code thanos_compact_garbage_collection_total}, {@code
 *       thanos_compact_garbage_collection_failures_total}, {@code
 *       thanos_compact_garbage_collection_duration_seconds}, {@code
 *       thanos_compact_garbage_collected_blocks_total}
 *   <li>{@code thanos_compact_blocks_marked_total{marker,reason}}, {@code
 *       thanos_compact_blocks_cleaned_total}, {@code thanos_compact_block_cleanup_failures_total},
 *       {@code thanos_compact_block_cleanup_loops_total}, {@code
 *       thanos_compact_aborted_partial_uploads_deletion_attempts_total}
 *   <li>{@code thanos_compact_downsample_total}, {@code thanos_compact_downsample_failures_total},
 *       {@code thanos_compact_downsample_duration_seconds} (label {@code resolution})
 *   <li>{@code thanos_compact_todo_compactions}, {@code thanos_compact_todo_compaction_blocks},
 *       {@code thanos_compact_todo_downsample_blocks}, {@code thanos_compact_todo_deletion_blocks}
 * </ul>
 */
public final class CompactorMetrics {
  static final Duration[] GC_BUCKETS =
      seconds(0.01, 0.1, 0.3, 0.6, 1, 3, 6, 9, 20, 30, 60, 90, 120, 240, 360, 720);
  static final Duration[] DOWNSAMPLE_BUCKETS = seconds(60, 300, 900, 1800, 3600, 7200, 14400);

  private final MeterRegistry reg;
  private final AtomicLong halted = new AtomicLong();
  private final AtomicLong todoCompactions = new AtomicLong();
  private final AtomicLong todoCompactionBlocks = new AtomicLong();
  private final AtomicLong todoDownsampleBlocks = new AtomicLong();
  private final AtomicLong todoDeletionBlocks = new AtomicLong();
  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

  public final Counter retries;
  public final Counter iterations;
  public final Counter cleanupLoops;
  public final Counter partialUploadDeleteAttempts;
  public final Counter blocksCleaned;
  public final Counter blockCleanupFailures;
  public final Counter garbageCollectedBlocks;
  public final Counter garbageCollections;
  public final Counter garbageCollectionFailures;
  public final Timer garbageCollectionDuration;

  /**
   * @param registry where to register (null: a private registry, for tools)
   * @param deleteDelay {@code --delete-delay}, exported as {@code thanos_delete_delay_seconds}
   */
  public CompactorMetrics(MeterRegistry registry, Duration deleteDelay) {
    this.reg = registry == null ? new SimpleMeterRegistry() : registry;
    Gauge.builder("thanos_delete_delay_seconds", () -> deleteDelay.toMillis() / 1000.0)
        .description("Configured delete delay in seconds.")
        .register(reg);
    Gauge.builder("thanos_compact_halted", halted, AtomicLong::get)
        .description("Set to 1 if the compactor halted due to an unexpected error.")
        .register(reg);
    retries =
        counter(
            "thanos_compact_retries", "Total number of retries after retriable compactor error.");
    iterations =
        counter(
            "thanos_compact_iterations",
            "Total number of iterations that were executed successfully.");
    cleanupLoops =
        counter(
            "thanos_compact_block_cleanup_loops",
            "Total number of concurrent cleanup loops of partially uploaded blocks and marked"
                + " blocks that were executed successfully.");
    partialUploadDeleteAttempts =
        counter(
            "thanos_compact_aborted_partial_uploads_deletion_attempts",
            "Total number of started deletions of blocks that are assumed aborted and only"
                + " partially uploaded.");
    blocksCleaned =
        counter("thanos_compact_blocks_cleaned", "Total number of blocks deleted in compactor.");
    blockCleanupFailures =
        counter(
            "thanos_compact_block_cleanup_failures",
            "Failures encountered while deleting blocks in compactor.");
    garbageCollectedBlocks =
        counter(
            "thanos_compact_garbage_collected_blocks",
            "Total number of blocks marked for deletion by compactor.");
    garbageCollections =
        counter(
            "thanos_compact_garbage_collection", "Total number of garbage collection operations.");
    garbageCollectionFailures =
        counter(
            "thanos_compact_garbage_collection_failures",
            "Total number of failed garbage collection operations.");
    garbageCollectionDuration =
        Timer.builder("thanos_compact_garbage_collection_duration")
            .description("Time it took to perform garbage collection iteration.")
            .serviceLevelObjectives(GC_BUCKETS)
            .register(reg);
    blocksMarked("no-compact-mark.json", "block-index-out-of-order-chunk");
    blocksMarked("no-compact-mark.json", "index-size-exceeding");
    blocksMarked("deletion-mark.json", "");
    Gauge.builder("thanos_compact_todo_compactions", todoCompactions, AtomicLong::get)
        .description("number of compactions to be done")
        .register(reg);
    Gauge.builder("thanos_compact_todo_compaction_blocks", todoCompactionBlocks, AtomicLong::get)
        .description("number of blocks planned to be compacted")
        .register(reg);
    Gauge.builder("thanos_compact_todo_downsample_blocks", todoDownsampleBlocks, AtomicLong::get)
        .description("number of blocks to be downsampled")
        .register(reg);
    Gauge.builder("thanos_compact_todo_deletion_blocks", todoDeletionBlocks, AtomicLong::get)
        .description("number of blocks that have crossed their retention period")
        .register(reg);
  }

  private static Duration[] seconds(double... s) {
    Duration[] d = new Duration[s.length];
    for (int i = 0; i < s.length; i++) {
      d[i] = Duration.ofNanos((long) (s[i] * 1e9));
    }
    return d;
  }

  private Counter counter(String name, String help) {
    return Counter.builder(name).description(help).register(reg);
  }

  private Counter counter(String name, String help, String... tags) {
    String key = name + String.join("\u0000", tags);
    return counters.computeIfAbsent(
        key, k -> Counter.builder(name).description(help).tags(tags).register(reg));
  }

  public MeterRegistry registry() {
    return reg;
  }

  /** 1 once a critical error stopped compaction. */
  public void setHalted(boolean h) {
    halted.set(h ? 1 : 0);
  }

  public boolean halted() {
    return halted.get() == 1;
  }

  /** {@code thanos_compact_blocks_marked_total{marker, reason}}. */
  public Counter blocksMarked(String marker, String reason) {
    return counter(
        "thanos_compact_blocks_marked",
        "Total number of blocks marked in compactor.",
        "marker",
        marker,
        "reason",
        reason);
  }

  /** The deletion-mark counter. */
  public Counter blocksMarkedForDeletion() {
    return blocksMarked("deletion-mark.json", "");
  }

  public Counter groupCompactions(long resolution) {
    return counter(
        "thanos_compact_group_compactions",
        "Total number of group compaction attempts that resulted in a new block.",
        "resolution",
        Long.toString(resolution));
  }

  public Counter groupRunsStarted(long resolution) {
    return counter(
        "thanos_compact_group_compaction_runs_started",
        "Total number of group compaction attempts.",
        "resolution",
        Long.toString(resolution));
  }

  public Counter groupRunsCompleted(long resolution) {
    return counter(
        "thanos_compact_group_compaction_runs_completed",
        "Total number of group completed compaction runs. This also includes compactor group runs"
            + " that resulted with no compaction.",
        "resolution",
        Long.toString(resolution));
  }

  public Counter groupFailures(long resolution) {
    return counter(
        "thanos_compact_group_compactions_failures",
        "Total number of failed group compactions.",
        "resolution",
        Long.toString(resolution));
  }

  public Counter groupVerticalCompactions(long resolution) {
    return counter(
        "thanos_compact_group_vertical_compactions",
        "Total number of group compaction attempts that resulted in a new block based on"
            + " overlapping blocks.",
        "resolution",
        Long.toString(resolution));
  }

  /** Creates the per-resolution group series at 0. */
  public void initGroup(long resolution) {
    groupCompactions(resolution);
    groupRunsStarted(resolution);
    groupRunsCompleted(resolution);
    groupFailures(resolution);
    groupVerticalCompactions(resolution);
  }

  public Counter downsamples(long resolution) {
    return counter(
        "thanos_compact_downsample",
        "Total number of downsampling attempts.",
        "resolution",
        Long.toString(resolution));
  }

  public Counter downsampleFailures(long resolution) {
    return counter(
        "thanos_compact_downsample_failures",
        "Total number of failed downsampling attempts.",
        "resolution",
        Long.toString(resolution));
  }

  public Timer downsampleDuration(long resolution) {
    return timers.computeIfAbsent(
        Long.toString(resolution),
        r ->
            Timer.builder("thanos_compact_downsample_duration")
                .description("Duration of downsample runs")
                .tag("resolution", r)
                .serviceLevelObjectives(DOWNSAMPLE_BUCKETS)
                .register(reg));
  }

  public void setTodoCompactions(long runs, long blocks) {
    todoCompactions.set(runs);
    todoCompactionBlocks.set(blocks);
  }

  public void setTodoDownsampleBlocks(long n) {
    todoDownsampleBlocks.set(n);
  }

  public void setTodoDeletionBlocks(long n) {
    todoDeletionBlocks.set(n);
  }
}
