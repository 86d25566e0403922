package io.jthanos.promql.engine;

import io.jthanos.tsdb.labels.Labels;
import java.util.Arrays;

/**
 * One series evaluated at every step of a {@link Steps}: a value per step and a bit per step
 * telling whether the series has a point there. Producers reuse their instance between calls of
 * {@link SeriesStream#next()}; consumers that keep one call {@link #copy()}.
 */
final class StepSeries {
  Labels labels;
  final double[] values;
  final long[] bits;

  /** Delayed {@code __name__} removal: the name is to be dropped at the end of evaluation. */
  boolean dropName;

  StepSeries(int steps) {
    this.values = new double[steps];
    this.bits = new long[(steps + 63) >>> 6];
  }

  int steps() {
    return values.length;
  }

  void reset(Labels l) {
    labels = l;
    Arrays.fill(bits, 0L);
    dropName = false;
  }

  boolean has(int i) {
    return (bits[i >>> 6] & (1L << i)) != 0;
  }

  void set(int i, double v) {
    values[i] = v;
    bits[i >>> 6] |= 1L << i;
  }

  void clear(int i) {
    bits[i >>> 6] &= ~(1L << i);
  }

  double get(int i) {
    return values[i];
  }

  boolean isEmpty() {
    for (long w : bits) {
      if (w != 0) {
        return false;
      }
    }
    return true;
  }

  int cardinality() {
    int c = 0;
    for (long w : bits) {
      c += Long.bitCount(w);
    }
    return c;
  }

  /** The first present step at or after {@code from}, or -1. */
  int nextSet(int from) {
    int n = values.length;
    if (from >= n) {
      return -1;
    }
    int wi = from >>> 6;
    long w = bits[wi] & (-1L << from);
    while (true) {
      if (w != 0) {
        int i = (wi << 6) + Long.numberOfTrailingZeros(w);
        return i < n ? i : -1;
      }
      if (++wi >= bits.length) {
        return -1;
      }
      w = bits[wi];
    }
  }

  /** Whether both series have a point at some common step. */
  boolean overlaps(long[] other) {
    for (int i = 0; i < bits.length; i++) {
      if ((bits[i] & other[i]) != 0) {
        return true;
      }
    }
    return false;
  }

  StepSeries copy() {
    StepSeries c = new StepSeries(values.length);
    c.copyFrom(this);
    return c;
  }

  void copyFrom(StepSeries o) {
    labels = o.labels;
    dropName = o.dropName;
    System.arraycopy(o.bits, 0, bits, 0, bits.length);
    // Only present values matter; copying all is cheaper than per-bit work.
    System.arraycopy(o.values, 0, values, 0, values.length);
  }

  /** Adds the other series' points (the caller checked they do not overlap). */
  void mergeFrom(StepSeries o) {
    for (int i = o.nextSet(0); i >= 0; i = o.nextSet(i + 1)) {
      set(i, o.values[i]);
    }
    dropName |= o.dropName;
  }
}
