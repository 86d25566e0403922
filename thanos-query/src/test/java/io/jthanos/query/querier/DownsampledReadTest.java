package io.jthanos.query.querier;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.jthanos.proto.store.Aggr;
import io.jthanos.proto.store.SeriesRequest;
import io.jthanos.query.dedup.DedupAlgorithm;
import io.jthanos.query.store.ProxyStore;
import io.jthanos.storeapi.ChunkBytes;
import io.jthanos.storeapi.StoreChunk;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.chunkenc.XorEncoder;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.SelectHints;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The downsampling read side: aggregates per function, resolution caps, aggregate iterators. */
class DownsampledReadTest {

  static ChunkBytes xor(long[] ts, double[] vs) {
    XorEncoder e = new XorEncoder();
    for (int i = 0; i < ts.length; i++) {
      e.append(ts[i], vs[i]);
    }
    return ChunkBytes.hashed(ChunkEncoding.XOR, ByteString.copyFrom(e.bytes()));
  }

  static StoreChunk aggr(long[] ts, double[] count, double[] sum, double[] min, double[] max) {
    return new StoreChunk(
        ts[0],
        ts[ts.length - 1],
        null,
        xor(ts, count),
        xor(ts, sum),
        xor(ts, min),
        xor(ts, max),
        null);
  }

  static List<double[]> drain(SampleIterator it) {
    List<double[]> out = new ArrayList<>();
    while (it.next() == ValueType.FLOAT) {
      out.add(new double[] {it.atT(), it.atV()});
    }
    return out;
  }

  @Test
  void aggregatesFollowTheEnclosingFunction() {
    assertThat(Aggregates.forFunction("min_over_time")).containsExactly(Aggr.MIN);
    assertThat(Aggregates.forFunction("max")).containsExactly(Aggr.MAX);
    assertThat(Aggregates.forFunction("count_over_time")).containsExactly(Aggr.COUNT);
    assertThat(Aggregates.forFunction("sum_over_time")).containsExactly(Aggr.SUM);
    assertThat(Aggregates.forFunction("sum")).containsExactly(Aggr.COUNT, Aggr.SUM);
    assertThat(Aggregates.forFunction("rate")).containsExactly(Aggr.COUNTER);
    assertThat(Aggregates.forFunction("resets")).containsExactly(Aggr.COUNTER);
    assertThat(Aggregates.forFunction("avg_over_time")).containsExactly(Aggr.COUNT, Aggr.SUM);
    assertThat(Aggregates.forFunction("")).containsExactly(Aggr.COUNT, Aggr.SUM);
  }

  @Test
  void seriesRequestCarriesResolutionAggregatesAndHints() {
    SelectOptions so =
        new SelectOptions(
            true, List.of("replica"), DedupAlgorithm.PENALTY, false, 3_600_000, List.of(), "t", 0);
    StoreQueryable q = new StoreQueryable(ProxyStore.over(List.of(), Duration.ZERO), so, 4);
    SelectHints rate =
        new SelectHints(0, 100, 60_000, "rate", 600_000, List.of("job"), true, 0, 0, 0, false);
    SeriesRequest r = q.request(0, 100, rate, List.of(Matcher.equal("__name__", "x")));
    // rate over 10m: at most 5m resolution so each window holds two points.
    assertThat(r.getMaxResolutionWindow()).isEqualTo(300_000);
    assertThat(r.getAggregatesList()).containsExactly(Aggr.COUNTER);
    assertThat(r.getWithoutReplicaLabelsList()).containsExactly("replica");
    assertThat(r.getPartialResponseStrategyValue()).isEqualTo(1);
    assertThat(r.getQueryHints().getFunc().getName()).isEqualTo("rate");
    assertThat(r.getQueryHints().getRange().getMillis()).isEqualTo(600_000);
    assertThat(r.getQueryHints().getGrouping().getLabelsList()).containsExactly("job");
    SelectHints plain = new SelectHints(0, 100, 0, "", 0, List.of(), false, 0, 0, 0, false);
    SeriesRequest p = q.request(0, 100, plain, List.of());
    assertThat(p.getMaxResolutionWindow()).isEqualTo(3_600_000);
    assertThat(p.getSkipChunks()).isFalse();
    SelectHints series = plain.withFunc("series");
    assertThat(q.request(0, 100, series, List.of()).getSkipChunks()).isTrue();
  }

  @Test
  void averageMinAndMaxOfDownsampledChunks() {
    long[] ts = {300_000, 600_000, 900_000};
    StoreChunk c =
        aggr(
            ts,
            new double[] {10, 20, 5},
            new double[] {100, 50, 10},
            new double[] {1, 2, 0},
            new double[] {30, 9, 4});
    assertThat(drain(ChunkIterators.of(List.of(c), Aggregates.forFunction(""), 0, 10_000_000)))
        .extracting(x -> x[1])
        .containsExactly(10.0, 2.5, 2.0);
    assertThat(drain(ChunkIterators.of(List.of(c), List.of(Aggr.MIN), 0, 10_000_000)))
        .extracting(x -> x[1])
        .containsExactly(1.0, 2.0, 0.0);
    assertThat(drain(ChunkIterators.of(List.of(c), List.of(Aggr.MAX), 400_000, 10_000_000)))
        .extracting(x -> x[1])
        .containsExactly(9.0, 4.0);
  }

  @Test
  void counterAggregateHasResetsApplied() {
    // Counter sub-chunk: first raw sample, aggregated points, last raw value repeated at the end.
    ChunkBytes c1 = xor(new long[] {0, 300_000, 600_000, 600_000}, new double[] {5, 50, 100, 100});
    ChunkBytes c2 =
        xor(new long[] {700_000, 900_000, 1_200_000, 1_200_000}, new double[] {10, 40, 80, 80});
    StoreChunk a = new StoreChunk(0, 600_000, null, null, null, null, null, c1);
    StoreChunk b = new StoreChunk(700_000, 1_200_000, null, null, null, null, null, c2);
    List<double[]> got =
        drain(ChunkIterators.of(List.of(a, b), List.of(Aggr.COUNTER), 0, 2_000_000));
    assertThat(got)
        .extracting(x -> x[0])
        .containsExactly(0.0, 300_000.0, 600_000.0, 700_000.0, 900_000.0, 1_200_000.0);
    // The drop from 100 to 10 is a reset: the total keeps growing (100 + 10, then +30, +40).
    assertThat(got).extracting(x -> x[1]).containsExactly(5.0, 50.0, 100.0, 110.0, 140.0, 180.0);
  }

  @Test
  void rawChunksAreReadAsTheyAre() {
    ChunkBytes raw = xor(new long[] {0, 15_000, 30_000}, new double[] {10, 2, 5});
    StoreChunk c = StoreChunk.raw(0, 30_000, raw);
    assertThat(drain(ChunkIterators.of(List.of(c), List.of(Aggr.COUNTER), 0, 100_000)))
        .extracting(x -> x[1])
        .containsExactly(10.0, 2.0, 5.0);
  }
}
