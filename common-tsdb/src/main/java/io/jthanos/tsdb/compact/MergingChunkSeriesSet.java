package io.jthanos.tsdb.compact;

import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.storage.ChunkMeta;
import io.jthanos.tsdb.storage.ChunkSeriesSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * K-way merge of label-sorted chunk series sets: yields each distinct label set once with the chunk
 * lists of every input that has it, in input order (the order defines merge priority). Closes the
 * inputs when closed.
 */
public final class MergingChunkSeriesSet implements AutoCloseable {
  private final List<ChunkSeriesSet> inputs;
  private final PriorityQueue<Head> heap;
  private Labels labels;
  private final List<List<ChunkMeta>> chunks = new ArrayList<>();
  private final List<Integer> sources = new ArrayList<>();

  private record Head(int input, ChunkSeriesSet set, Labels labels) {}

  public MergingChunkSeriesSet(List<ChunkSeriesSet> inputs) {
    this.inputs = List.copyOf(inputs);
    this.heap =
        new PriorityQueue<>(
            Math.max(1, inputs.size()),
            (a, b) -> {
              int c = Labels.compare(a.labels, b.labels);
              return c != 0 ? c : Integer.compare(a.input, b.input);
            });
    for (int i = 0; i < inputs.size(); i++) {
      ChunkSeriesSet s = inputs.get(i);
      if (s.next()) {
        heap.add(new Head(i, s, s.at().labels()));
      }
    }
  }

  /** Advances to the next label set; false when all inputs are exhausted. */
  public boolean next() {
    chunks.clear();
    sources.clear();
    if (heap.isEmpty()) {
      labels = null;
      return false;
    }
    labels = heap.peek().labels;
    while (!heap.isEmpty() && Labels.compare(heap.peek().labels, labels) == 0) {
      Head h = heap.poll();
      List<ChunkMeta> l = new ArrayList<>();
      Iterator<ChunkMeta> it = h.set.at().chunks();
      while (it.hasNext()) {
        l.add(it.next());
      }
      chunks.add(l);
      sources.add(h.input);
      if (h.set.next()) {
        heap.add(new Head(h.input, h.set, h.set.at().labels()));
      }
    }
    return true;
  }

  public Labels labels() {
    return labels;
  }

  /** Chunk lists of the inputs holding the current label set, in input order. */
  public List<List<ChunkMeta>> chunks() {
    return chunks;
  }

  /** Indexes of the inputs holding the current label set, parallel to {@link #chunks()}. */
  public List<Integer> sources() {
    return sources;
  }

  @Override
  public void close() {
    RuntimeException first = null;
    for (ChunkSeriesSet s : inputs) {
      try {
        s.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
