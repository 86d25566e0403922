package io.jthanos.block.fetcher;

import io.jthanos.block.metadata.Marker;
import io.jthanos.block.metadata.MarkerType;
import io.jthanos.block.metadata.Meta;
import io.jthanos.objstore.BucketReader;
import io.jthanos.tsdb.block.Ulid;
import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * Collects the no-compact (or no-downsample) markers of the synced blocks, as Thanos' {@code
 * GatherNoCompactionMarkFilter} / {@code GatherNoDownsampleMarkFilter}: blocks pass through (unless
 * {@code remove} is set) and are counted under {@code marked-for-no-compact} / {@code
 * marked-for-no-downsample}; the compactor's planner asks {@link #marked()}.
 */
public final class GatherMarkFilter implements MetaFilter {
  private final BucketReader bkt;
  private final MarkerType type;
  private final int concurrency;
  private final boolean remove;
  private volatile Map<Ulid, Marker> marked = Map.of();

  /**
   * @param type {@link MarkerType#NO_COMPACT} or {@link MarkerType#NO_DOWNSAMPLE}
   * @param remove whether marked blocks are also removed from the synced metas
   */
  public GatherMarkFilter(BucketReader bkt, MarkerType type, int concurrency, boolean remove) {
    if (type == MarkerType.DELETION) {
      throw new IllegalArgumentException("use IgnoreDeletionMarkFilter for deletion marks");
    }
    this.bkt = bkt;
    this.type = type;
    this.concurrency = concurrency;
    this.remove = remove;
  }

  /** The markers found by the last sync, by block. */
  public Map<Ulid, Marker> marked() {
    return marked;
  }

  @Override
  public void filter(Map<Ulid, Meta> metas, TxGaugeVec synced, TxGaugeVec modified)
      throws IOException {
    Map<Ulid, Marker> found = MarkerScan.read(bkt, Set.copyOf(metas.keySet()), type, concurrency);
    String state =
        type == MarkerType.NO_COMPACT
            ? SyncedStates.MARKED_FOR_NO_COMPACT
            : SyncedStates.MARKED_FOR_NO_DOWNSAMPLE;
    for (Ulid id : found.keySet()) {
      synced.inc(state);
      if (remove) {
        metas.remove(id);
      }
    }
    marked = Map.copyOf(found);
  }
}
