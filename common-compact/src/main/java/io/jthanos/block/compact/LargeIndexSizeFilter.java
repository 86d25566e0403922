package io.jthanos.block.compact;

import io.jthanos.block.Blocks;
import io.jthanos.block.metadata.BlockFile;
import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.NoCompactMark;
import io.jthanos.objstore.Bucket;
import io.jthanos.tsdb.block.Ulid;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps compactions below {@code --compact.block-max-index-size} (Thanos'
 * largeTotalIndexSizeFilter): the planned blocks' index sizes (from {@code thanos.files}, else the
 * bucket) are summed in order, assuming no shared bytes; when the sum reaches 85% of the limit, the
 * plan's biggest index gets a {@code no-compact-mark.json} with reason {@code index-size-exceeding}
 * and the group is planned again without it.
 */
public final class LargeIndexSizeFilter implements Planner {
  private static final Logger LOG = LoggerFactory.getLogger(LargeIndexSizeFilter.class);

  private final TsdbPlanner planner;
  private final Supplier<? extends Map<Ulid, ?>> noCompactMarked;
  private final Bucket bkt;
  private final long maxIndexBytes;
  private final Counter marked;
  private final Clock clock;

  public LargeIndexSizeFilter(
      TsdbPlanner planner,
      Supplier<? extends Map<Ulid, ?>> noCompactMarked,
      Bucket bkt,
      long maxIndexBytes,
      Counter marked,
      Clock clock) {
    this.planner = planner;
    this.noCompactMarked = noCompactMarked;
    this.bkt = bkt;
    this.maxIndexBytes = maxIndexBytes;
    this.marked = marked;
    this.clock = clock;
  }

  @Override
  public List<Meta> plan(List<Meta> metasByMinTime) throws IOException {
    return plan(Set.of(), metasByMinTime);
  }

  /** Plans with additional blocks excluded (those another filter just marked). */
  public List<Meta> plan(Set<Ulid> extraExcluded, List<Meta> metasByMinTime) throws IOException {
    Set<Ulid> excluded = new HashSet<>(noCompactMarked.get().keySet());
    excluded.addAll(extraExcluded);
    while (true) {
      List<Meta> plan = planner.plan(excluded, metasByMinTime);
      long total = 0;
      long biggest = Long.MIN_VALUE;
      int biggestAt = 0;
      boolean again = false;
      for (int i = 0; i < plan.size(); i++) {
        long size = indexSize(plan.get(i));
        if (size > biggest) {
          biggest = size;
          biggestAt = i;
        }
        total += size;
        // 15% headroom for index bloat during compaction.
        if (total >= (long) (maxIndexBytes * 0.85)) {
          Ulid id = plan.get(biggestAt).ulid();
          LOG.atInfo()
              .addKeyValue("block", id)
              .addKeyValue("limit", maxIndexBytes)
              .log("marking block for no compaction: compacted index could exceed the limit");
          if (Blocks.markForNoCompact(
              bkt,
              id,
              NoCompactMark.REASON_INDEX_SIZE_EXCEEDING,
              "largeTotalIndexSizeFilter: Total compacted block's index size could exceed: "
                  + maxIndexBytes
                  + " with this block. See https://github.com/thanos-io/thanos/issues/1424",
              clock)) {
            marked.increment();
          }
          excluded.add(id);
          again = true;
          break;
        }
      }
      if (!again) {
        return plan;
      }
    }
  }

  private long indexSize(Meta m) throws IOException {
    for (BlockFile f : m.thanos().files()) {
      if (f.relPath().equals(Blocks.INDEX_FILENAME) && f.sizeBytes() > 0) {
        return f.sizeBytes();
      }
    }
    return bkt.attributes(m.ulid() + "/" + Blocks.INDEX_FILENAME).size();
  }
}
