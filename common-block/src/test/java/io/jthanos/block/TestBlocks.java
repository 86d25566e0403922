package io.jthanos.block;

import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.ThanosMeta;
import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.BlockWriter;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.labels.Labels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Small real blocks for block-layer tests. */
public final class TestBlocks {
  private TestBlocks() {}

  /** A 2h block of {@code series} series with 15s samples and the given external labels. */
  public static Meta write(Path parent, Ulid id, Map<String, String> labels, int series)
      throws IOException {
    return write(parent, id, labels, series, 0, 7_200_000L);
  }

  public static Meta write(
      Path parent, Ulid id, Map<String, String> labels, int series, long minTime, long maxTime)
      throws IOException {
    ThanosMeta thanos = ThanosMeta.of(labels, 0, "test");
    try (BlockWriter w =
        BlockWriter.builder(parent)
            .ulid(id)
            .timeRange(minTime, maxTime)
            .segmentSize(4096)
            .extension(ThanosMeta.KEY, thanos.toJson())
            .build()) {
      for (int s = 0; s < series; s++) {
        int n = (int) ((maxTime - minTime) / 15_000);
        long[] ts = new long[n];
        double[] vs = new double[n];
        for (int i = 0; i < n; i++) {
          ts[i] = minTime + i * 15_000L;
          vs[i] = s * 1000 + i * (s % 3 + 1);
        }
        w.addSeries(Labels.of("__name__", "m", "i", String.format("%04d", s)), ts, vs);
      }
      BlockMeta m = w.commit();
      return Meta.of(m);
    }
  }

  /** A ULID with a given timestamp and entropy, for ordered test ids. */
  public static Ulid ulid(long timeMs, long n) {
    return Ulid.of(timeMs, 0, n);
  }
}
