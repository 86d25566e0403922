package io.jthanos.tsdb.tombstones;

import java.util.ArrayList;
import java.util.List;

/**
 * An immutable, sorted set of disjoint closed intervals. Adding merges intervals that overlap or
 * touch (timestamps are discrete, so [1,2] and [3,4] become [1,4]), as Prometheus does.
 */
public final class Intervals {
  private static final Intervals EMPTY = new Intervals(List.of());
  private final List<Interval> list;

  private Intervals(List<Interval> list) {
    this.list = list;
  }

  public static Intervals empty() {
    return EMPTY;
  }

  public static Intervals of(Interval... in) {
    Intervals r = EMPTY;
    for (Interval i : in) {
      r = r.add(i);
    }
    return r;
  }

  public List<Interval> list() {
    return list;
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }

  public int size() {
    return list.size();
  }

  /** A new set with {@code n} merged in. */
  public Intervals add(Interval n) {
    List<Interval> out = new ArrayList<>(list.size() + 1);
    long mint = n.minTime();
    long maxt = n.maxTime();
    boolean placed = false;
    for (Interval i : list) {
      // Disjoint and not adjacent: before or after n.
      boolean before = i.maxTime() != Long.MAX_VALUE && i.maxTime() + 1 < mint;
      boolean after = i.minTime() != Long.MIN_VALUE && i.minTime() - 1 > maxt;
      if (before) {
        out.add(i);
      } else if (after) {
        if (!placed) {
          out.add(new Interval(mint, maxt));
          placed = true;
        }
        out.add(i);
      } else {
        mint = Math.min(mint, i.minTime());
        maxt = Math.max(maxt, i.maxTime());
      }
    }
    if (!placed) {
      out.add(new Interval(mint, maxt));
    }
    return new Intervals(List.copyOf(out));
  }

  /** Whether {@code t} falls in one of the intervals. */
  public boolean contains(long t) {
    for (Interval i : list) {
      if (t < i.minTime()) {
        return false;
      }
      if (t <= i.maxTime()) {
        return true;
      }
    }
    return false;
  }

  /** Whether any interval overlaps [mint, maxt]. */
  public boolean overlaps(long mint, long maxt) {
    for (Interval i : list) {
      if (i.overlaps(mint, maxt)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Intervals other && list.equals(other.list);
  }

  @Override
  public int hashCode() {
    return list.hashCode();
  }

  @Override
  public String toString() {
    return list.toString();
  }
}
