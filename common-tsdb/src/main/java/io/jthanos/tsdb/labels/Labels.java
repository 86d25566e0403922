package io.jthanos.tsdb.labels;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import net.openhft.hashing.LongHashFunction;

/**
 * An immutable, canonical label set: names unique and sorted by byte order, as Prometheus keeps
 * them. Empty values are dropped on construction, because Prometheus treats a label with an empty
 * value as absent.
 *
 * <p>Storage is a flat {@code name,value,name,value,...} array; lookups are binary searches.
 */
public final class Labels implements Comparable<Labels> {

  /** The reserved name of the metric name label. */
  public static final String METRIC_NAME = "__name__";

  private static final Labels EMPTY = new Labels(new String[0]);
  private static final LongHashFunction XX = LongHashFunction.xx();
  private static final byte SEP = (byte) 0xff;

  private final String[] nv;
  private int hashCode; // cached Java hash, 0 = not computed

  private Labels(String[] nv) {
    this.nv = nv;
  }

  public static Labels empty() {
    return EMPTY;
  }

  /** Builds labels from alternating names and values; order does not matter, duplicates fail. */
  public static Labels of(String... nameValues) {
    if (nameValues.length % 2 != 0) {
      throw new IllegalArgumentException("odd number of name/value arguments");
    }
    LabelsBuilder b = new LabelsBuilder();
    for (int i = 0; i < nameValues.length; i += 2) {
      b.addUnique(nameValues[i], nameValues[i + 1]);
    }
    return b.build();
  }

  public static Labels fromMap(Map<String, String> map) {
    LabelsBuilder b = new LabelsBuilder();
    map.forEach(b::set);
    return b.build();
  }

  public static Labels fromList(Collection<Label> labels) {
    LabelsBuilder b = new LabelsBuilder();
    for (Label l : labels) {
      b.addUnique(l.name(), l.value());
    }
    return b.build();
  }

  /**
   * Wraps an array that is already sorted by name, free of duplicates and empty values. No copy is
   * made; the caller must not modify the array afterwards. Used by decoders on hot paths.
   */
  public static Labels fromSortedUnchecked(String[] nameValues) {
    return nameValues.length == 0 ? EMPTY : new Labels(nameValues);
  }

  /** Wraps a sorted array after checking that it is canonical. */
  public static Labels fromSorted(String[] nameValues) {
    if (nameValues.length % 2 != 0) {
      throw new IllegalArgumentException("odd number of name/value entries");
    }
    for (int i = 0; i < nameValues.length; i += 2) {
      if (nameValues[i] == null || nameValues[i + 1] == null) {
        throw new IllegalArgumentException("null label name or value");
      }
      if (i > 0 && compareStrings(nameValues[i - 2], nameValues[i]) >= 0) {
        return of(nameValues);
      }
      if (nameValues[i + 1].isEmpty()) {
        return of(nameValues);
      }
    }
    return fromSortedUnchecked(nameValues.clone());
  }

  public int size() {
    return nv.length / 2;
  }

  public boolean isEmpty() {
    return nv.length == 0;
  }

  public String name(int i) {
    return nv[2 * i];
  }

  public String value(int i) {
    return nv[2 * i + 1];
  }

  /** Returns the value of the label, or the empty string when absent (Prometheus semantics). */
  public String get(String name) {
    int i = indexOf(name);
    return i < 0 ? "" : nv[2 * i + 1];
  }

  public boolean has(String name) {
    return indexOf(name) >= 0;
  }

  /** Index of the label with that name, or a negative number when absent. */
  public int indexOf(String name) {
    int lo = 0;
    int hi = size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = compareStrings(nv[2 * mid], name);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -(lo + 1);
  }

  /** The metric name ({@code __name__}), or the empty string. */
  public String metricName() {
    return get(METRIC_NAME);
  }

  public Labels without(String... names) {
    return without(Set.of(names));
  }

  public Labels without(Set<String> names) {
    if (names.isEmpty()) {
      return this;
    }
    int keep = 0;
    for (int i = 0; i < nv.length; i += 2) {
      if (!names.contains(nv[i])) {
        keep++;
      }
    }
    if (keep == size()) {
      return this;
    }
    String[] out = new String[keep * 2];
    int j = 0;
    for (int i = 0; i < nv.length; i += 2) {
      if (!names.contains(nv[i])) {
        out[j++] = nv[i];
        out[j++] = nv[i + 1];
      }
    }
    return fromSortedUnchecked(out);
  }

  /** Keeps only the labels whose names are in the set. */
  public Labels keep(Set<String> names) {
    int keep = 0;
    for (int i = 0; i < nv.length; i += 2) {
      if (names.contains(nv[i])) {
        keep++;
      }
    }
    if (keep == size()) {
      return this;
    }
    String[] out = new String[keep * 2];
    int j = 0;
    for (int i = 0; i < nv.length; i += 2) {
      if (names.contains(nv[i])) {
        out[j++] = nv[i];
        out[j++] = nv[i + 1];
      }
    }
    return fromSortedUnchecked(out);
  }

  public Labels withoutMetricName() {
    return has(METRIC_NAME) ? without(Set.of(METRIC_NAME)) : this;
  }

  /** Returns a copy with the label set (or removed, when the value is empty). */
  public Labels with(String name, String value) {
    return toBuilder().set(name, value).build();
  }

  public LabelsBuilder toBuilder() {
    return new LabelsBuilder(this);
  }

  public void forEach(BiConsumer<String, String> action) {
    for (int i = 0; i < nv.length; i += 2) {
      action.accept(nv[i], nv[i + 1]);
    }
  }

  public Map<String, String> toMap() {
    Map<String, String> m = new TreeMap<>();
    forEach(m::put);
    return m;
  }

  public List<Label> toList() {
    List<Label> out = new ArrayList<>(size());
    for (int i = 0; i < nv.length; i += 2) {
      out.add(new Label(nv[i], nv[i + 1]));
    }
    return out;
  }

  /** A copy of the flat name/value array. */
  public String[] toArray() {
    return nv.clone();
  }

  /**
   * Prometheus {@code labels.Hash}: XXH64 over {@code name 0xff value 0xff ...} in sorted order.
   * Stable across processes and identical to Go's value.
   */
  public long hash() {
    int len = 0;
    for (String s : nv) {
      len += s.length() * 3 + 1;
    }
    byte[] buf = new byte[len];
    int pos = 0;
    for (String s : nv) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
      buf[pos++] = SEP;
    }
    return XX.hashBytes(buf, 0, pos);
  }

  /**
   * Prometheus {@code labels.Compare}: label by label, names first then values, byte order; a
   * prefix sorts first.
   */
  @Override
  public int compareTo(Labels o) {
    return compare(this, o);
  }

  public static int compare(Labels a, Labels b) {
    if (a == b) {
      return 0;
    }
    String[] x = a.nv;
    String[] y = b.nv;
    int n = Math.min(x.length, y.length);
    for (int i = 0; i < n; i++) {
      int c = compareStrings(x[i], y[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(x.length, y.length);
  }

  /**
   * Compares two strings by UTF-8 byte order, as Go does. Java's {@link String#compareTo} compares
   * UTF-16 units, which differs only for supplementary characters versus U+E000..U+FFFF.
   */
  public static int compareStrings(String a, String b) {
    // Most comparisons in merges and index checks are between equal names and values: equals is
    // an intrinsic (vectorised, length checked first), the loop below only runs on a difference.
    if (a.equals(b)) {
      return 0;
    }
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char ca = a.charAt(i);
      char cb = b.charAt(i);
      if (ca != cb) {
        boolean sa = Character.isSurrogate(ca);
        boolean sb = Character.isSurrogate(cb);
        if (sa != sb) {
          // A surrogate (code point >= U+10000) sorts after any BMP char in UTF-8 byte order.
          return sa ? 1 : -1;
        }
        return Character.compare(ca, cb);
      }
    }
    return Integer.compare(a.length(), b.length());
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Labels other)) {
      return false;
    }
    return Arrays.equals(nv, other.nv);
  }

  @Override
  public int hashCode() {
    int h = hashCode;
    if (h == 0) {
      h = Arrays.hashCode(nv);
      if (h == 0) {
        h = 1;
      }
      hashCode = h;
    }
    return h;
  }

  /** Prometheus text form, e.g. {@code {__name__="up", job="api"}}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < nv.length; i += 2) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(nv[i]).append('=');
      quote(sb, nv[i + 1]);
    }
    return sb.append('}').toString();
  }

  static void quote(StringBuilder sb, String v) {
    sb.append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> sb.append(c);
      }
    }
    sb.append('"');
  }
}
