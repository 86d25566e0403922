package io.jthanos.query.dedup;

import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.ValueType;

/**
 * Prometheus' chained merge of two replicas: every timestamp present in either, in order; on equal
 * timestamps the first replica's sample wins.
 */
final class ChainIterator extends AdjustableIterator {
  private final SampleIterator a;
  private final SampleIterator b;
  private ValueType aval;
  private ValueType bval;
  private boolean started;
  private boolean useA;
  private long curT = Long.MIN_VALUE;

  ChainIterator(SampleIterator a, SampleIterator b) {
    super(SampleIterator.empty());
    this.a = a;
    this.b = b;
  }

  @Override
  void adjust(double lastValue) {}

  @Override
  public ValueType next() {
    if (!started) {
      started = true;
      aval = a.next();
      bval = b.next();
    } else {
      if (aval != ValueType.NONE && a.atT() <= curT) {
        aval = a.next();
      }
      if (bval != ValueType.NONE && b.atT() <= curT) {
        bval = b.next();
      }
    }
    return pick();
  }

  private ValueType pick() {
    if (aval == ValueType.NONE && bval == ValueType.NONE) {
      return ValueType.NONE;
    }
    if (bval == ValueType.NONE) {
      useA = true;
    } else if (aval == ValueType.NONE) {
      useA = false;
    } else {
      useA = a.atT() <= b.atT();
    }
    curT = useA ? a.atT() : b.atT();
    return useA ? aval : bval;
  }

  @Override
  public ValueType seek(long t) {
    if (started && curT >= t && (useA ? aval : bval) != ValueType.NONE) {
      return useA ? aval : bval;
    }
    started = true;
    aval = a.seek(t);
    bval = b.seek(t);
    return pick();
  }

  @Override
  public long atT() {
    return useA ? a.atT() : b.atT();
  }

  @Override
  public double atV() {
    return useA ? a.atV() : b.atV();
  }
}
