package io.jthanos.tsdb.compact;

import io.jthanos.tsdb.storage.ChunkMeta;
import java.util.List;

/**
 * Merges the chunks one series has in several compaction inputs into one list of chunks in time
 * order that do not overlap. {@link ChunkSeriesMerger} is Prometheus' compacting merger (equal
 * timestamps kept once); {@link PenaltyChunkSeriesMerger} is Thanos' penalty deduplication for HA
 * replicas. One instance per compaction (not thread-safe); the counters cover every merge so far.
 */
public interface SeriesChunkMerger {
  /**
   * Merges per-source chunk lists (each in time order, sources in priority order) into one
   * non-overlapping list in time order. Chunks that overlap nothing are returned untouched.
   */
  List<ChunkMeta> merge(List<List<ChunkMeta>> perSource);

  /** Samples present in the inputs but not in the output, so far. */
  long samplesDropped();

  /** Output chunks produced by re-encoding merged samples, so far. */
  long chunksReencoded();
}
