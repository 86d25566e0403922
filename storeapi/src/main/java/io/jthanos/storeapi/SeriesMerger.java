package io.jthanos.storeapi;

import com.google.protobuf.Any;
import io.jthanos.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * K-way merge of series streams sorted by labels (Thanos' proxy merge): a loser tree picks the
 * smallest label set in {@code log k} comparisons; series with identical labels from several
 * streams become one series whose chunks are ordered by (min time, max time) with identical chunks
 * dropped (same time range and same hash per member, the xxhash64 of the data standing in for a
 * missing hash). Chunks that differ, such as two replicas' overlapping chunks, are all kept: that
 * is what deduplication needs to see.
 *
 * <p>The merged stream owns its inputs: closing it closes them. A failing input fails the merged
 * stream; callers wanting partial responses wrap inputs so failures become warnings.
 */
public final class SeriesMerger implements SeriesStream {
  private static final Comparator<StoreChunk> BY_TIME =
      Comparator.comparingLong(StoreChunk::minTime).thenComparingLong(StoreChunk::maxTime);

  private final SeriesStream[] streams;
  private final StoreSeries[] head;
  private final int[] tree; // tree[0] = winner, tree[1..k-1] = losers
  private final int k;
  private boolean started;
  private StoreSeries current;
  private long mergedSeries;
  private long droppedChunks;

  private SeriesMerger(List<? extends SeriesStream> inputs) {
    this.streams = inputs.toArray(new SeriesStream[0]);
    this.k = streams.length;
    this.head = new StoreSeries[k];
    this.tree = new int[Math.max(1, k)];
  }

  /** Merges sorted streams; the result owns them. */
  public static SeriesMerger merge(List<? extends SeriesStream> inputs) {
    return new SeriesMerger(inputs);
  }

  /** Merges series lists with identical labels into one, as {@link #next()} does. */
  public static StoreSeries mergeSame(List<StoreSeries> parts) {
    if (parts.size() == 1) {
      return parts.getFirst();
    }
    return new SeriesMerger(List.of()).join(parts);
  }

  @Override
  public boolean next() {
    if (!started) {
      started = true;
      for (int i = 0; i < k; i++) {
        advance(i);
      }
      for (int i = 0; i < tree.length; i++) {
        tree[i] = k; // virtual minimal key
      }
      for (int i = k - 1; i >= 0; i--) {
        adjust(i);
      }
    }
    if (k == 0 || head[tree[0]] == null) {
      current = null;
      return false;
    }
    int w = tree[0];
    Labels labels = head[w].labels();
    StoreSeries first = head[w];
    List<StoreSeries> parts = null;
    advance(w);
    adjust(w);
    while (head[tree[0]] != null && head[tree[0]].labels().equals(labels)) {
      if (parts == null) {
        parts = new ArrayList<>(4);
        parts.add(first);
      }
      w = tree[0];
      parts.add(head[w]);
      advance(w);
      adjust(w);
    }
    current = parts == null ? first : join(parts);
    return true;
  }

  private StoreSeries join(List<StoreSeries> parts) {
    mergedSeries++;
    int n = 0;
    for (StoreSeries p : parts) {
      n += p.chunks().size();
    }
    List<StoreChunk> all = new ArrayList<>(n);
    for (StoreSeries p : parts) {
      all.addAll(p.chunks());
    }
    all.sort(BY_TIME); // stable
    List<StoreChunk> out = new ArrayList<>(all.size());
    int runStart = 0;
    for (StoreChunk c : all) {
      if (!out.isEmpty()) {
        StoreChunk last = out.getLast();
        if (last.minTime() != c.minTime() || last.maxTime() != c.maxTime()) {
          runStart = out.size();
        }
      }
      boolean dup = false;
      for (int i = runStart; i < out.size(); i++) {
        if (out.get(i).sameContent(c)) {
          dup = true;
          break;
        }
      }
      if (dup) {
        droppedChunks++;
      } else {
        out.add(c);
      }
    }
    return new StoreSeries(parts.getFirst().labels(), out);
  }

  private void advance(int i) {
    head[i] = streams[i].next() ? streams[i].at() : null;
  }

  /** a beats b: smaller labels; the virtual index k beats everything, exhausted loses. */
  private boolean beats(int a, int b) {
    if (a == k) {
      return true;
    }
    if (b == k) {
      return false;
    }
    StoreSeries x = head[a];
    StoreSeries y = head[b];
    if (x == null) {
      return false;
    }
    if (y == null) {
      return true;
    }
    return Labels.compare(x.labels(), y.labels()) < 0;
  }

  private void adjust(int s) {
    int winner = s;
    for (int t = (s + k) >> 1; t > 0; t >>= 1) {
      if (beats(tree[t], winner)) {
        int tmp = tree[t];
        tree[t] = winner;
        winner = tmp;
      }
    }
    tree[0] = winner;
  }

  @Override
  public StoreSeries at() {
    if (current == null) {
      throw new IllegalStateException("next() has not returned true");
    }
    return current;
  }

  /** Series built from more than one input entry so far. */
  public long mergedSeries() {
    return mergedSeries;
  }

  /** Identical chunks dropped so far. */
  public long droppedChunks() {
    return droppedChunks;
  }

  @Override
  public List<String> warnings() {
    List<String> w = new ArrayList<>();
    for (SeriesStream s : streams) {
      w.addAll(s.warnings());
    }
    return w;
  }

  @Override
  public List<Any> hints() {
    List<Any> h = new ArrayList<>();
    for (SeriesStream s : streams) {
      h.addAll(s.hints());
    }
    return h;
  }

  @Override
  public void close() {
    RuntimeException first = null;
    for (SeriesStream s : streams) {
      try {
        s.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
