package io.jthanos.block.generator;

import java.util.Locale;

/** Which blocks the generator writes. */
public enum Layout {
  /** 2h blocks, as sidecars upload them. */
  RAW,
  /**
   * What a compactor leaves behind: 14d blocks (with 5m and 1h downsampled copies) for complete 14d
   * ranges, 2d blocks (with 5m copies) for complete 2d ranges, 2h blocks for the rest.
   */
  COMPACTED;

  public static Layout parse(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "raw" -> RAW;
      case "compacted" -> COMPACTED;
      default ->
          throw new IllegalArgumentException(
              "unknown layout \"" + s + "\" (valid: raw, compacted)");
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
