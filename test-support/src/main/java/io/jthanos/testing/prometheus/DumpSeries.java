package io.jthanos.testing.prometheus;

import java.util.Arrays;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One series as printed by {@code promtool tsdb dump}: labels and samples in time order. Values are
 * compared by bits, except that every NaN equals every NaN (the dump prints all NaNs as "NaN").
 */
public record DumpSeries(SortedMap<String, String> labels, long[] timestamps, double[] values) {
  public DumpSeries {
    labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
  }

  public int size() {
    return timestamps.length;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DumpSeries d)
        || !labels.equals(d.labels)
        || !Arrays.equals(timestamps, d.timestamps)) {
      return false;
    }
    if (values.length != d.values.length) {
      return false;
    }
    for (int i = 0; i < values.length; i++) {
      double a = values[i];
      double b = d.values[i];
      if (!(Double.isNaN(a) && Double.isNaN(b))
          && Double.doubleToLongBits(a) != Double.doubleToLongBits(b)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return labels.hashCode() * 31 + Arrays.hashCode(timestamps);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(labels.toString()).append(" [");
    for (int i = 0; i < Math.min(timestamps.length, 4); i++) {
      sb.append(i > 0 ? ", " : "").append(timestamps[i]).append('=').append(values[i]);
    }
    return sb.append(timestamps.length > 4 ? ", ... " + timestamps.length + " samples]" : "]")
        .toString();
  }
}
