package io.jthanos.query.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.ValueType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DedupSeriesSetTest {

  /** An iterator over in-memory samples. */
  static SampleIterator samples(long[] ts, double[] vs) {
    return new SampleIterator() {
      int i = -1;

      @Override
      public ValueType next() {
        i++;
        return i < ts.length ? ValueType.FLOAT : ValueType.NONE;
      }

      @Override
      public ValueType seek(long t) {
        if (i < 0) {
          i = 0;
        }
        while (i < ts.length && ts[i] < t) {
          i++;
        }
        return i < ts.length ? ValueType.FLOAT : ValueType.NONE;
      }

      @Override
      public long atT() {
        return ts[i];
      }

      @Override
      public double atV() {
        return vs[i];
      }
    };
  }

  static List<long[]> drain(SampleIterator it) {
    List<long[]> out = new ArrayList<>();
    while (it.next() != ValueType.NONE) {
      out.add(new long[] {it.atT(), (long) it.atV()});
    }
    return out;
  }

  static long[] range(long from, long to, long step) {
    int n = (int) ((to - from) / step) + 1;
    long[] r = new long[n];
    for (int i = 0; i < n; i++) {
      r[i] = from + i * step;
    }
    return r;
  }

  static double[] values(long[] ts, double base) {
    double[] v = new double[ts.length];
    for (int i = 0; i < ts.length; i++) {
      v[i] = base + ts[i] / 1000.0;
    }
    return v;
  }

  @Test
  void penaltyFollowsOneReplicaWithoutInterleaving() {
    // Two replicas scraping every 10s with a 3s phase shift: the merge keeps A's phase.
    long[] a = range(0, 100_000, 10_000);
    long[] b = range(3_000, 103_000, 10_000);
    SampleIterator it =
        DedupSeriesSet.merge(
            List.of(samples(a, values(a, 0)), samples(b, values(b, 0))),
            DedupAlgorithm.PENALTY,
            false);
    List<long[]> got = drain(it);
    assertThat(got).extracting(x -> x[0]).containsExactly(toObjects(a));
  }

  @Test
  void penaltyFillsGapsFromTheOtherReplica() {
    // A misses 40s..70s; B fills the gap, then the merge stays on B.
    long[] a1 = range(0, 30_000, 10_000);
    long[] a2 = range(80_000, 120_000, 10_000);
    long[] a = concat(a1, a2);
    long[] b = range(5_000, 125_000, 10_000);
    List<long[]> got =
        drain(
            DedupSeriesSet.merge(
                List.of(samples(a, values(a, 0)), samples(b, values(b, 0))),
                DedupAlgorithm.PENALTY,
                false));
    List<Long> ts = got.stream().map(x -> x[0]).toList();
    assertThat(ts).startsWith(0L, 10_000L, 20_000L, 30_000L);
    // A's last interval was 10s, so B is only accepted 2x10s after A's last sample.
    assertThat(ts).doesNotContain(35_000L, 45_000L);
    assertThat(ts).contains(55_000L, 65_000L, 75_000L);
    // Strictly increasing, never two samples closer than the scrape interval's half.
    for (int i = 1; i < ts.size(); i++) {
      assertThat(ts.get(i) - ts.get(i - 1)).isGreaterThanOrEqualTo(5_000L);
    }
    assertThat(ts.getLast()).isEqualTo(125_000L);
  }

  @Test
  void counterModeNeverGoesDownOnSwitch() {
    // A is at 100..130 then stops; B restarted and reads lower values: the switch is corrected.
    long[] a = {0, 10_000, 20_000, 30_000};
    double[] av = {100, 110, 120, 130};
    long[] b = {5_000, 15_000, 25_000, 35_000, 45_000, 55_000};
    double[] bv = {10, 20, 30, 40, 50, 60};
    SampleIterator it =
        DedupSeriesSet.merge(List.of(samples(a, av), samples(b, bv)), DedupAlgorithm.PENALTY, true);
    List<long[]> got = drain(it);
    for (int i = 1; i < got.size(); i++) {
      assertThat(got.get(i)[1]).isGreaterThanOrEqualTo(got.get(i - 1)[1]);
    }
    SampleIterator plain =
        DedupSeriesSet.merge(
            List.of(samples(a, av), samples(b, bv)), DedupAlgorithm.PENALTY, false);
    List<long[]> raw = drain(plain);
    assertThat(raw.stream().map(x -> x[1]).toList()).containsExactly(100L, 110L, 120L, 130L, 60L);
    assertThat(got.getLast()[1]).isEqualTo(130L);
  }

  @Test
  void chainKeepsEveryTimestampOnce() {
    long[] a = {0, 10, 20, 30};
    long[] b = {10, 15, 30, 40};
    List<long[]> got =
        drain(
            DedupSeriesSet.merge(
                List.of(
                    samples(a, new double[] {1, 2, 3, 4}), samples(b, new double[] {9, 8, 7, 6})),
                DedupAlgorithm.CHAIN,
                false));
    assertThat(got).extracting(x -> x[0]).containsExactly(0L, 10L, 15L, 20L, 30L, 40L);
    assertThat(got).extracting(x -> x[1]).containsExactly(1L, 2L, 8L, 3L, 4L, 6L);
  }

  @Test
  void seekWalksWithoutSkippingGaps() {
    long[] a = {0, 10_000, 50_000};
    long[] b = {1_000, 11_000, 21_000, 31_000, 41_000, 51_000};
    SampleIterator it =
        DedupSeriesSet.merge(
            List.of(samples(a, values(a, 0)), samples(b, values(b, 0))),
            DedupAlgorithm.PENALTY,
            false);
    assertThat(it.seek(25_000)).isEqualTo(ValueType.FLOAT);
    assertThat(it.atT()).isEqualTo(31_000);
  }

  private static long[] concat(long[] x, long[] y) {
    long[] r = new long[x.length + y.length];
    System.arraycopy(x, 0, r, 0, x.length);
    System.arraycopy(y, 0, r, x.length, y.length);
    return r;
  }

  private static Long[] toObjects(long[] a) {
    Long[] r = new Long[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i];
    }
    return r;
  }
}
