package io.jthanos.tsdb.index;

/** Postings over a sorted long array. */
final class ListPostings implements Postings {
  private final long[] refs;
  private final int n;
  private int i = -1;

  ListPostings(long[] refs, int n) {
    this.refs = refs;
    this.n = n;
  }

  @Override
  public boolean next() {
    if (i + 1 < n) {
      i++;
      return true;
    }
    i = n;
    return false;
  }

  @Override
  public boolean seek(long v) {
    if (i >= n) {
      return false;
    }
    if (i >= 0 && refs[i] >= v) {
      return true;
    }
    int lo = i + 1;
    if (lo >= n) {
      i = n;
      return false;
    }
    if (refs[lo] >= v) {
      i = lo;
      return true;
    }
    // Gallop: refs[lo] < v.
    int step = 1;
    int hi = lo + 1;
    while (hi < n && refs[hi] < v) {
      lo = hi;
      step <<= 1;
      hi = lo + step;
    }
    if (hi > n) {
      hi = n;
    }
    // Smallest index in (lo, hi) with refs >= v, or hi when refs[hi-1] < v.
    int a = lo + 1;
    int b = hi;
    while (a < b) {
      int m = (a + b) >>> 1;
      if (refs[m] < v) {
        a = m + 1;
      } else {
        b = m;
      }
    }
    if (a >= n) {
      i = n;
      return false;
    }
    i = a;
    return true;
  }

  @Override
  public long at() {
    return refs[i];
  }
}
