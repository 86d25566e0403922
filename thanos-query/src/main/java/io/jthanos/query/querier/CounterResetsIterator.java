package io.jthanos.query.querier;

import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.ValueType;
import java.util.List;

/**
 * Thanos' {@code ApplyCounterResets} over the counter aggregate of downsampled chunks: a running
 * total that treats a drop as a reset (adds the new value) and a rise as an increase; a sample
 * repeating the previous timestamp carries the true last raw value of a chunk and only updates the
 * reference value; samples going back in time are skipped; NaNs are dropped.
 */
final class CounterResetsIterator implements SampleIterator {
  private final List<SampleIterator> chunks;
  private int i;
  private boolean started;
  private long lastT;
  private double lastV;
  private double total;
  private boolean exhausted;

  CounterResetsIterator(List<SampleIterator> chunks) {
    this.chunks = chunks;
  }

  @Override
  public ValueType next() {
    while (i < chunks.size()) {
      SampleIterator c = chunks.get(i);
      if (c.next() == ValueType.NONE) {
        i++;
        continue;
      }
      long t = c.atT();
      double v = c.atV();
      if (Double.isNaN(v)) {
        continue;
      }
      if (!started) {
        started = true;
        total = v;
        lastT = t;
        lastV = v;
        return ValueType.FLOAT;
      }
      if (t > lastT) {
        total += v >= lastV ? v - lastV : v;
        lastT = t;
        lastV = v;
        return ValueType.FLOAT;
      }
      if (t == lastT) {
        lastV = v;
      }
    }
    exhausted = true;
    return ValueType.NONE;
  }

  @Override
  public ValueType seek(long t) {
    if (exhausted) {
      return ValueType.NONE;
    }
    if (started && lastT >= t) {
      return ValueType.FLOAT;
    }
    while (true) {
      ValueType vt = next();
      if (vt == ValueType.NONE || lastT >= t) {
        return vt;
      }
    }
  }

  @Override
  public long atT() {
    return lastT;
  }

  @Override
  public double atV() {
    return total;
  }
}
