package io.jthanos.block.downsample;

/**
 * The aggregates of a downsampled chunk, in their fixed order inside the 0xFF chunk (Thanos' {@code
 * AggrType}).
 */
public enum AggrType {
  COUNT,
  SUM,
  MIN,
  MAX,
  COUNTER;

  private static final AggrType[] ALL = values();

  /** By position (0..4). */
  public static AggrType of(int ordinal) {
    return ALL[ordinal];
  }

  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
