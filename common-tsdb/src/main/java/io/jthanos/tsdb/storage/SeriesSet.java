package io.jthanos.tsdb.storage;

import java.util.List;

/**
 * A pull iterator over series, closeable. Usage: {@code while (set.next()) { set.at() ... }}, then
 * {@link #warnings()}. Failures are thrown from {@link #next()} as {@link StorageException}.
 * Closing early cancels any work still under way (e.g. remote streams).
 */
public interface SeriesSet extends AutoCloseable {
  boolean next();

  Series at();

  /** Non-fatal problems (e.g. a failed store under a partial-response strategy). */
  List<String> warnings();

  @Override
  void close();

  static SeriesSet empty() {
    return empty(List.of());
  }

  static SeriesSet empty(List<String> warnings) {
    return new SeriesSet() {
      @Override
      public boolean next() {
        return false;
      }

      @Override
      public Series at() {
        throw new IllegalStateException("empty series set");
      }

      @Override
      public List<String> warnings() {
        return warnings;
      }

      @Override
      public void close() {}
    };
  }
}
