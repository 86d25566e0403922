package io.jthanos.tsdb.index;

/**
 * Postings over a sorted array of uint32 refs (stored as ints, compared unsigned). Produced by the
 * eager set operations on lists read from the index.
 */
final class IntArrayPostings implements Postings {
  private final int[] refs; // sorted as unsigned
  private final int n;
  private int i = -1;

  IntArrayPostings(int[] refs, int n) {
    this.refs = refs;
    this.n = n;
  }

  int[] array() {
    return refs;
  }

  int size() {
    return n;
  }

  boolean unstarted() {
    return i == -1;
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
    if (i >= 0 && (refs[i] & 0xffffffffL) >= v) {
      return true;
    }
    if (v > 0xffffffffL) {
      i = n;
      return false;
    }
    int key = (int) v ^ Integer.MIN_VALUE;
    int lo = i + 1;
    int step = 1;
    int hi = lo;
    while (hi < n && (refs[hi] ^ Integer.MIN_VALUE) < key) {
      lo = hi + 1;
      hi += step;
      step <<= 1;
    }
    if (hi > n) {
      hi = n;
    }
    while (lo < hi) {
      int m = (lo + hi) >>> 1;
      if ((refs[m] ^ Integer.MIN_VALUE) < key) {
        lo = m + 1;
      } else {
        hi = m;
      }
    }
    i = lo;
    return lo < n;
  }

  @Override
  public long at() {
    return refs[i] & 0xffffffffL;
  }
}
