package io.jthanos.promql.engine;

import io.jthanos.tsdb.labels.Labels;
import java.util.Arrays;

/** The samples of one series over a time range, in reusable primitive arrays. */
final class RawSeries {
  Labels labels;
  long[] t = new long[64];
  double[] v = new double[64];
  int n;

  /** Delayed name removal: the series' name is to be dropped (from a subquery's inner result). */
  boolean dropName;

  void reset(Labels l) {
    labels = l;
    n = 0;
    dropName = false;
  }

  void add(long ts, double val) {
    if (n == t.length) {
      int cap = n * 2;
      t = Arrays.copyOf(t, cap);
      v = Arrays.copyOf(v, cap);
    }
    t[n] = ts;
    v[n] = val;
    n++;
  }
}
