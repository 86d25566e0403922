package io.jthanos.block.compact;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.block.metadata.BlockFile;
import io.jthanos.block.metadata.MarkerType;
import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.ThanosMeta;
import io.jthanos.objstore.filesystem.FilesystemBucket;
import io.jthanos.tsdb.block.BlockCompaction;
import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.BlockStats;
import io.jthanos.tsdb.block.Ulid;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TsdbPlannerTest {
  static final long H = 3_600_000L;

  static Meta meta(int n, long minH, long maxH) {
    return meta(n, minH * H, maxH * H, false, 0, 10);
  }

  static Meta meta(int n, long min, long max, boolean failed, long tombstones, long series) {
    Ulid id = Ulid.of(1_600_000_000_000L + n, 0, n);
    BlockMeta b =
        new BlockMeta(
            id,
            min,
            max,
            new BlockStats(100, 100, 0, series, 10, tombstones),
            new BlockCompaction(1, List.of(id), false, List.of(), failed, List.of()),
            1,
            null);
    return new Meta(b, ThanosMeta.of(Map.of("a", "1"), 0, "sidecar"));
  }

  static List<Integer> plan(TsdbPlanner p, Meta... metas) {
    return ids(p.plan(List.of(metas)));
  }

  static List<Integer> ids(List<Meta> ms) {
    List<Integer> out = new ArrayList<>();
    for (Meta m : ms) {
      out.add((int) (m.ulid().lsb()));
    }
    return out;
  }

  static TsdbPlanner planner(Set<Integer> marked) {
    return new TsdbPlanner(
        TsdbPlanner.DEFAULT_RANGES,
        () -> {
          Map<Ulid, Object> m = new HashMap<>();
          for (int n : marked) {
            m.put(Ulid.of(1_600_000_000_000L + n, 0, n), Boolean.TRUE);
          }
          return m;
        });
  }

  @Test
  void nothingToDoForFewBlocks() {
    TsdbPlanner p = planner(Set.of());
    assertThat(p.plan(List.of())).isEmpty();
    assertThat(plan(p, meta(1, 0, 2))).isEmpty();
    // The newest block is always left out, so two adjacent blocks wait for a third.
    assertThat(plan(p, meta(1, 0, 2), meta(2, 2, 4))).isEmpty();
  }

  @Test
  void compactsFullWindowsAndWindowsBeforeTheLastOlderBlock() {
    TsdbPlanner p = planner(Set.of());
    // Without the newest block, [0,8h) is not full and ends after the last older block starts.
    assertThat(plan(p, meta(1, 0, 2), meta(2, 2, 4), meta(3, 4, 6), meta(4, 6, 8))).isEmpty();
    assertThat(
            plan(
                p,
                meta(1, 0, 2),
                meta(2, 2, 4),
                meta(3, 4, 6),
                meta(4, 6, 8),
                meta(5, 8, 10),
                meta(6, 10, 12)))
        .containsExactly(1, 2, 3, 4);
    // An incomplete window is compacted once a later (older than newest) block exists.
    assertThat(plan(p, meta(1, 8, 10), meta(2, 10, 12), meta(3, 20, 22), meta(4, 30, 32)))
        .containsExactly(1, 2);
  }

  @Test
  void largerRangesFollowOnceSmallerOnesAreDone() {
    TsdbPlanner p = planner(Set.of());
    assertThat(plan(p, meta(1, 0, 8), meta(2, 8, 16), meta(3, 16, 24), meta(4, 48, 50))).isEmpty();
    assertThat(
            plan(
                p,
                meta(1, 0, 8),
                meta(2, 8, 16),
                meta(3, 16, 24),
                meta(4, 48, 56),
                meta(5, 56, 58)))
        .containsExactly(1, 2, 3);
    assertThat(plan(p, meta(1, 0, 48), meta(2, 48, 96), meta(3, 336, 384), meta(4, 400, 402)))
        .containsExactly(1, 2);
    // 14d blocks are the largest range: nothing compacts them further.
    assertThat(plan(p, meta(1, 0, 336), meta(2, 336, 672), meta(3, 672, 1008))).isEmpty();
  }

  @Test
  void overlappingBlocksComeFirst() {
    TsdbPlanner p = planner(Set.of());
    assertThat(plan(p, meta(1, 0, 2), meta(2, 1, 3), meta(3, 4, 6), meta(4, 5, 7)))
        .containsExactly(1, 2);
    assertThat(plan(p, meta(1, 0, 2), meta(2, 2, 4), meta(3, 3, 5), meta(4, 4, 6)))
        .containsExactly(2, 3, 4);
    // Overlaps are planned even with the newest block in them.
    assertThat(plan(p, meta(1, 0, 2), meta(2, 0, 2))).containsExactly(1, 2);
  }

  @Test
  void failedCompactionDisqualifiesItsWindow() {
    TsdbPlanner p = planner(Set.of());
    assertThat(
            plan(
                p,
                meta(1, 0, 2 * H, true, 0, 10),
                meta(2, 2 * H, 4 * H, false, 0, 10),
                meta(3, 8 * H, 10 * H, false, 0, 10),
                meta(4, 10 * H, 12 * H, false, 0, 10),
                meta(5, 16 * H, 18 * H, false, 0, 10),
                meta(6, 24 * H, 26 * H, false, 0, 10)))
        .containsExactly(3, 4);
  }

  @Test
  void noCompactMarksSplitWindowsWithoutGaps() {
    TsdbPlanner p = planner(Set.of(2));
    assertThat(plan(p, meta(1, 0, 2), meta(2, 2, 4), meta(3, 4, 6), meta(4, 6, 8), meta(5, 8, 10)))
        .containsExactly(3, 4);
    // Marked blocks are never part of overlap plans.
    assertThat(plan(planner(Set.of(2)), meta(1, 0, 2), meta(2, 1, 3), meta(3, 4, 6))).isEmpty();
  }

  @Test
  void bigBlocksWithManyTombstonesAreRewritten() {
    TsdbPlanner p = planner(Set.of());
    assertThat(plan(p, meta(1, 0, 48 * H, false, 10, 100), meta(2, 48 * H, 50 * H, false, 0, 100)))
        .containsExactly(1);
    assertThat(plan(p, meta(1, 0, 48 * H, false, 5, 100), meta(2, 48 * H, 50 * H, false, 0, 100)))
        .isEmpty();
  }

  @Test
  void splitByRangeSkipsBlocksThatDoNotFit() {
    List<List<Meta>> parts =
        TsdbPlanner.splitByRange(
            List.of(meta(1, 0, 2), meta(2, 2, 4), meta(3, 1, 5), meta(4, 8, 10)), 8 * H);
    assertThat(parts).hasSize(2);
    assertThat(ids(parts.get(0))).containsExactly(1, 2, 3);
    assertThat(ids(parts.get(1))).containsExactly(4);
    assertThat(TsdbPlanner.splitByRange(List.of(meta(1, 7, 9)), 8 * H)).isEmpty();
  }

  @Test
  void largeIndexFilterMarksTheBiggestIndexAndReplans(@TempDir Path tmp) throws Exception {
    try (FilesystemBucket bkt = new FilesystemBucket(tmp)) {
      List<Meta> metas = new ArrayList<>();
      long[] sizes = {30, 50, 30, 10, 10};
      for (int i = 0; i < sizes.length; i++) {
        Meta m = meta(i + 1, i * 2L, i * 2L + 2);
        metas.add(
            m.withThanos(
                m.thanos()
                    .withFiles(
                        List.of(
                            new BlockFile("index", sizes[i], null),
                            new BlockFile("meta.json", 0, null)))));
      }
      Map<Ulid, Object> marked = new HashMap<>();
      TsdbPlanner base = new TsdbPlanner(TsdbPlanner.DEFAULT_RANGES, () -> marked);
      SimpleMeterRegistry reg = new SimpleMeterRegistry();
      LargeIndexSizeFilter f =
          new LargeIndexSizeFilter(
              base, () -> marked, bkt, 100, reg.counter("marked"), Clock.systemUTC());
      // Plan 1-4 sums 30+50+30 >= 85: the 50-byte index (block 2) is marked and left out.
      assertThat(ids(f.plan(metas))).containsExactly(3, 4);
      assertThat(bkt.exists(MarkerType.NO_COMPACT.objectName(metas.get(1).ulid()))).isTrue();
      assertThat(
              ((io.jthanos.block.metadata.NoCompactMark)
                      io.jthanos.block.Blocks.readMarker(
                              bkt, metas.get(1).ulid(), MarkerType.NO_COMPACT)
                          .orElseThrow())
                  .reason())
          .isEqualTo("index-size-exceeding");
      assertThat(reg.counter("marked").count()).isEqualTo(1.0);
    }
  }
}
