package io.jthanos.block.downsample;

import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.ValueType;
import java.util.List;

/**
 * Turns the counter aggregates of consecutive chunks (or raw counter chunks) into one monotonic
 * series, as Thanos' {@code ApplyCounterResetsSeriesIterator}: the first sample sets the total;
 * each later sample with a larger timestamp adds {@code v - last} when {@code v >= last}, else
 * {@code v} (a reset); a sample repeating the previous timestamp is a chunk's true last raw value
 * and only updates {@code last}, so resets between chunks are detected; samples going back in time
 * (overlapping chunks) are skipped; NaN is dropped.
 *
 * <p>Rates and increases over the result are those of the raw series. It hides resets, so PromQL's
 * {@code resets()} over it is meaningless (as in Thanos).
 */
public final class CounterResetsIterator implements SampleIterator {
  private final List<SampleIterator> chunks;
  private int i;
  private long total;
  private long lastT;
  private double lastV;
  private double totalV;
  private boolean done;

  public CounterResetsIterator(List<SampleIterator> chunks) {
    this.chunks = chunks;
  }

  @Override
  public ValueType next() {
    if (done) {
      return ValueType.NONE;
    }
    while (i < chunks.size()) {
      SampleIterator c = chunks.get(i);
      ValueType vt = c.next();
      if (vt == ValueType.NONE) {
        i++;
        continue;
      }
      if (vt != ValueType.FLOAT) {
        throw new UnsupportedOperationException("counter resets over " + vt + " samples");
      }
      long t = c.atT();
      double v = c.atV();
      if (Double.isNaN(v)) {
        continue;
      }
      if (total == 0) {
        total++;
        lastT = t;
        lastV = v;
        totalV = v;
        return ValueType.FLOAT;
      }
      if (t > lastT) {
        totalV += v >= lastV ? v - lastV : v;
        lastT = t;
        lastV = v;
        total++;
        return ValueType.FLOAT;
      }
      if (t == lastT) {
        lastV = v;
      }
    }
    done = true;
    return ValueType.NONE;
  }

  @Override
  public ValueType seek(long t) {
    // Never skip through the inputs: every sample matters for reset detection.
    if (total > 0 && lastT >= t && !done) {
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

  /** The running total. */
  @Override
  public double atV() {
    return totalV;
  }

  /** The last raw value seen (after exhaustion: the series' true last raw value). */
  public double lastRawValue() {
    return lastV;
  }
}
