package io.jthanos.benchmarks.e2e;

import java.util.List;
import java.util.Locale;

/**
 * The harness' dataset sizes: the generator's fleet mix at a given series count, length and scrape
 * interval, and the query ranges that make sense over it (each range ends at the end of the data).
 *
 * @param series approximate series alive at any time
 * @param days length of the data
 * @param intervalMs scrape interval
 * @param rangesHours the query ranges, shortest first
 */
public record DatasetSize(
    String name, int series, int days, long intervalMs, List<Integer> rangesHours) {

  /** For the harness' own test: two days, ranges 6h and 1d. */
  public static final DatasetSize TINY = new DatasetSize("tiny", 300, 2, 30_000, List.of(6, 24));

  /** Eight days (four 2d blocks with 5m copies in the compacted layout), ranges 1d and 7d. */
  public static final DatasetSize SMALL =
      new DatasetSize("small", 1000, 8, 30_000, List.of(24, 7 * 24));

  /** Thirty days (a 14d block with 5m and 1h copies, then 2d blocks), ranges 1d, 7d and 30d. */
  public static final DatasetSize MEDIUM =
      new DatasetSize("medium", 2000, 30, 30_000, List.of(24, 7 * 24, 30 * 24));

  public DatasetSize {
    rangesHours = List.copyOf(rangesHours);
    for (int h : rangesHours) {
      if (h > days * 24) {
        throw new IllegalArgumentException(
            "range " + h + "h exceeds the " + days + "d of data of size " + name);
      }
    }
  }

  public static DatasetSize parse(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "tiny" -> TINY;
      case "small" -> SMALL;
      case "medium" -> MEDIUM;
      default ->
          throw new IllegalArgumentException(
              "unknown size \"" + s + "\" (valid: tiny, small, medium)");
    };
  }

  /** "6h", "1d", "7d". */
  public static String rangeLabel(int hours) {
    return hours % 24 == 0 ? hours / 24 + "d" : hours + "h";
  }
}
