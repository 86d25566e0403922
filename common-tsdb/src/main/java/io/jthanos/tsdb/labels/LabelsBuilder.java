package io.jthanos.tsdb.labels;

import java.util.Arrays;

/** Mutable builder for {@link Labels}; not thread-safe. Setting an empty value removes a label. */
public final class LabelsBuilder {
  private String[] nv;
  private int n; // number of entries (name,value pairs) in use

  public LabelsBuilder() {
    this.nv = new String[16];
  }

  public LabelsBuilder(Labels base) {
    String[] a = base.toArray();
    this.nv = a.length == 0 ? new String[16] : Arrays.copyOf(a, Math.max(16, a.length * 2));
    this.n = a.length / 2;
  }

  private int find(String name) {
    for (int i = 0; i < n; i++) {
      if (nv[2 * i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** Sets (or replaces) a label; an empty value deletes it. */
  public LabelsBuilder set(String name, String value) {
    if (name == null || value == null) {
      throw new IllegalArgumentException("label name and value must not be null");
    }
    int i = find(name);
    if (value.isEmpty()) {
      if (i >= 0) {
        remove(i);
      }
      return this;
    }
    if (i >= 0) {
      nv[2 * i + 1] = value;
    } else {
      append(name, value);
    }
    return this;
  }

  /** Adds a label, failing when the name is already present with a non-empty value. */
  LabelsBuilder addUnique(String name, String value) {
    if (name == null || value == null) {
      throw new IllegalArgumentException("label name and value must not be null");
    }
    if (find(name) >= 0) {
      throw new IllegalArgumentException("duplicate label name: " + name);
    }
    if (!value.isEmpty()) {
      append(name, value);
    }
    return this;
  }

  public LabelsBuilder delete(String... names) {
    for (String name : names) {
      int i = find(name);
      if (i >= 0) {
        remove(i);
      }
    }
    return this;
  }

  public String get(String name) {
    int i = find(name);
    return i < 0 ? "" : nv[2 * i + 1];
  }

  public LabelsBuilder reset(Labels base) {
    String[] a = base.toArray();
    if (nv.length < a.length) {
      nv = new String[a.length * 2];
    }
    System.arraycopy(a, 0, nv, 0, a.length);
    n = a.length / 2;
    return this;
  }

  private void append(String name, String value) {
    if (2 * n + 2 > nv.length) {
      nv = Arrays.copyOf(nv, nv.length * 2);
    }
    nv[2 * n] = name;
    nv[2 * n + 1] = value;
    n++;
  }

  private void remove(int i) {
    System.arraycopy(nv, 2 * i + 2, nv, 2 * i, 2 * (n - i - 1));
    n--;
    nv[2 * n] = null;
    nv[2 * n + 1] = null;
  }

  public Labels build() {
    if (n == 0) {
      return Labels.empty();
    }
    // Insertion sort by name on pairs: label sets are small.
    String[] out = Arrays.copyOf(nv, 2 * n);
    for (int i = 1; i < n; i++) {
      String kn = out[2 * i];
      String kv = out[2 * i + 1];
      int j = i - 1;
      while (j >= 0 && Labels.compareStrings(out[2 * j], kn) > 0) {
        out[2 * j + 2] = out[2 * j];
        out[2 * j + 3] = out[2 * j + 1];
        j--;
      }
      out[2 * j + 2] = kn;
      out[2 * j + 3] = kv;
    }
    return Labels.fromSortedUnchecked(out);
  }
}
