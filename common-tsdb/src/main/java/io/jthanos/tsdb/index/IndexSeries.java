package io.jthanos.tsdb.index;

import io.jthanos.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.List;

/**
 * A series entry read from the index: its labels and chunk metas, kept as a flat array of (minTime,
 * maxTime, ref) triples.
 */
public final class IndexSeries {
  private final long ref;
  private final Labels labels;
  private final long[] chunks;

  public IndexSeries(long ref, Labels labels, long[] chunkTriples) {
    this.ref = ref;
    this.labels = labels;
    this.chunks = chunkTriples;
  }

  /** The series ref (index offset / 16). */
  public long ref() {
    return ref;
  }

  public Labels labels() {
    return labels;
  }

  public int chunkCount() {
    return chunks.length / 3;
  }

  public long minTime(int i) {
    return chunks[3 * i];
  }

  public long maxTime(int i) {
    return chunks[3 * i + 1];
  }

  public long chunkRef(int i) {
    return chunks[3 * i + 2];
  }

  public IndexChunkMeta chunk(int i) {
    return new IndexChunkMeta(minTime(i), maxTime(i), chunkRef(i));
  }

  public List<IndexChunkMeta> chunks() {
    List<IndexChunkMeta> out = new ArrayList<>(chunkCount());
    for (int i = 0; i < chunkCount(); i++) {
      out.add(chunk(i));
    }
    return out;
  }

  @Override
  public String toString() {
    return "IndexSeries{ref=" + ref + ", labels=" + labels + ", chunks=" + chunkCount() + "}";
  }
}
