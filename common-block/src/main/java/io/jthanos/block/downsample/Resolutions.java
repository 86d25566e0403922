package io.jthanos.block.downsample;

/** Thanos' downsampling resolutions (ms) and the block ranges that trigger them. */
public final class Resolutions {
  /** Raw data. */
  public static final long RAW = 0;

  /** 5 minutes. */
  public static final long RES_5M = 5 * 60 * 1000L;

  /** 1 hour. */
  public static final long RES_1H = 60 * 60 * 1000L;

  /** A raw block is downsampled to 5m once its range (maxTime - minTime) reaches 40h. */
  public static final long DOWNSAMPLE_RANGE_5M = 40 * 60 * 60 * 1000L;

  /** A 5m block is downsampled to 1h once its range reaches 10 days. */
  public static final long DOWNSAMPLE_RANGE_1H = 10 * 24 * 60 * 60 * 1000L;

  private Resolutions() {}

  /** The next coarser resolution, or -1 for 1h. */
  public static long next(long resolution) {
    if (resolution == RAW) {
      return RES_5M;
    }
    if (resolution == RES_5M) {
      return RES_1H;
    }
    return -1;
  }
}
