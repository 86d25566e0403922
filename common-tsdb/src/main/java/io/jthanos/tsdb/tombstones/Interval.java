package io.jthanos.tsdb.tombstones;

/** A closed time range [minTime, maxTime] in ms of deleted samples. */
public record Interval(long minTime, long maxTime) {
  public Interval {
    if (maxTime < minTime) {
      throw new IllegalArgumentException("interval maxTime " + maxTime + " < minTime " + minTime);
    }
  }

  public boolean contains(long t) {
    return t >= minTime && t <= maxTime;
  }

  /** Whether this interval lies entirely within one of the given intervals. */
  public boolean isSubrangeOf(Intervals in) {
    for (Interval i : in.list()) {
      if (minTime >= i.minTime && maxTime <= i.maxTime) {
        return true;
      }
    }
    return false;
  }

  public boolean overlaps(long mint, long maxt) {
    return minTime <= maxt && mint <= maxTime;
  }
}
