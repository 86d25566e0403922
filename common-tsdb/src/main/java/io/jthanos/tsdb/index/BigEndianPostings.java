package io.jthanos.tsdb.index;

import java.nio.ByteBuffer;

/** Postings over big-endian uint32 refs in a buffer, as stored in the index (no copy). */
final class BigEndianPostings implements Postings {
  private final ByteBuffer b;
  private final int n;
  private int i = -1;
  private long cur;

  BigEndianPostings(ByteBuffer b, int n) {
    this.b = b;
    this.n = n;
  }

  boolean unstarted() {
    return i == -1;
  }

  /** All refs as ints (uint32 bit patterns), decoded in bulk. */
  int[] toIntArray() {
    int[] out = new int[n];
    b.asIntBuffer().get(0, out, 0, n);
    return out;
  }

  private long get(int idx) {
    return b.getInt(idx << 2) & 0xffffffffL;
  }

  @Override
  public boolean next() {
    if (i + 1 < n) {
      i++;
      cur = get(i);
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
    if (i >= 0 && cur >= v) {
      return true;
    }
    int lo = i + 1;
    if (lo >= n) {
      i = n;
      return false;
    }
    long x = get(lo);
    if (x >= v) {
      i = lo;
      cur = x;
      return true;
    }
    int step = 1;
    int hi = lo + 1;
    while (hi < n && get(hi) < v) {
      lo = hi;
      step <<= 1;
      hi = lo + step;
    }
    if (hi > n) {
      hi = n;
    }
    int a = lo + 1;
    int c = hi;
    while (a < c) {
      int m = (a + c) >>> 1;
      if (get(m) < v) {
        a = m + 1;
      } else {
        c = m;
      }
    }
    if (a >= n) {
      i = n;
      return false;
    }
    i = a;
    cur = get(a);
    return true;
  }

  @Override
  public long at() {
    return cur;
  }
}
