package io.jthanos.tsdb.storage;

import java.util.List;

/** Like {@link SeriesSet}, over chunk-level series. */
public interface ChunkSeriesSet extends AutoCloseable {
  boolean next();

  ChunkSeries at();

  List<String> warnings();

  @Override
  void close();
}
