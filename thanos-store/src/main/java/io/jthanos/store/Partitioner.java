package io.jthanos.store;

import java.util.ArrayList;
import java.util.List;

/**
 * Coalesces nearby byte ranges of one object into fewer range reads (Thanos' gap-based
 * partitioner): ranges sorted by start are merged while the gap to the next one is at most {@code
 * maxGap} bytes, so fetching a few bytes too many replaces a round trip.
 */
public final class Partitioner {
  /** Thanos' default maximum gap: 512 KiB. */
  public static final long DEFAULT_MAX_GAP = 512 * 1024;

  private final long maxGap;

  public Partitioner(long maxGap) {
    if (maxGap < 0) {
      throw new IllegalArgumentException("max gap must not be negative");
    }
    this.maxGap = maxGap;
  }

  /** A coalesced read {@code [start, end)} covering the input ranges {@code [from, to)}. */
  public record Part(long start, long end, int from, int to) {
    public long length() {
      return end - start;
    }
  }

  /**
   * Partitions ranges given as parallel arrays {@code starts[i]..ends[i]}, sorted by start.
   *
   * @return parts in order; each input range lies in exactly one part
   */
  public List<Part> partition(long[] starts, long[] ends, int n) {
    List<Part> parts = new ArrayList<>();
    int i = 0;
    while (i < n) {
      long s = starts[i];
      long e = ends[i];
      int from = i;
      i++;
      while (i < n && starts[i] - e <= maxGap) {
        if (starts[i] < s) {
          throw new IllegalArgumentException("ranges not sorted by start");
        }
        e = Math.max(e, ends[i]);
        i++;
      }
      parts.add(new Part(s, e, from, i));
    }
    return parts;
  }
}
