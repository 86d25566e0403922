package io.jthanos.tsdb.testing;

import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.chunkenc.XorIterator;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.storage.Series;
import io.jthanos.tsdb.util.LongList;
import java.util.Arrays;

/**
 * An in-memory float series for tests: labels and parallel timestamp / value-bits arrays. Values
 * are kept as raw bits so NaN payloads (stale markers) compare exactly. Implements {@link Series}.
 */
public record TestSeries(Labels labels, long[] ts, long[] valueBits) implements Series {

  public static TestSeries of(Labels labels, long[] ts, double[] vs) {
    long[] bits = new long[vs.length];
    for (int i = 0; i < vs.length; i++) {
      bits[i] = Double.doubleToRawLongBits(vs[i]);
    }
    return new TestSeries(labels, ts, bits);
  }

  /** Drains an iterator into a series. */
  public static TestSeries drain(Labels labels, SampleIterator it) {
    LongList t = new LongList();
    LongList v = new LongList();
    while (it.next() == ValueType.FLOAT) {
      t.add(it.atT());
      v.add(it instanceof XorIterator x ? x.atVBits() : Double.doubleToRawLongBits(it.atV()));
    }
    return new TestSeries(labels, t.toArray(), v.toArray());
  }

  public int size() {
    return ts.length;
  }

  public double value(int i) {
    return Double.longBitsToDouble(valueBits[i]);
  }

  public double[] values() {
    double[] out = new double[valueBits.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = value(i);
    }
    return out;
  }

  /** The samples with timestamps in [mint, maxt]. */
  public TestSeries slice(long mint, long maxt) {
    LongList t = new LongList();
    LongList v = new LongList();
    for (int i = 0; i < ts.length; i++) {
      if (ts[i] >= mint && ts[i] <= maxt) {
        t.add(ts[i]);
        v.add(valueBits[i]);
      }
    }
    return new TestSeries(labels, t.toArray(), v.toArray());
  }

  @Override
  public SampleIterator iterator(SampleIterator reuse) {
    return new SampleIterator() {
      private int i = -1;

      @Override
      public ValueType next() {
        if (i + 1 < ts.length) {
          i++;
          return ValueType.FLOAT;
        }
        i = ts.length;
        return ValueType.NONE;
      }

      @Override
      public ValueType seek(long t) {
        if (i >= 0 && i < ts.length && ts[i] >= t) {
          return ValueType.FLOAT;
        }
        while (next() == ValueType.FLOAT) {
          if (ts[i] >= t) {
            return ValueType.FLOAT;
          }
        }
        return ValueType.NONE;
      }

      @Override
      public long atT() {
        return ts[i];
      }

      @Override
      public double atV() {
        return Double.longBitsToDouble(valueBits[i]);
      }
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TestSeries s
        && labels.equals(s.labels)
        && Arrays.equals(ts, s.ts)
        && Arrays.equals(valueBits, s.valueBits);
  }

  @Override
  public int hashCode() {
    return labels.hashCode() * 31 + Arrays.hashCode(ts);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(labels.toString()).append(" [");
    for (int i = 0; i < Math.min(ts.length, 5); i++) {
      sb.append(i > 0 ? ", " : "").append(ts[i]).append('=').append(value(i));
    }
    return sb.append(ts.length > 5 ? ", ... " + ts.length + " samples]" : "]").toString();
  }
}
