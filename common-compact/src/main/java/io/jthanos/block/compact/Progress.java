package io.jthanos.block.compact;

import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.ThanosMeta;
import io.jthanos.tsdb.block.BlockCompaction;
import io.jthanos.tsdb.block.BlockDesc;
import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.BlockStats;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.block.UlidGenerator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The backlog the {@code thanos_compact_todo_*} gauges show, as Thanos' progress calculators:
 * compactions are simulated by planning each group repeatedly, replacing each plan by one merged
 * meta; downsampling counts the blocks a pass would downsample; retention counts blocks past it.
 */
public final class Progress {
  /** Planned compactions and the blocks they take. */
  public record Compactions(long runs, long blocks) {}

  private Progress() {}

  public static Compactions compactions(Collection<Meta> metas, TsdbPlanner planner) {
    long runs = 0;
    long blocks = 0;
    UlidGenerator ids = UlidGenerator.defaultGenerator();
    for (CompactionGroup g : CompactionGroup.groups(metas)) {
      CompactionGroup cur = g;
      while (cur.metasByMinTime().size() > 1) {
        List<Meta> plan = planner.plan(cur.metasByMinTime());
        if (plan.isEmpty()) {
          break;
        }
        runs++;
        blocks += plan.size();
        cur =
            cur.replacing(plan.stream().map(Meta::ulid).toList(), List.of(merged(plan, cur, ids)));
      }
    }
    return new Compactions(runs, blocks);
  }

  private static Meta merged(List<Meta> plan, CompactionGroup g, UlidGenerator ids) {
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    int level = 0;
    TreeSet<Ulid> sources = new TreeSet<>();
    List<BlockDesc> parents = new ArrayList<>();
    for (Meta m : plan) {
      min = Math.min(min, m.minTime());
      max = Math.max(max, m.maxTime());
      level = Math.max(level, m.block().compaction().level());
      sources.addAll(m.block().compaction().sources());
      parents.add(new BlockDesc(m.ulid(), m.minTime(), m.maxTime()));
    }
    BlockMeta b =
        new BlockMeta(
            ids.next(),
            min,
            max,
            BlockStats.EMPTY,
            new BlockCompaction(level + 1, new ArrayList<>(sources), false, parents, false, null),
            BlockMeta.VERSION,
            null);
    return new Meta(b, ThanosMeta.of(g.labels(), g.resolution(), ""));
  }

  public static long downsamples(Collection<Meta> metas) {
    return Downsampling.todo(metas).size();
  }

  public static long deletions(Collection<Meta> metas, Retention.Policy policy, Clock clock) {
    return Retention.expired(metas, policy, clock).size();
  }
}
