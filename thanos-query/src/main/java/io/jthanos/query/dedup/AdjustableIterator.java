package io.jthanos.query.dedup;

import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.ValueType;

/**
 * A replica's iterator inside the penalty merge. When the merge switches to this replica, {@link
 * #adjust} is told the last value emitted; the counter variant then keeps an additive correction so
 * a counter never appears to go down across a switch (a switch to a replica that missed part of the
 * increase would otherwise look like a counter reset).
 */
abstract class AdjustableIterator implements SampleIterator {
  final SampleIterator it;

  AdjustableIterator(SampleIterator it) {
    this.it = it;
  }

  static AdjustableIterator of(SampleIterator it, boolean counter) {
    if (it instanceof AdjustableIterator a) {
      return a;
    }
    return counter ? new Counter(it) : new Plain(it);
  }

  /** Called after a switch to this replica with the value emitted just before the switch. */
  abstract void adjust(double lastValue);

  @Override
  public ValueType next() {
    return it.next();
  }

  @Override
  public ValueType seek(long t) {
    return it.seek(t);
  }

  @Override
  public long atT() {
    return it.atT();
  }

  @Override
  public double atV() {
    return it.atV();
  }

  static final class Plain extends AdjustableIterator {
    Plain(SampleIterator it) {
      super(it);
    }

    @Override
    void adjust(double lastValue) {}
  }

  static final class Counter extends AdjustableIterator {
    private double correction;

    Counter(SampleIterator it) {
      super(it);
    }

    @Override
    void adjust(double lastValue) {
      double v = it.atV() + correction;
      if (lastValue > v) {
        correction += lastValue - v;
      }
    }

    @Override
    public double atV() {
      return it.atV() + correction;
    }
  }
}
