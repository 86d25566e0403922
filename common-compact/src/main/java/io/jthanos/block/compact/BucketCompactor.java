package io.jthanos.block.compact;

import io.jthanos.block.Blocks;
import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.NoCompactMark;
import io.jthanos.block.metadata.Sources;
import io.jthanos.objstore.Bucket;
import io.jthanos.tsdb.block.BlockFiles;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.block.UlidGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts a whole bucket until no group has work left (Thanos' {@code BucketCompactor.Compact}):
 * each pass syncs the metas, garbage-collects blocks already covered by compacted ones, removes
 * stale work directories, and runs one compaction per group on {@code --compact.concurrency}
 * workers. A pass that compacted anything is followed by another. Input blocks with out-of-order
 * chunks get a no-compact mark when allowed; blocks hit by prometheus/tsdb#347 are repaired.
 */
public final class BucketCompactor {
  private static final Logger LOG = LoggerFactory.getLogger(BucketCompactor.class);

  private final MetaSyncer syncer;
  private final GroupCompactor groups;
  private final Bucket bkt;
  private final Path compactDir;
  private final int concurrency;
  private final boolean skipOutOfOrderChunks;
  private final CompactorMetrics metrics;
  private final Clock clock;

  public BucketCompactor(
      MetaSyncer syncer,
      GroupCompactor groups,
      Bucket bkt,
      Path compactDir,
      int concurrency,
      boolean skipOutOfOrderChunks,
      CompactorMetrics metrics,
      Clock clock) {
    if (concurrency <= 0) {
      throw new IllegalArgumentException(
          "invalid concurrency level (" + concurrency + "), concurrency level must be > 0");
    }
    this.syncer = syncer;
    this.groups = groups;
    this.bkt = bkt;
    this.compactDir = compactDir;
    this.concurrency = concurrency;
    this.skipOutOfOrderChunks = skipOutOfOrderChunks;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Runs passes until no group compacts anything. The work directory is removed on success. */
  public void compact() throws IOException {
    Files.createDirectories(compactDir);
    while (true) {
      LOG.atInfo().log("start sync of metas");
      syncer.sync();
      LOG.atInfo().log("start of GC");
      syncer.garbageCollect();
      List<CompactionGroup> gs = CompactionGroup.groups(syncer.metas().values());
      for (CompactionGroup g : gs) {
        metrics.initGroup(g.resolution());
      }
      cleanWorkDir(gs);
      LOG.atInfo().log("start of compactions");
      AtomicBoolean more = new AtomicBoolean(false);
      ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
      List<CompactionGroup> work = new ArrayList<>();
      for (CompactionGroup g : gs) {
        if (g.metasByMinTime().size() > 1) {
          work.add(g);
        }
      }
      if (concurrency == 1 || work.size() <= 1) {
        for (CompactionGroup g : work) {
          if (!runGroup(g, more, errors)) {
            break;
          }
        }
      } else {
        runConcurrently(work, more, errors);
      }
      if (!errors.isEmpty()) {
        throw combine(errors);
      }
      if (!more.get()) {
        break;
      }
    }
    LOG.atInfo().log("compaction iterations done");
    BlockFiles.deleteRecursively(compactDir);
  }

  private void runConcurrently(
      List<CompactionGroup> work, AtomicBoolean more, ConcurrentLinkedQueue<Throwable> errors)
      throws IOException {
    ConcurrentLinkedQueue<CompactionGroup> queue = new ConcurrentLinkedQueue<>(work);
    try (ExecutorService ex = Executors.newFixedThreadPool(Math.min(concurrency, work.size()))) {
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < Math.min(concurrency, work.size()); i++) {
        fs.add(
            ex.submit(
                () -> {
                  CompactionGroup g;
                  while (errors.isEmpty() && (g = queue.poll()) != null) {
                    if (!runGroup(g, more, errors)) {
                      return;
                    }
                  }
                }));
      }
      for (Future<?> f : fs) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          errors.add(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          fs.forEach(x -> x.cancel(true));
          throw new java.io.InterruptedIOException("interrupted");
        }
      }
    }
  }

  /** Compacts one group; false (and the error recorded) when the worker must stop. */
  private boolean runGroup(
      CompactionGroup g, AtomicBoolean more, ConcurrentLinkedQueue<Throwable> errors) {
    try {
      GroupCompactor.Result r = groups.compact(g);
      if (r.rerun()) {
        more.set(true);
      }
      return true;
    } catch (BlockIssueException e) {
      if (e.kind() == BlockIssueException.Kind.ISSUE_347) {
        try {
          repairIssue347(e.block());
          more.set(true);
          return true;
        } catch (IOException | RuntimeException re) {
          e.addSuppressed(re);
        }
      } else if (skipOutOfOrderChunks) {
        try {
          if (Blocks.markForNoCompact(
              bkt,
              e.block(),
              NoCompactMark.REASON_OUT_OF_ORDER_CHUNKS,
              "OutofOrderChunk: marking block with out-of-order series/chunks to as no compact to"
                  + " unblock compaction",
              clock)) {
            metrics
                .blocksMarked("no-compact-mark.json", NoCompactMark.REASON_OUT_OF_ORDER_CHUNKS)
                .increment();
          }
          more.set(true);
          return true;
        } catch (IOException | RuntimeException me) {
          e.addSuppressed(me);
        }
      }
      errors.add(new CompactionFailure("group " + g.key() + ": " + e.getMessage(), e));
      return false;
    } catch (IOException | RuntimeException e) {
      errors.add(new CompactionFailure("group " + g.key() + ": " + e.getMessage(), e));
      return false;
    }
  }

  /** Repairs a block broken by prometheus/tsdb#347 and marks the original for deletion. */
  private void repairIssue347(Ulid id) throws IOException {
    LOG.atInfo()
        .addKeyValue("id", id)
        .log("repairing block broken by https://github.com/prometheus/tsdb/issues/347");
    Path tmp = compactDir.resolve("repair-issue-347-" + id);
    BlockFiles.deleteRecursively(tmp);
    try {
      Path bdir = tmp.resolve(id.toString());
      try {
        Blocks.download(bkt, id, bdir);
      } catch (IOException | RuntimeException e) {
        throw CompactionErrors.retry("download block " + id, e);
      }
      Ulid newId = UlidGenerator.defaultGenerator().next();
      Meta repaired =
          BlockRepair.repair(
              bdir,
              tmp,
              newId,
              Sources.COMPACTOR_REPAIR,
              Set.of(BlockRepair.Fix.ISSUE_347_OUTSIDE_CHUNKS));
      IndexHealth h =
          IndexHealth.gather(
              tmp.resolve(newId.toString()).resolve(Blocks.INDEX_FILENAME),
              repaired.minTime(),
              repaired.maxTime());
      if (h.anyError().isPresent()) {
        throw new IOException("repaired block is invalid " + newId + ": " + h.anyError().get());
      }
      LOG.atInfo().addKeyValue("newID", newId).log("uploading repaired block");
      try {
        Blocks.upload(bkt, tmp.resolve(newId.toString()), Blocks.UploadOptions.DEFAULT);
      } catch (IOException | RuntimeException e) {
        throw CompactionErrors.retry("upload of " + newId + " failed", e);
      }
      LOG.atInfo().addKeyValue("id", id).log("deleting broken block");
      if (Blocks.markForDeletion(bkt, id, "source of repaired block", clock)) {
        metrics.blocksMarkedForDeletion().increment();
      }
    } finally {
      BlockFiles.deleteRecursively(tmp);
    }
  }

  /** Removes everything under the work directory except downloads of current group blocks. */
  private void cleanWorkDir(List<CompactionGroup> gs) {
    Set<Path> keep = new HashSet<>();
    for (CompactionGroup g : gs) {
      Path gd = compactDir.resolve(g.key());
      keep.add(gd);
      for (Ulid id : g.ids()) {
        keep.add(gd.resolve(id.toString()));
      }
    }
    try (Stream<Path> top = Files.list(compactDir)) {
      for (Path p : top.toList()) {
        if (!keep.contains(p)) {
          BlockFiles.deleteRecursively(p);
          continue;
        }
        if (Files.isDirectory(p)) {
          try (Stream<Path> inner = Files.list(p)) {
            for (Path q : inner.toList()) {
              if (!keep.contains(q)) {
                BlockFiles.deleteRecursively(q);
              }
            }
          }
        }
      }
    } catch (IOException e) {
      LOG.atWarn()
          .setCause(e)
          .addKeyValue("dir", compactDir)
          .log(
              "failed deleting non-compaction group directories/files, some disk space usage might"
                  + " have leaked. Continuing");
    }
  }

  private static RuntimeException combine(ConcurrentLinkedQueue<Throwable> errors) {
    Throwable first = errors.peek();
    if (errors.size() == 1 && first instanceof RuntimeException r) {
      return r;
    }
    CompactionFailure f =
        new CompactionFailure(errors.size() + " errors: " + first.getMessage(), first);
    errors.stream().skip(1).forEach(f::addSuppressed);
    return f;
  }

  /** A group compaction failed; causes and suppressed exceptions tell whether to halt or retry. */
  public static final class CompactionFailure extends RuntimeException {
    public CompactionFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
