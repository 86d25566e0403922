package io.jthanos.block.compact;

import io.jthanos.block.Blocks;
import io.jthanos.block.fetcher.DeduplicateFilter;
import io.jthanos.block.fetcher.FetchResult;
import io.jthanos.block.fetcher.IgnoreDeletionMarkFilter;
import io.jthanos.block.fetcher.MetaFetcher;
import io.jthanos.block.metadata.Meta;
import io.jthanos.objstore.Bucket;
import io.jthanos.tsdb.block.Ulid;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compactor's view of the bucket (Thanos' {@code Syncer}): {@link #sync()} fetches the metas
 * through the compactor's filters; {@link #garbageCollect()} marks for deletion the blocks whose
 * data a compacted block already holds (the duplicates the {@link DeduplicateFilter} found), which
 * is how compactions interrupted between upload and marking their sources are finished. Safe for
 * the compaction loop and the clean-up loop to share.
 */
public final class MetaSyncer {
  private static final Logger LOG = LoggerFactory.getLogger(MetaSyncer.class);

  private final Bucket bkt;
  private final MetaFetcher fetcher;
  private final DeduplicateFilter duplicates;
  private final IgnoreDeletionMarkFilter deletionMarks;
  private final CompactorMetrics metrics;
  private final Clock clock;
  private SortedMap<Ulid, Meta> blocks = new TreeMap<>();
  private SortedMap<Ulid, Exception> partial = new TreeMap<>();

  public MetaSyncer(
      Bucket bkt,
      MetaFetcher fetcher,
      DeduplicateFilter duplicates,
      IgnoreDeletionMarkFilter deletionMarks,
      CompactorMetrics metrics,
      Clock clock) {
    this.bkt = bkt;
    this.fetcher = fetcher;
    this.duplicates = duplicates;
    this.deletionMarks = deletionMarks;
    this.metrics = metrics;
    this.clock = clock;
  }

  /**
   * Fetches the filtered metas.
   *
   * @throws RetryException when the bucket could not be read completely
   */
  public void sync() {
    FetchResult r;
    try {
      r = fetcher.fetch();
      r.metasOrThrow();
    } catch (IOException | RuntimeException e) {
      throw CompactionErrors.retry("sync", e);
    }
    synchronized (this) {
      blocks = new TreeMap<>(r.metas());
      partial = new TreeMap<>(r.partial());
    }
  }

  /** The metas of the last sync (minus what garbage collection marked since). */
  public synchronized SortedMap<Ulid, Meta> metas() {
    return new TreeMap<>(blocks);
  }

  /** Blocks without a usable meta.json in the last sync. */
  public synchronized SortedMap<Ulid, Exception> partial() {
    return new TreeMap<>(partial);
  }

  /** Records blocks this process just uploaded (visible before the next sync). */
  public synchronized void add(Meta m) {
    blocks.put(m.ulid(), m);
  }

  /** Forgets blocks this process just marked for deletion. */
  public synchronized void remove(Iterable<Ulid> ids) {
    for (Ulid id : ids) {
      blocks.remove(id);
    }
  }

  public IgnoreDeletionMarkFilter deletionMarks() {
    return deletionMarks;
  }

  /**
   * Marks for deletion the blocks fully covered by a compacted block (found by the last sync), as
   * Thanos' {@code GarbageCollect}.
   *
   * @throws RetryException when a mark could not be written
   */
  public void garbageCollect() {
    long start = System.nanoTime();
    Set<Ulid> marked = deletionMarks.deletionMarkBlocks().keySet();
    List<Ulid> garbage = new ArrayList<>();
    for (Ulid id : duplicates.duplicateIds()) {
      if (!marked.contains(id)) {
        garbage.add(id);
      }
    }
    for (Ulid id : garbage) {
      LOG.atInfo().addKeyValue("block", id).log("marking outdated block for deletion");
      try {
        if (Blocks.markForDeletion(bkt, id, "outdated block", clock)) {
          metrics.blocksMarkedForDeletion().increment();
        }
      } catch (IOException | RuntimeException e) {
        metrics.garbageCollectionFailures.increment();
        throw CompactionErrors.retry("mark block " + id + " for deletion", e);
      }
      synchronized (this) {
        blocks.remove(id);
      }
      metrics.garbageCollectedBlocks.increment();
    }
    metrics.garbageCollections.increment();
    metrics.garbageCollectionDuration.record(java.time.Duration.ofNanos(System.nanoTime() - start));
  }

  /** The blocks whose deletion mark the last sync saw. */
  public Map<Ulid, ?> deletionMarked() {
    return deletionMarks.deletionMarkBlocks();
  }
}
