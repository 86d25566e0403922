package io.jthanos.tsdb.storage;

import io.jthanos.tsdb.labels.Labels;

/**
 * Batched writes into a head block. Samples become visible and durable on {@link #commit()}; {@link
 * #rollback()} discards the batch. Not thread-safe: one appender per writer.
 */
public interface Appender {
  /**
   * Appends a float sample. {@code ref} is a series reference returned by an earlier append (0 if
   * unknown); the returned ref can be passed next time to skip the label lookup.
   */
  long append(long ref, Labels labels, long t, double v);

  void commit();

  void rollback();
}
