package io.jthanos.tsdb.index;

import java.util.List;

/**
 * Eager set operations on postings lists that are fully available as arrays (lists read from the
 * index, or results of earlier operations): bulk-decoded into int arrays and combined in tight
 * loops, which is several times faster than leapfrogging iterators on big lists. Refs are uint32
 * compared unsigned (flipping the sign bit makes signed compares unsigned).
 */
final class PostingsArrays {
  private PostingsArrays() {}

  /** The list as an int array when it can be had in bulk (unstarted index or array postings). */
  static int[] bulk(Postings p) {
    if (p instanceof BigEndianPostings b && b.unstarted()) {
      return b.toIntArray();
    }
    if (p instanceof IntArrayPostings a && a.unstarted()) {
      return a.size() == a.array().length
          ? a.array()
          : java.util.Arrays.copyOf(a.array(), a.size());
    }
    return null;
  }

  static boolean allBulk(List<Postings> ps) {
    for (Postings p : ps) {
      if (!(p instanceof BigEndianPostings b && b.unstarted())
          && !(p instanceof IntArrayPostings a && a.unstarted())) {
        return false;
      }
    }
    return true;
  }

  static Postings intersect(List<Postings> ps) {
    int[][] lists = new int[ps.size()][];
    for (int i = 0; i < lists.length; i++) {
      lists[i] = bulk(ps.get(i));
    }
    // Smallest first: the running result only shrinks.
    java.util.Arrays.sort(lists, (x, y) -> Integer.compare(x.length, y.length));
    int[] acc = lists[0];
    int n = acc.length;
    for (int k = 1; k < lists.length && n > 0; k++) {
      int[] out = new int[n + 1]; // one spare slot for the branch-free store
      n = intersect(acc, n, lists[k], out);
      acc = out;
    }
    return n == 0 ? Postings.empty() : new IntArrayPostings(acc, n);
  }

  /**
   * Intersects a[0..na) with b into out (capacity min(na, nb) + 1); returns the count. Dense,
   * overlapping lists go through a bitset (independent memory accesses instead of a dependent merge
   * chain); a much longer b is galloped through; otherwise a branch-free merge.
   */
  static int intersect(int[] a, int na, int[] b, int[] out) {
    int nb = b.length;
    if (na == 0 || nb == 0) {
      return 0;
    }
    long first = Math.max(a[0] & 0xffffffffL, b[0] & 0xffffffffL);
    long last = Math.min(a[na - 1] & 0xffffffffL, b[nb - 1] & 0xffffffffL);
    if (last < first) {
      return 0;
    }
    long words = ((last - first) >>> 6) + 1;
    if (nb <= 8 * na && na >= 1024 && words <= 2L * (na + nb)) {
      return intersectBitset(a, na, b, nb, first, last, out);
    }
    int i = 0;
    int j = 0;
    int o = 0;
    if (nb > 8 * na) {
      // Few probes into a long list: exponential search for each element of a.
      for (; i < na && j < nb; i++) {
        int key = a[i] ^ Integer.MIN_VALUE;
        int step = 1;
        int hi = j;
        while (hi < nb && (b[hi] ^ Integer.MIN_VALUE) < key) {
          j = hi + 1;
          hi += step;
          step <<= 1;
        }
        if (hi > nb) {
          hi = nb;
        }
        while (j < hi) {
          int m = (j + hi) >>> 1;
          if ((b[m] ^ Integer.MIN_VALUE) < key) {
            j = m + 1;
          } else {
            hi = m;
          }
        }
        if (j < nb && b[j] == a[i]) {
          out[o++] = a[i];
          j++;
        }
      }
      return o;
    }
    // Branch-free merge step: interleaved random lists would mispredict every other branch.
    while (i < na && j < nb) {
      int ai = a[i];
      int x = ai ^ Integer.MIN_VALUE;
      int y = b[j] ^ Integer.MIN_VALUE;
      out[o] = ai;
      o += x == y ? 1 : 0;
      i += x <= y ? 1 : 0;
      j += x >= y ? 1 : 0;
    }
    return o;
  }

  private static int intersectBitset(
      int[] a, int na, int[] b, int nb, long lo, long hi, int[] out) {
    long span = hi - lo;
    long[] bits = new long[(int) (span >>> 6) + 1];
    for (int i = 0; i < na; i++) {
      long d = (a[i] & 0xffffffffL) - lo;
      if (d >= 0 && d <= span) {
        bits[(int) (d >>> 6)] |= 1L << d;
      }
    }
    int o = 0;
    for (int j = 0; j < nb; j++) {
      int v = b[j];
      long d = (v & 0xffffffffL) - lo;
      if (d >= 0 && d <= span) {
        out[o] = v;
        o += (int) ((bits[(int) (d >>> 6)] >>> d) & 1);
      }
    }
    return o;
  }

  static Postings merge(List<Postings> ps) {
    int[][] lists = new int[ps.size()][];
    for (int i = 0; i < lists.length; i++) {
      lists[i] = bulk(ps.get(i));
    }
    int[] r = mergeRange(lists, 0, lists.length);
    return r.length == 0 ? Postings.empty() : new IntArrayPostings(r, r.length);
  }

  private static int[] mergeRange(int[][] lists, int lo, int hi) {
    if (hi - lo == 1) {
      return lists[lo];
    }
    int mid = (lo + hi) >>> 1;
    int[] a = mergeRange(lists, lo, mid);
    int[] b = mergeRange(lists, mid, hi);
    int[] out = new int[a.length + b.length];
    int i = 0;
    int j = 0;
    int o = 0;
    while (i < a.length && j < b.length) {
      int ai = a[i];
      int bj = b[j];
      int x = ai ^ Integer.MIN_VALUE;
      int y = bj ^ Integer.MIN_VALUE;
      out[o++] = x <= y ? ai : bj;
      i += x <= y ? 1 : 0;
      j += y <= x ? 1 : 0;
    }
    while (i < a.length) {
      out[o++] = a[i++];
    }
    while (j < b.length) {
      out[o++] = b[j++];
    }
    return o == out.length ? out : java.util.Arrays.copyOf(out, o);
  }
}
