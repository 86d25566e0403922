package io.jthanos.storeapi.testing;

import io.jthanos.tsdb.labels.Labels;
import java.util.Arrays;

/** A series and its float samples as the storage behind a StoreAPI endpoint holds them. */
public record ExpectedSeries(Labels labels, long[] ts, double[] vs) {
  public ExpectedSeries {
    if (ts.length != vs.length) {
      throw new IllegalArgumentException("timestamps and values differ in length");
    }
  }

  /** The samples within [mint, maxt]. */
  public ExpectedSeries within(long mint, long maxt) {
    int from = 0;
    while (from < ts.length && ts[from] < mint) {
      from++;
    }
    int to = from;
    while (to < ts.length && ts[to] <= maxt) {
      to++;
    }
    return new ExpectedSeries(
        labels, Arrays.copyOfRange(ts, from, to), Arrays.copyOfRange(vs, from, to));
  }

  public boolean isEmpty() {
    return ts.length == 0;
  }

  public ExpectedSeries withLabels(Labels l) {
    return new ExpectedSeries(l, ts, vs);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExpectedSeries e
        && labels.equals(e.labels)
        && Arrays.equals(ts, e.ts)
        && Arrays.equals(vs, e.vs);
  }

  @Override
  public int hashCode() {
    return labels.hashCode() * 31 + Arrays.hashCode(ts);
  }

  @Override
  public String toString() {
    return labels
        + " "
        + ts.length
        + " samples"
        + (ts.length > 0 ? " [" + ts[0] + ".." + ts[ts.length - 1] + "]" : "");
  }
}
