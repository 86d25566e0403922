package io.jthanos.storeapi.testing;

import io.jthanos.tsdb.chunkenc.XorEncoder;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.ChunkMeta;
import io.jthanos.tsdb.storage.ChunkQuerier;
import io.jthanos.tsdb.storage.ChunkQueryable;
import io.jthanos.tsdb.storage.ChunkSeries;
import io.jthanos.tsdb.storage.ChunkSeriesSet;
import io.jthanos.tsdb.storage.LabelHints;
import io.jthanos.tsdb.storage.LabelResult;
import io.jthanos.tsdb.storage.SelectHints;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ChunkQueryable} over series held in memory, with Prometheus' semantics: series sorted by
 * labels, a series is selected when all matchers match and it has a chunk overlapping the range,
 * labels names/values from the selected series. Counts open queriers so tests can check that
 * servers close what they open.
 */
public final class InMemoryChunkQueryable implements ChunkQueryable {
  /** One stored series. */
  public record StoredSeries(Labels labels, List<ChunkMeta> chunks) {
    public StoredSeries {
      chunks = List.copyOf(chunks);
    }
  }

  private final List<StoredSeries> series;
  private final List<String> warnings;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger opened = new AtomicInteger();

  public InMemoryChunkQueryable(List<StoredSeries> series, List<String> warnings) {
    List<StoredSeries> sorted = new ArrayList<>(series);
    sorted.sort((a, b) -> Labels.compare(a.labels(), b.labels()));
    this.series = List.copyOf(sorted);
    this.warnings = List.copyOf(warnings);
  }

  public InMemoryChunkQueryable(List<StoredSeries> series) {
    this(series, List.of());
  }

  /** Encodes float samples into XOR chunks of at most {@code perChunk} samples. */
  public static StoredSeries xorSeries(Labels labels, long[] ts, double[] vs, int perChunk) {
    List<ChunkMeta> chunks = new ArrayList<>();
    XorEncoder enc = new XorEncoder();
    for (int i = 0; i < ts.length; i++) {
      enc.append(ts[i], vs[i]);
      if (enc.numSamples() == perChunk || i == ts.length - 1) {
        chunks.add(new ChunkMeta(enc.minTime(), enc.maxTime(), enc.toChunk()));
        enc = new XorEncoder();
      }
    }
    return new StoredSeries(labels, chunks);
  }

  /** Queriers currently open. */
  public int openQueriers() {
    return open.get();
  }

  /** Queriers opened so far. */
  public int openedQueriers() {
    return opened.get();
  }

  public List<StoredSeries> series() {
    return series;
  }

  @Override
  public ChunkQuerier chunkQuerier(long mint, long maxt) {
    open.incrementAndGet();
    opened.incrementAndGet();
    return new ChunkQuerier() {
      private boolean closed;

      @Override
      public ChunkSeriesSet select(boolean sortSeries, SelectHints hints, List<Matcher> matchers) {
        Iterator<StoredSeries> it = selected(mint, maxt, matchers).iterator();
        long limit = hints == null ? 0 : hints.limit();
        return new ChunkSeriesSet() {
          private StoredSeries cur;
          private long n;

          @Override
          public boolean next() {
            if ((limit > 0 && n >= limit) || !it.hasNext()) {
              cur = null;
              return false;
            }
            cur = it.next();
            n++;
            return true;
          }

          @Override
          public ChunkSeries at() {
            StoredSeries s = cur;
            return new ChunkSeries() {
              @Override
              public Labels labels() {
                return s.labels();
              }

              @Override
              public Iterator<ChunkMeta> chunks() {
                return s.chunks().iterator();
              }
            };
          }

          @Override
          public List<String> warnings() {
            return warnings;
          }

          @Override
          public void close() {}
        };
      }

      @Override
      public LabelResult labelValues(String name, LabelHints hints, List<Matcher> matchers) {
        TreeSet<String> values = new TreeSet<>(Labels::compareStrings);
        for (StoredSeries s : selected(mint, maxt, matchers)) {
          String v = s.labels().get(name);
          if (!v.isEmpty()) {
            values.add(v);
          }
        }
        return new LabelResult(limit(values, hints), warnings);
      }

      @Override
      public LabelResult labelNames(LabelHints hints, List<Matcher> matchers) {
        TreeSet<String> names = new TreeSet<>(Labels::compareStrings);
        for (StoredSeries s : selected(mint, maxt, matchers)) {
          for (int i = 0; i < s.labels().size(); i++) {
            names.add(s.labels().name(i));
          }
        }
        return new LabelResult(limit(names, hints), warnings);
      }

      @Override
      public void close() {
        if (!closed) {
          closed = true;
          open.decrementAndGet();
        }
      }
    };
  }

  private static List<String> limit(TreeSet<String> set, LabelHints hints) {
    List<String> l = new ArrayList<>(set);
    if (hints != null && hints.limit() > 0 && l.size() > hints.limit()) {
      return l.subList(0, (int) hints.limit());
    }
    return l;
  }

  private List<StoredSeries> selected(long mint, long maxt, List<Matcher> matchers) {
    List<StoredSeries> out = new ArrayList<>();
    for (StoredSeries s : series) {
      boolean ok = true;
      for (Matcher m : matchers) {
        if (!m.matches(s.labels())) {
          ok = false;
          break;
        }
      }
      if (!ok) {
        continue;
      }
      boolean overlaps = false;
      for (ChunkMeta c : s.chunks()) {
        if (c.maxTime() >= mint && c.minTime() <= maxt) {
          overlaps = true;
          break;
        }
      }
      if (overlaps) {
        out.add(s);
      }
    }
    return out;
  }
}
