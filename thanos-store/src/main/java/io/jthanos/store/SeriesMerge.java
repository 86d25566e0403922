package io.jthanos.store;

import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.storage.ChunkMeta;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * K-way merge of the per-block streams by output labels: a binary heap of streams with a
 * replace-top step (one sift per advanced stream instead of a poll and an offer), label comparison
 * with a same-instance fast path, and no copying for series held by a single block. Series held by
 * several blocks get their chunks concatenated in time order, identical chunks kept once.
 */
final class SeriesMerge {
  private final BlockSeriesSet[] heap;
  private int size;
  private BlockSeriesSet.Item at;
  private long mergedChunks;

  SeriesMerge(List<BlockSeriesSet> inputs) {
    heap = new BlockSeriesSet[inputs.size()];
    for (BlockSeriesSet s : inputs) {
      if (s.next()) {
        heap[size++] = s;
      }
    }
    for (int i = size / 2 - 1; i >= 0; i--) {
      siftDown(i);
    }
  }

  static int compare(Labels a, Labels b) {
    if (a == b) {
      return 0;
    }
    int n = Math.min(a.size(), b.size());
    for (int i = 0; i < n; i++) {
      String x = a.name(i);
      String y = b.name(i);
      if (x != y) {
        int c = Labels.compareStrings(x, y);
        if (c != 0) {
          return c;
        }
      }
      x = a.value(i);
      y = b.value(i);
      if (x != y) {
        int c = Labels.compareStrings(x, y);
        if (c != 0) {
          return c;
        }
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static Labels labels(BlockSeriesSet s) {
    return s.at().labels();
  }

  private void siftDown(int i) {
    BlockSeriesSet x = heap[i];
    Labels lx = labels(x);
    while (true) {
      int l = 2 * i + 1;
      if (l >= size) {
        break;
      }
      int r = l + 1;
      int m = l;
      Labels lm = labels(heap[l]);
      if (r < size) {
        Labels lr = labels(heap[r]);
        if (compare(lr, lm) < 0) {
          m = r;
          lm = lr;
        }
      }
      if (compare(lx, lm) <= 0) {
        break;
      }
      heap[i] = heap[m];
      i = m;
    }
    heap[i] = x;
  }

  /** Advances the top stream and restores the heap. */
  private void advanceTop() {
    if (heap[0].next()) {
      siftDown(0);
    } else {
      heap[0] = heap[--size];
      heap[size] = null;
      if (size > 0) {
        siftDown(0);
      }
    }
  }

  boolean next() {
    if (size == 0) {
      at = null;
      return false;
    }
    BlockSeriesSet.Item first = (BlockSeriesSet.Item) heap[0].at();
    advanceTop();
    if (size == 0 || compare(labels(heap[0]), first.out()) != 0) {
      at = first;
      return true;
    }
    List<ChunkMeta> chunks = new ArrayList<>(first.list());
    while (size > 0 && compare(labels(heap[0]), first.out()) == 0) {
      chunks.addAll(((BlockSeriesSet.Item) heap[0].at()).list());
      advanceTop();
    }
    chunks.sort(Comparator.comparingLong(ChunkMeta::minTime).thenComparingLong(ChunkMeta::maxTime));
    BucketQuerier.dedup(chunks);
    mergedChunks += chunks.size();
    at = new BlockSeriesSet.Item(first.out(), first.out(), chunks);
    return true;
  }

  BlockSeriesSet.Item at() {
    return at;
  }

  long mergedChunks() {
    return mergedChunks;
  }
}
