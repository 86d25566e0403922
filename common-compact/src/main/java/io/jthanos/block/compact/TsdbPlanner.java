package io.jthanos.block.compact;

import io.jthanos.block.metadata.Meta;
import io.jthanos.tsdb.block.Ulid;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Thanos' default planner (Prometheus' leveled planner without the file system, plus no-compact
 * marks), over the group's blocks ordered by minTime:
 *
 * <ol>
 *   <li>Blocks that overlap in time (vertical compaction): the first overlapping set.
 *   <li>Otherwise, without the newest block (a window for maintenance before it is compacted), for
 *       each range after the first (2h, 8h, 2d, 14d with the default ranges): blocks fitting in
 *       aligned windows of that range; a window with at least two blocks is chosen when it spans
 *       the whole range or lies before the newest block. A window holding a block whose compaction
 *       failed is skipped. No-compact-marked blocks split a window; a part with two or more blocks
 *       is still chosen.
 *   <li>Otherwise the newest block spanning at least the middle range whose tombstones exceed 5% of
 *       its series (a rewrite that applies the deletions).
 * </ol>
 */
public final class TsdbPlanner implements Planner {
  /** Thanos' level ranges: 1h, 2h, 8h, 2d, 14d (the first is not planned for). */
  public static final long[] DEFAULT_RANGES = {
    3_600_000L, 7_200_000L, 28_800_000L, 172_800_000L, 1_209_600_000L
  };

  private final long[] ranges;
  private final Supplier<? extends Map<Ulid, ?>> noCompactMarked;

  /**
   * @param ranges level ranges in ms, ascending (see {@link #ranges(int)})
   * @param noCompactMarked the blocks currently carrying a no-compact mark
   */
  public TsdbPlanner(long[] ranges, Supplier<? extends Map<Ulid, ?>> noCompactMarked) {
    this.ranges = ranges.clone();
    this.noCompactMarked = noCompactMarked;
  }

  /** The default ranges up to {@code --debug.max-compaction-level} (0..4). */
  public static long[] ranges(int maxLevel) {
    if (maxLevel < 0 || maxLevel >= DEFAULT_RANGES.length) {
      throw new IllegalArgumentException(
          "level is bigger then default set of " + DEFAULT_RANGES.length);
    }
    long[] r = new long[maxLevel + 1];
    System.arraycopy(DEFAULT_RANGES, 0, r, 0, r.length);
    return r;
  }

  public long[] ranges() {
    return ranges.clone();
  }

  @Override
  public List<Meta> plan(List<Meta> metasByMinTime) {
    return plan(noCompactMarked.get().keySet(), metasByMinTime);
  }

  /** Plans with an explicit set of excluded blocks (the filters add their own marks). */
  public List<Meta> plan(Set<Ulid> excluded, List<Meta> metasByMinTime) {
    if (metasByMinTime.isEmpty()) {
      return List.of();
    }
    List<Meta> notExcluded = new ArrayList<>(metasByMinTime.size());
    for (Meta m : metasByMinTime) {
      if (!excluded.contains(m.ulid())) {
        notExcluded.add(m);
      }
    }
    List<Meta> res = selectOverlapping(notExcluded);
    if (!res.isEmpty()) {
      return res;
    }
    // Leave the most recent block (max minTime) out: the block just uploaded gets a window of a
    // full block range for maintenance.
    if (!excluded.contains(metasByMinTime.get(metasByMinTime.size() - 1).ulid())) {
      notExcluded = notExcluded.subList(0, notExcluded.size() - 1);
    }
    List<Meta> older = metasByMinTime.subList(0, metasByMinTime.size() - 1);
    res = selectMetas(ranges, excluded, older);
    if (!res.isEmpty()) {
      return res;
    }
    // Rewrite big blocks with more than 5% tombstones.
    for (int i = notExcluded.size() - 1; i >= 0; i--) {
      Meta m = notExcluded.get(i);
      if (m.maxTime() - m.minTime() < ranges[ranges.length / 2]) {
        break;
      }
      double ratio =
          (double) m.block().stats().numTombstones() / (double) (m.block().stats().numSeries() + 1);
      if (ratio > 0.05) {
        return List.of(m);
      }
    }
    return List.of();
  }

  static List<Meta> selectMetas(long[] ranges, Set<Ulid> excluded, List<Meta> metasByMinTime) {
    if (ranges.length < 2 || metasByMinTime.isEmpty()) {
      return List.of();
    }
    long highTime = metasByMinTime.get(metasByMinTime.size() - 1).minTime();
    for (int r = 1; r < ranges.length; r++) {
      long iv = ranges[r];
      outer:
      for (List<Meta> p : splitByRange(metasByMinTime, iv)) {
        for (Meta m : p) {
          if (m.block().compaction().failed()) {
            continue outer;
          }
        }
        if (p.size() < 2) {
          continue;
        }
        long mint = p.get(0).minTime();
        long maxt = p.get(p.size() - 1).maxTime();
        // A window that does not span the whole range is only taken when it lies before the most
        // recent block: another block may still arrive to fill it.
        if (maxt - mint != iv && maxt > highTime) {
          continue;
        }
        int lastExcluded = 0;
        for (int i = 0; i < p.size(); i++) {
          if (!excluded.contains(p.get(i).ulid())) {
            continue;
          }
          if (i - lastExcluded > 1) {
            return List.copyOf(p.subList(lastExcluded, i));
          }
          lastExcluded = i + 1;
        }
        if (p.size() - lastExcluded > 1) {
          return List.copyOf(p.subList(lastExcluded, p.size()));
        }
      }
    }
    return List.of();
  }

  /** The first set of blocks overlapping in time, in the given (minTime) order. */
  public static List<Meta> selectOverlapping(List<Meta> metasByMinTime) {
    if (metasByMinTime.size() < 2) {
      return List.of();
    }
    List<Meta> out = new ArrayList<>();
    long globalMaxt = metasByMinTime.get(0).maxTime();
    for (int i = 1; i < metasByMinTime.size(); i++) {
      Meta m = metasByMinTime.get(i);
      if (m.minTime() < globalMaxt) {
        if (out.isEmpty()) {
          out.add(metasByMinTime.get(i - 1));
        }
        out.add(m);
      } else if (!out.isEmpty()) {
        break;
      }
      globalMaxt = Math.max(globalMaxt, m.maxTime());
    }
    return out;
  }

  /**
   * Splits blocks into aligned windows of {@code tr} (starting at 0); blocks that do not fit in one
   * window are skipped. E.g. [0-10, 10-20, 50-60, 90-100] with 30 gives [0-10, 10-20], [50-60],
   * [90-100].
   */
  static List<List<Meta>> splitByRange(List<Meta> metasByMinTime, long tr) {
    List<List<Meta>> out = new ArrayList<>();
    int i = 0;
    while (i < metasByMinTime.size()) {
      Meta m = metasByMinTime.get(i);
      long t0 = tr * Math.floorDiv(m.minTime(), tr);
      if (m.maxTime() > t0 + tr) {
        i++;
        continue;
      }
      List<Meta> group = new ArrayList<>();
      for (; i < metasByMinTime.size(); i++) {
        if (metasByMinTime.get(i).maxTime() > t0 + tr) {
          break;
        }
        group.add(metasByMinTime.get(i));
      }
      if (!group.isEmpty()) {
        out.add(group);
      }
    }
    return out;
  }
}
