package io.jthanos.block.compact;

import io.jthanos.block.Blocks;
import io.jthanos.block.metadata.HashFunc;
import io.jthanos.block.metadata.IndexStats;
import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.Sources;
import io.jthanos.block.metadata.ThanosMeta;
import io.jthanos.objstore.Bucket;
import io.jthanos.tsdb.block.BlockFiles;
import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.compact.Compactor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One compaction of one group, as Thanos' {@code Group.Compact}: check for overlaps (halt unless
 * vertical compaction is on), plan, download and verify the planned blocks, merge them with the
 * TSDB {@link Compactor} (one-to-one or penalty merge for overlapping blocks), verify the result,
 * give it the group's {@code thanos} section (labels, resolution, source {@code compactor}, segment
 * files, index stats), check it overlaps nothing (unless vertical), upload it, and only then mark
 * the planned blocks for deletion. A crash at any point leaves the bucket readable: a new block is
 * visible only once its meta.json is uploaded, and its sources are then duplicates that the next
 * sync garbage-collects.
 */
public final class GroupCompactor {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCompactor.class);

  /** What the compactor needs beyond the group. */
  public record Settings(
      Path compactDir,
      boolean verticalCompaction,
      boolean acceptMalformedIndex,
      HashFunc hashFunc,
      int blockFilesConcurrency,
      int blocksFetchConcurrency) {
    public Settings {
      blockFilesConcurrency = Math.max(1, blockFilesConcurrency);
      blocksFetchConcurrency = Math.max(1, blocksFetchConcurrency);
      hashFunc = hashFunc == null ? HashFunc.NONE : hashFunc;
    }
  }

  /**
   * Outcome of one run.
   *
   * @param rerun whether the group may have more work (a compaction happened)
   * @param created the new block, if one was written
   */
  public record Result(boolean rerun, Optional<Meta> created, List<Ulid> compacted) {
    static final Result NOTHING = new Result(false, Optional.empty(), List.of());
  }

  private final Bucket bkt;
  private final Planner planner;
  private final Compactor compactor;
  private final Settings settings;
  private final CompactorMetrics metrics;
  private final Clock clock;

  public GroupCompactor(
      Bucket bkt,
      Planner planner,
      Compactor compactor,
      Settings settings,
      CompactorMetrics metrics,
      Clock clock) {
    this.bkt = bkt;
    this.planner = planner;
    this.compactor = compactor;
    this.settings = settings;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** The work directory of a group ({@code <compactDir>/<group key>}). */
  public Path groupDir(CompactionGroup g) {
    return settings.compactDir().resolve(g.key());
  }

  /**
   * Plans and runs at most one compaction of {@code g}.
   *
   * @throws HaltException on critical problems
   * @throws RetryException on bucket failures
   * @throws BlockIssueException for an input with out-of-order chunks or issue 347
   */
  public Result compact(CompactionGroup g) throws IOException {
    metrics.groupRunsStarted(g.resolution()).increment();
    Path dir = groupDir(g);
    Result r;
    try {
      Files.createDirectories(dir);
      r = doCompact(g, dir);
    } catch (IOException | RuntimeException e) {
      metrics.groupFailures(g.resolution()).increment();
      throw e;
    }
    metrics.groupRunsCompleted(g.resolution()).increment();
    // Keep the directory after failures: the next attempt may reuse the downloads.
    BlockFiles.deleteRecursively(dir);
    return r;
  }

  private Result doCompact(CompactionGroup g, Path dir) throws IOException {
    List<Meta> metas = g.metasByMinTime();
    boolean overlapping = false;
    String overlaps = CompactionGroup.overlaps(metas);
    if (!overlaps.isEmpty()) {
      if (!settings.verticalCompaction()) {
        throw new HaltException(
            "pre compaction overlap check: overlaps found while gathering blocks. " + overlaps);
      }
      overlapping = true;
    }
    List<Meta> plan = planner.plan(metas);
    if (plan.isEmpty()) {
      return Result.NOTHING;
    }
    LOG.atInfo()
        .addKeyValue("group", g.describe())
        .addKeyValue("groupKey", g.key())
        .addKeyValue("plan", ids(plan))
        .log("compaction available and planned");
    checkSources(plan);

    long begin = System.nanoTime();
    List<Path> dirs = download(plan, dir);
    LOG.atInfo()
        .addKeyValue("group", g.describe())
        .addKeyValue("duration_ms", (System.nanoTime() - begin) / 1_000_000)
        .addKeyValue("plan", ids(plan))
        .log("downloaded and verified blocks; compacting blocks");

    begin = System.nanoTime();
    Compactor.CompactionResult res;
    try {
      res = compactor.compact(dir, dirs);
    } catch (IOException | RuntimeException e) {
      throw new HaltException("compact blocks " + dirs + ": " + e.getMessage(), e);
    }
    if (res.meta().isEmpty()) {
      LOG.atInfo()
          .addKeyValue("blocks", ids(plan))
          .log("no compacted blocks, deleting source blocks");
      List<Ulid> deleted = new ArrayList<>();
      for (Meta m : plan) {
        if (m.block().stats().numSamples() == 0) {
          try {
            deleteBlock(m.ulid(), dir.resolve(m.ulid().toString()));
            deleted.add(m.ulid());
          } catch (IOException | RuntimeException e) {
            LOG.atWarn()
                .setCause(e)
                .addKeyValue("block", m.ulid())
                .log("failed to mark for deletion an empty block found during compaction");
          }
        }
      }
      return new Result(true, Optional.empty(), deleted);
    }
    metrics.groupCompactions(g.resolution()).increment();
    if (overlapping) {
      metrics.groupVerticalCompactions(g.resolution()).increment();
    }
    BlockMeta created = res.meta().get();
    Path bdir = dir.resolve(created.ulid().toString());
    LOG.atInfo()
        .addKeyValue("group", g.describe())
        .addKeyValue("new", created.ulid())
        .addKeyValue("duration_ms", (System.nanoTime() - begin) / 1_000_000)
        .addKeyValue("overlapping_blocks", overlapping)
        .addKeyValue("blocks", ids(plan))
        .log("compacted blocks");

    Files.deleteIfExists(bdir.resolve("tombstones"));
    IndexHealth health;
    try {
      health =
          IndexHealth.gather(
              bdir.resolve(Blocks.INDEX_FILENAME), created.minTime(), created.maxTime());
    } catch (IOException e) {
      if (!settings.acceptMalformedIndex()) {
        throw new HaltException("invalid result block " + bdir + ": " + e.getMessage(), e);
      }
      health = null;
    }
    if (health != null && !settings.acceptMalformedIndex()) {
      Optional<String> err = health.anyError();
      if (err.isPresent()) {
        throw new HaltException("invalid result block " + bdir + ": " + err.get());
      }
    }
    ThanosMeta thanos =
        ThanosMeta.of(g.labels(), g.resolution(), Sources.COMPACTOR)
            .withSegmentFiles(segmentFiles(bdir));
    if (health != null && (health.seriesMaxSize() > 0 || health.chunkMaxSize() > 0)) {
      thanos = thanos.withIndexStats(IndexStats.of(health.seriesMaxSize(), health.chunkMaxSize()));
    }
    Meta newMeta = new Meta(created, thanos);
    newMeta.write(bdir);
    if (!settings.verticalCompaction()) {
      List<Meta> others = new ArrayList<>();
      Set<Ulid> planned = new HashSet<>(plan.stream().map(Meta::ulid).toList());
      for (Meta m : metas) {
        if (!planned.contains(m.ulid())) {
          others.add(m);
        }
      }
      others.add(newMeta);
      String o = CompactionGroup.overlaps(others);
      if (!o.isEmpty()) {
        throw new HaltException(
            "resulted compacted block "
                + bdir
                + " overlaps with something: overlaps found while gathering blocks. "
                + o);
      }
    }
    begin = System.nanoTime();
    Meta uploaded;
    try {
      uploaded =
          Blocks.upload(
              bkt,
              bdir,
              Blocks.UploadOptions.DEFAULT
                  .withHashFunc(settings.hashFunc())
                  .withConcurrency(settings.blockFilesConcurrency())
                  .withClock(clock));
    } catch (IOException | RuntimeException e) {
      throw CompactionErrors.retry("upload of " + created.ulid() + " failed", e);
    }
    LOG.atInfo()
        .addKeyValue("result_block", created.ulid())
        .addKeyValue("duration_ms", (System.nanoTime() - begin) / 1_000_000)
        .log("uploaded block");
    List<Ulid> done = new ArrayList<>();
    for (Meta m : plan) {
      try {
        deleteBlock(m.ulid(), dir.resolve(m.ulid().toString()));
      } catch (IOException | RuntimeException e) {
        throw CompactionErrors.retry("mark old block for deletion from bucket", e);
      }
      metrics.garbageCollectedBlocks.increment();
      done.add(m.ulid());
    }
    LOG.atInfo()
        .addKeyValue("result_block", created.ulid())
        .addKeyValue("source_blocks", ids(plan))
        .log("finished compacting blocks");
    return new Result(true, Optional.of(uploaded), done);
  }

  /** Halts on a plan whose blocks share sources (issue #183), unless vertical compaction. */
  private void checkSources(List<Meta> plan) {
    Set<Ulid> unique = new HashSet<>();
    for (Meta m : plan) {
      for (Ulid s : m.block().compaction().sources()) {
        if (!unique.add(s)) {
          if (!settings.verticalCompaction()) {
            throw new HaltException("overlapping sources detected for plan " + ids(plan));
          }
          LOG.atWarn()
              .addKeyValue("duplicated_block", s)
              .addKeyValue("to_compact_blocks", ids(plan))
              .log("overlapping sources detected for plan");
        }
      }
    }
  }

  private List<Path> download(List<Meta> plan, Path dir) throws IOException {
    List<Path> dirs = new ArrayList<>();
    List<java.util.concurrent.Callable<Void>> tasks = new ArrayList<>();
    for (Meta m : plan) {
      Path bdir = dir.resolve(m.ulid().toString());
      dirs.add(bdir);
      tasks.add(
          () -> {
            try {
              Blocks.download(bkt, m.ulid(), bdir, settings.blockFilesConcurrency());
            } catch (IOException | RuntimeException e) {
              throw CompactionErrors.retry("download block " + m.ulid(), e);
            }
            verifyInput(m, bdir);
            return null;
          });
    }
    runAll(settings.blocksFetchConcurrency(), tasks);
    return dirs;
  }

  private void verifyInput(Meta m, Path bdir) throws IOException {
    IndexHealth h;
    try {
      h = IndexHealth.gather(bdir.resolve(Blocks.INDEX_FILENAME), m.minTime(), m.maxTime());
    } catch (IOException e) {
      throw new IOException("gather index issues for block " + bdir + ": " + e.getMessage(), e);
    }
    Optional<String> critical = h.criticalError();
    if (critical.isPresent()) {
      throw new HaltException(
          "block with not healthy index found "
              + bdir
              + "; Compaction level "
              + m.block().compaction().level()
              + "; Labels: "
              + m.labels()
              + ": "
              + critical.get());
    }
    Optional<String> ooo = h.outOfOrderChunksError();
    if (ooo.isPresent()) {
      throw new BlockIssueException(
          BlockIssueException.Kind.OUT_OF_ORDER_CHUNKS,
          m.ulid(),
          "blocks with out-of-order chunks are dropped from compaction: "
              + bdir
              + ": "
              + ooo.get());
    }
    Optional<String> i347 = h.issue347Error();
    if (i347.isPresent()) {
      throw new BlockIssueException(
          BlockIssueException.Kind.ISSUE_347,
          m.ulid(),
          "invalid, but reparable block " + bdir + ": " + i347.get());
    }
    Optional<String> labels = h.outOfOrderLabelsError();
    if (labels.isPresent() && !settings.acceptMalformedIndex()) {
      throw new IllegalStateException(
          "block id "
              + m.ulid()
              + ", try running with --debug.accept-malformed-index: "
              + labels.get());
    }
  }

  private void deleteBlock(Ulid id, Path localDir) throws IOException {
    BlockFiles.deleteRecursively(localDir);
    LOG.atInfo().addKeyValue("old_block", id).log("marking compacted block for deletion");
    if (Blocks.markForDeletion(bkt, id, "source of compacted block", clock)) {
      metrics.blocksMarkedForDeletion().increment();
    }
  }

  static List<String> segmentFiles(Path blockDir) throws IOException {
    Path chunks = blockDir.resolve(Blocks.CHUNKS_DIRNAME);
    if (!Files.isDirectory(chunks)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(chunks)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  static String ids(List<Meta> metas) {
    return metas.stream().map(m -> m.ulid().toString()).toList().toString();
  }

  /** Runs tasks with bounded concurrency; the first failure is rethrown as it was. */
  static void runAll(int concurrency, List<java.util.concurrent.Callable<Void>> tasks)
      throws IOException {
    if (concurrency <= 1 || tasks.size() <= 1) {
      for (java.util.concurrent.Callable<Void> t : tasks) {
        call(t);
      }
      return;
    }
    try (ExecutorService ex = Executors.newFixedThreadPool(Math.min(concurrency, tasks.size()))) {
      List<Future<Void>> fs = new ArrayList<>();
      for (java.util.concurrent.Callable<Void> t : tasks) {
        fs.add(ex.submit(t));
      }
      Throwable first = null;
      for (Future<Void> f : fs) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (first == null) {
            first = e.getCause();
            fs.forEach(x -> x.cancel(true));
          }
        } catch (java.util.concurrent.CancellationException e) {
          // Cancelled after an earlier failure.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          fs.forEach(x -> x.cancel(true));
          throw new java.io.InterruptedIOException("interrupted");
        }
      }
      if (first != null) {
        rethrow(first);
      }
    }
  }

  private static void call(java.util.concurrent.Callable<Void> t) throws IOException {
    try {
      t.call();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private static void rethrow(Throwable t) throws IOException {
    if (t instanceof IOException io) {
      throw io;
    }
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new IOException(t.getMessage(), t);
  }
}
