package io.jthanos.tsdb.util;

import java.util.Arrays;

/** A growable list of primitive longs. Not thread-safe. */
public final class LongList {
  private long[] a;
  private int size;

  public LongList() {
    this(16);
  }

  public LongList(int capacity) {
    a = new long[Math.max(4, capacity)];
  }

  public void add(long v) {
    if (size == a.length) {
      a = Arrays.copyOf(a, a.length + (a.length >> 1) + 16);
    }
    a[size++] = v;
  }

  public long get(int i) {
    if (i >= size) {
      throw new IndexOutOfBoundsException(i + " >= " + size);
    }
    return a[i];
  }

  public void set(int i, long v) {
    if (i >= size) {
      throw new IndexOutOfBoundsException(i + " >= " + size);
    }
    a[i] = v;
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public void clear() {
    size = 0;
  }

  /** The backing array; valid elements are {@code [0, size())}. */
  public long[] array() {
    return a;
  }

  public long[] toArray() {
    return Arrays.copyOf(a, size);
  }
}
