package io.jthanos.tsdb.storage;

/** Special float values of Prometheus. */
public final class Values {
  /** Bits of the staleness marker NaN. */
  public static final long STALE_NAN_BITS = 0x7ff0000000000002L;

  /** The staleness marker: a NaN that must survive encode/decode bit-exactly. */
  public static final double STALE_NAN = Double.longBitsToDouble(STALE_NAN_BITS);

  /** Bits of the NaN Prometheus produces itself. */
  public static final long NORMAL_NAN_BITS = 0x7ff8000000000001L;

  private Values() {}

  public static boolean isStaleNaN(double v) {
    return Double.doubleToRawLongBits(v) == STALE_NAN_BITS;
  }
}
