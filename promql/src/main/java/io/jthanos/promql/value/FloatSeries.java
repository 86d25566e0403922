package io.jthanos.promql.value;

import io.jthanos.tsdb.labels.Labels;
import java.util.Arrays;

/** One series of a matrix: parallel arrays of timestamps (ms, ascending) and values. */
public record FloatSeries(Labels labels, long[] timestamps, double[] values) {
  public FloatSeries {
    if (timestamps.length != values.length) {
      throw new IllegalArgumentException("timestamps and values differ in length");
    }
  }

  public int size() {
    return timestamps.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatSeries f
        && labels.equals(f.labels)
        && Arrays.equals(timestamps, f.timestamps)
        && Arrays.equals(values, f.values);
  }

  @Override
  public int hashCode() {
    return labels.hashCode() * 31 + Arrays.hashCode(timestamps);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(labels.toString()).append(" =>");
    for (int i = 0; i < timestamps.length; i++) {
      sb.append(' ').append(values[i]).append(" @").append(timestamps[i]);
    }
    return sb.toString();
  }
}
