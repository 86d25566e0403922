package io.jthanos.tsdb.util;

import java.util.Arrays;

/** A growable list of primitive ints. Not thread-safe. */
public final class IntList {
  private int[] a;
  private int size;

  public IntList() {
    this(16);
  }

  public IntList(int capacity) {
    a = new int[Math.max(4, capacity)];
  }

  public void add(int v) {
    if (size == a.length) {
      a = Arrays.copyOf(a, a.length + (a.length >> 1) + 16);
    }
    a[size++] = v;
  }

  public int get(int i) {
    if (i >= size) {
      throw new IndexOutOfBoundsException(i + " >= " + size);
    }
    return a[i];
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
  public int[] array() {
    return a;
  }

  public int[] toArray() {
    return Arrays.copyOf(a, size);
  }
}
