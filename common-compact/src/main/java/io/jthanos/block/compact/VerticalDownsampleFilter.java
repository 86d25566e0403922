package io.jthanos.block.compact;

import io.jthanos.block.Blocks;
import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.NoCompactMark;
import io.jthanos.objstore.Bucket;
import io.jthanos.tsdb.block.Ulid;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * With vertical compaction enabled, overlapping downsampled blocks are not merged (Thanos
 * verticalCompactionDownsampleFilter, issue #6775): when a plan overlaps and holds downsampled
 * blocks, those get a {@code no-compact-mark.json} with reason {@code
 * downsample-vertical-compaction} and the group is planned again.
 */
public final class VerticalDownsampleFilter implements Planner {
  private final LargeIndexSizeFilter next;
  private final Bucket bkt;
  private final Counter marked;
  private final Clock clock;

  public VerticalDownsampleFilter(
      LargeIndexSizeFilter next, Bucket bkt, Counter marked, Clock clock) {
    this.next = next;
    this.bkt = bkt;
    this.marked = marked;
    this.clock = clock;
  }

  @Override
  public List<Meta> plan(List<Meta> metasByMinTime) throws IOException {
    Set<Ulid> excluded = new HashSet<>();
    while (true) {
      List<Meta> plan = next.plan(excluded, metasByMinTime);
      if (TsdbPlanner.selectOverlapping(plan).isEmpty()) {
        return plan;
      }
      boolean any = false;
      for (Meta m : plan) {
        if (m.resolution() == 0) {
          continue;
        }
        if (Blocks.markForNoCompact(
            bkt,
            m.ulid(),
            NoCompactMark.REASON_DOWNSAMPLE_VERTICAL_COMPACTION,
            "verticalCompactionDownsampleFilter: Downsampled block, see"
                + " https://github.com/thanos-io/thanos/issues/6775",
            clock)) {
          marked.increment();
        }
        excluded.add(m.ulid());
        any = true;
      }
      if (!any) {
        return plan;
      }
    }
  }
}
