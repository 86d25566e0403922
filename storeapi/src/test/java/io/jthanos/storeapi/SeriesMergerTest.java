package io.jthanos.storeapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import io.jthanos.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SeriesMergerTest {

  private static StoreChunk chunk(long min, long max, String data, boolean hashed) {
    ByteString b = ByteString.copyFromUtf8(data);
    return StoreChunk.raw(
        min,
        max,
        hashed ? ChunkBytes.hashed(ChunkEncoding.XOR, b) : ChunkBytes.of(ChunkEncoding.XOR, b));
  }

  private static StoreSeries series(String name, StoreChunk... chunks) {
    return new StoreSeries(Labels.of("__name__", name), List.of(chunks));
  }

  @Test
  void mergesIdenticalSeriesAndDropsIdenticalChunks() {
    SeriesStream a =
        SeriesStreams.of(
            List.of(series("a", chunk(0, 10, "x", true)), series("c", chunk(0, 10, "c", true))),
            List.of("warn a"));
    SeriesStream b =
        SeriesStreams.of(
            List.of(
                series("a", chunk(0, 10, "x", false), chunk(5, 15, "y", false)),
                series("b", chunk(0, 1, "b", false))),
            List.of());
    try (SeriesMerger m = SeriesMerger.merge(List.of(a, b))) {
      List<StoreSeries> got = new ArrayList<>();
      while (m.next()) {
        got.add(m.at());
      }
      assertThat(got).extracting(s -> s.labels().metricName()).containsExactly("a", "b", "c");
      // The same chunk from two stores (one with, one without a hash) is kept once; the
      // overlapping different chunk is kept for deduplication.
      assertThat(got.getFirst().chunks()).extracting(StoreChunk::minTime).containsExactly(0L, 5L);
      assertThat(m.droppedChunks()).isEqualTo(1);
      assertThat(m.mergedSeries()).isEqualTo(1);
      assertThat(m.warnings()).containsExactly("warn a");
    }
  }

  @Test
  void chunksWithSameRangeButDifferentDataAreKept() {
    StoreSeries merged =
        SeriesMerger.mergeSame(
            List.of(series("a", chunk(0, 10, "x", true)), series("a", chunk(0, 10, "z", true))));
    assertThat(merged.chunks()).hasSize(2);
  }

  /** The loser tree against a reference: random sorted streams, merged = sorted union. */
  @Test
  void randomStreamsMergeToTheSortedUnion() {
    Random rnd = new Random(7);
    for (int round = 0; round < 300; round++) {
      int k = rnd.nextInt(9);
      List<SeriesStream> streams = new ArrayList<>();
      TreeMap<Labels, Integer> want = new TreeMap<>(Labels::compare);
      for (int i = 0; i < k; i++) {
        TreeMap<Labels, StoreSeries> one = new TreeMap<>(Labels::compare);
        int n = rnd.nextInt(30);
        for (int j = 0; j < n; j++) {
          Labels l = Labels.of("__name__", "m", "i", Integer.toString(rnd.nextInt(50)));
          one.put(l, new StoreSeries(l, List.of(chunk(i, i, "s" + i, rnd.nextBoolean()))));
        }
        one.keySet().forEach(l -> want.merge(l, 1, Integer::sum));
        streams.add(SeriesStreams.of(new ArrayList<>(one.values()), List.of()));
      }
      List<Labels> got = new ArrayList<>();
      try (SeriesMerger m = SeriesMerger.merge(streams)) {
        while (m.next()) {
          got.add(m.at().labels());
          assertThat(m.at().chunks()).hasSize(want.get(m.at().labels()));
        }
      }
      assertThat(got).as("round %d, k=%d", round, k).containsExactlyElementsOf(want.keySet());
    }
  }
}
