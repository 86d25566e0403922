package io.jthanos.block.fetcher;

import io.jthanos.block.metadata.DeletionMark;
import io.jthanos.block.metadata.Marker;
import io.jthanos.block.metadata.MarkerType;
import io.jthanos.block.metadata.Meta;
import io.jthanos.objstore.BucketReader;
import io.jthanos.tsdb.block.Ulid;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Hides blocks whose deletion mark is older than a delay ({@code --ignore-deletion-marks-delay}),
 * giving readers time to load the block that replaces them. Remembers every deletion mark it saw
 * (whatever its age) for the compactor's clean-up. State {@code marked-for-deletion}.
 */
public final class IgnoreDeletionMarkFilter implements MetaFilter {
  private final BucketReader bkt;
  private final Duration delay;
  private final int concurrency;
  private final Clock clock;
  private final Map<Ulid, DeletionMark> marks = new HashMap<>();

  public IgnoreDeletionMarkFilter(BucketReader bkt, Duration delay, int concurrency, Clock clock) {
    this.bkt = bkt;
    this.delay = delay;
    this.concurrency = concurrency;
    this.clock = clock;
  }

  /** The deletion marks of the blocks seen by the last sync. */
  public synchronized Map<Ulid, DeletionMark> deletionMarkBlocks() {
    return Map.copyOf(marks);
  }

  @Override
  public void filter(Map<Ulid, Meta> metas, TxGaugeVec synced, TxGaugeVec modified)
      throws IOException {
    Set<Ulid> before = Set.copyOf(metas.keySet());
    Map<Ulid, Marker> found = MarkerScan.read(bkt, before, MarkerType.DELETION, concurrency);
    long nowSeconds = clock.instant().getEpochSecond();
    long nowNanos = clock.instant().getNano();
    for (Map.Entry<Ulid, Marker> e : found.entrySet()) {
      DeletionMark m = (DeletionMark) e.getValue();
      // time.Since(time.Unix(deletion_time, 0)).Seconds() > delay.Seconds()
      double age = (nowSeconds - m.deletionTime()) + nowNanos / 1e9;
      if (age > delay.toNanos() / 1e9) {
        synced.inc(SyncedStates.MARKED_FOR_DELETION);
        metas.remove(e.getKey());
      }
    }
    synchronized (this) {
      for (Map.Entry<Ulid, Marker> e : found.entrySet()) {
        marks.put(e.getKey(), (DeletionMark) e.getValue());
      }
      marks.keySet().retainAll(before);
    }
  }
}
