package io.jthanos.tsdb.storage;

import io.jthanos.tsdb.labels.Labels;
import java.util.Iterator;

/**
 * A series as encoded chunks, for paths that pass chunk bytes through without decoding (StoreAPI,
 * compaction). Chunks come in time order.
 */
public interface ChunkSeries {
  Labels labels();

  Iterator<ChunkMeta> chunks();
}
