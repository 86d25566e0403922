package io.jthanos.tsdb.chunkenc;

/** What an iterator is positioned on, as Prometheus' {@code chunkenc.ValueType}. */
public enum ValueType {
  /** Exhausted: no more samples. */
  NONE,
  FLOAT,
  HISTOGRAM,
  FLOAT_HISTOGRAM
}
