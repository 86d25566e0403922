package io.jthanos.store;

import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The blocks sharing one external label set, by resolution (Thanos' {@code bucketBlockSet}), and
 * the block choice of a request: the coarsest resolution not above the request's {@code
 * max_resolution_window}, with any time gaps filled recursively by finer resolutions (spec 5.4).
 */
final class BlockSet {
  /** Resolutions from coarsest to finest: 1h, 5m, raw. */
  static final long[] RESOLUTIONS = {3_600_000L, 300_000L, 0L};

  final Labels labels;
  private final List<List<BucketBlock>> byResolution = new ArrayList<>();

  BlockSet(Labels labels, List<BucketBlock> blocks) {
    this.labels = labels;
    for (int i = 0; i < RESOLUTIONS.length; i++) {
      byResolution.add(new ArrayList<>());
    }
    for (BucketBlock b : blocks) {
      int i = resolutionIndex(b.resolution());
      byResolution.get(i).add(b);
    }
    for (List<BucketBlock> l : byResolution) {
      l.sort(Comparator.comparingLong(BucketBlock::minTime).thenComparing(b -> b.id));
    }
  }

  private static int resolutionIndex(long res) {
    for (int i = 0; i < RESOLUTIONS.length; i++) {
      if (res >= RESOLUTIONS[i]) {
        return i;
      }
    }
    return RESOLUTIONS.length - 1;
  }

  /** Blocks to query for {@code [mint, maxt]} (ms, inclusive) and the given resolution window. */
  List<BucketBlock> getFor(long mint, long maxt, long maxResolution, List<Matcher> blockMatchers) {
    List<BucketBlock> out = new ArrayList<>();
    int i = 0;
    while (i < RESOLUTIONS.length && RESOLUTIONS[i] > maxResolution) {
      i++;
    }
    if (i == RESOLUTIONS.length) {
      i = RESOLUTIONS.length - 1;
    }
    getFor(mint, maxt, i, blockMatchers, out);
    return out;
  }

  private void getFor(
      long mint, long maxt, int i, List<Matcher> blockMatchers, List<BucketBlock> out) {
    if (mint > maxt) {
      return;
    }
    long start = mint;
    for (BucketBlock b : byResolution.get(i)) {
      // Block time ranges are half-open: [minTime, maxTime).
      if (b.maxTime() <= mint) {
        continue;
      }
      if (b.minTime() > maxt) {
        break;
      }
      if (i + 1 < RESOLUTIONS.length) {
        getFor(start, b.minTime() - 1, i + 1, blockMatchers, out);
      }
      if (blockMatchers.isEmpty() || b.matchesBlockMatchers(blockMatchers)) {
        out.add(b);
      }
      start = b.maxTime();
    }
    if (i + 1 < RESOLUTIONS.length) {
      getFor(start, maxt, i + 1, blockMatchers, out);
    }
  }

  /** Every block overlapping {@code [mint, maxt]}, any resolution (for label calls). */
  List<BucketBlock> overlapping(long mint, long maxt, List<Matcher> blockMatchers) {
    List<BucketBlock> out = new ArrayList<>();
    for (List<BucketBlock> l : byResolution) {
      for (BucketBlock b : l) {
        if (b.minTime() <= maxt
            && mint < b.maxTime()
            && (blockMatchers.isEmpty() || b.matchesBlockMatchers(blockMatchers))) {
          out.add(b);
        }
      }
    }
    return out;
  }

  long minTime() {
    long m = Long.MAX_VALUE;
    for (List<BucketBlock> l : byResolution) {
      for (BucketBlock b : l) {
        m = Math.min(m, b.minTime());
      }
    }
    return m;
  }

  long maxTime() {
    long m = Long.MIN_VALUE;
    for (List<BucketBlock> l : byResolution) {
      for (BucketBlock b : l) {
        m = Math.max(m, b.maxTime());
      }
    }
    return m;
  }
}
