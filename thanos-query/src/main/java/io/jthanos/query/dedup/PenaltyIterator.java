package io.jthanos.query.dedup;

import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.ValueType;

/**
 * Merges two replicas of one series with Thanos' penalty algorithm. Each step advances both
 * replicas past the last emitted timestamp plus a per-replica penalty and emits the earlier sample.
 * The replica not chosen is penalised by twice the distance from the previous emitted sample (5 s
 * before any sample was emitted), so once the merge follows one replica, the other only contributes
 * across gaps longer than about two of the followed replica's intervals: gaps are filled without
 * doubling the sample rate by interleaving two scrape phases.
 *
 * <p>{@link #seek} walks with {@link #next} instead of seeking the replicas, so a gap that a seek
 * would jump over still lets the other replica fill it.
 */
final class PenaltyIterator extends AdjustableIterator {
  /** Penalty while no sample was emitted yet: timestamps are ms, scrape intervals seconds. */
  static final long INITIAL_PENALTY = 5000;

  private final AdjustableIterator a;
  private final AdjustableIterator b;
  private ValueType aval;
  private ValueType bval;
  private long lastT = Long.MIN_VALUE;
  private long penA;
  private long penB;
  private boolean useA = true;
  private boolean started;

  PenaltyIterator(AdjustableIterator a, AdjustableIterator b) {
    super(SampleIterator.empty());
    this.a = a;
    this.b = b;
  }

  private void start() {
    started = true;
    aval = a.next();
    bval = b.next();
  }

  @Override
  public ValueType next() {
    if (!started) {
      start();
    }
    boolean lastUseA = useA;
    boolean haveLast = (useA ? aval : bval) == ValueType.FLOAT;
    double lastV = haveLast ? (useA ? a.atV() : b.atV()) : 0;

    if (aval != ValueType.NONE) {
      aval = a.seek(lastT + 1 + penA);
    }
    if (bval != ValueType.NONE) {
      bval = b.seek(lastT + 1 + penB);
    }
    ValueType out;
    if (aval == ValueType.NONE) {
      useA = false;
      if (bval != ValueType.NONE) {
        lastT = b.atT();
        penB = 0;
      }
      out = bval;
    } else if (bval == ValueType.NONE) {
      useA = true;
      lastT = a.atT();
      penA = 0;
      out = aval;
    } else {
      long ta = a.atT();
      long tb = b.atT();
      useA = ta <= tb;
      if (useA) {
        penB = lastT != Long.MIN_VALUE ? 2 * (ta - lastT) : INITIAL_PENALTY;
        penA = 0;
        lastT = ta;
        out = aval;
      } else {
        penA = lastT != Long.MIN_VALUE ? 2 * (tb - lastT) : INITIAL_PENALTY;
        penB = 0;
        lastT = tb;
        out = bval;
      }
    }
    if (useA != lastUseA && haveLast) {
      adjust(lastV);
    }
    return out;
  }

  @Override
  void adjust(double lastValue) {
    if (aval == ValueType.FLOAT) {
      a.adjust(lastValue);
    }
    if (bval == ValueType.FLOAT) {
      b.adjust(lastValue);
    }
  }

  @Override
  public ValueType seek(long t) {
    if (!started || lastT == Long.MIN_VALUE) {
      if (next() == ValueType.NONE) {
        return ValueType.NONE;
      }
    } else if ((useA ? aval : bval) == ValueType.NONE) {
      return ValueType.NONE;
    }
    while (atT() < t) {
      if (next() == ValueType.NONE) {
        return ValueType.NONE;
      }
    }
    return useA ? aval : bval;
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
