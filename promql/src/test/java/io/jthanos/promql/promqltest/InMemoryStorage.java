package io.jthanos.promql.promqltest;

import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.LabelHints;
import io.jthanos.tsdb.storage.LabelResult;
import io.jthanos.tsdb.storage.Querier;
import io.jthanos.tsdb.storage.Queryable;
import io.jthanos.tsdb.storage.SelectHints;
import io.jthanos.tsdb.storage.Series;
import io.jthanos.tsdb.storage.SeriesSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A simple, correct in-memory {@link Queryable} for tests: series kept sorted by labels, float
 * samples in primitive arrays. Queriers see the data as of their creation for the time range they
 * were opened for (narrowed by select hints, as Prometheus' TSDB does). A sample can be marked as a
 * native histogram; iterators then report {@link ValueType#FLOAT_HISTOGRAM} for it.
 *
 * <p>Appends must not go back in time for a series; an append at the newest timestamp replaces that
 * sample.
 */
public final class InMemoryStorage implements Queryable {

  private static final class Data {
    long[] t = new long[16];
    double[] v = new double[16];
    boolean[] hist;
    int n;

    void add(long ts, double val, boolean histogram) {
      if (n > 0 && ts < t[n - 1]) {
        throw new IllegalArgumentException(
            "out of order sample at " + ts + " (newest " + t[n - 1] + ")");
      }
      if (n > 0 && ts == t[n - 1]) {
        v[n - 1] = val;
        if (hist != null) {
          hist[n - 1] = histogram;
        } else if (histogram) {
          hist = new boolean[t.length];
          hist[n - 1] = true;
        }
        return;
      }
      if (n == t.length) {
        t = Arrays.copyOf(t, n * 2);
        v = Arrays.copyOf(v, n * 2);
        if (hist != null) {
          hist = Arrays.copyOf(hist, n * 2);
        }
      }
      if (histogram && hist == null) {
        hist = new boolean[t.length];
      }
      t[n] = ts;
      v[n] = val;
      if (hist != null) {
        hist[n] = histogram;
      }
      n++;
    }
  }

  private final TreeMap<Labels, Data> series = new TreeMap<>(Labels::compare);

  public synchronized void append(Labels labels, long t, double v) {
    series.computeIfAbsent(labels, l -> new Data()).add(t, v, false);
  }

  /** Adds a native-histogram sample (contents not modelled: only its presence and type). */
  public synchronized void appendHistogram(Labels labels, long t) {
    series.computeIfAbsent(labels, l -> new Data()).add(t, Double.NaN, true);
  }

  public synchronized void clear() {
    series.clear();
  }

  public synchronized int numSeries() {
    return series.size();
  }

  public synchronized long numSamples() {
    long n = 0;
    for (Data d : series.values()) {
      n += d.n;
    }
    return n;
  }

  @Override
  public synchronized Querier querier(long mint, long maxt) {
    // Snapshot: the arrays are append-only, so (reference, length) pairs are stable.
    List<Labels> ls = new ArrayList<>(series.size());
    List<long[]> ts = new ArrayList<>(series.size());
    List<double[]> vs = new ArrayList<>(series.size());
    List<boolean[]> hs = new ArrayList<>(series.size());
    List<Integer> ns = new ArrayList<>(series.size());
    for (Map.Entry<Labels, Data> e : series.entrySet()) {
      Data d = e.getValue();
      ls.add(e.getKey());
      ts.add(d.t);
      vs.add(d.v);
      hs.add(d.hist);
      ns.add(d.n);
    }
    return new MemQuerier(mint, maxt, ls, ts, vs, hs, ns);
  }

  private static final class MemQuerier implements Querier {
    private final long mint;
    private final long maxt;
    private final List<Labels> labels;
    private final List<long[]> ts;
    private final List<double[]> vs;
    private final List<boolean[]> hs;
    private final List<Integer> ns;
    private boolean closed;

    MemQuerier(
        long mint,
        long maxt,
        List<Labels> labels,
        List<long[]> ts,
        List<double[]> vs,
        List<boolean[]> hs,
        List<Integer> ns) {
      this.mint = mint;
      this.maxt = maxt;
      this.labels = labels;
      this.ts = ts;
      this.vs = vs;
      this.hs = hs;
      this.ns = ns;
    }

    @Override
    public SeriesSet select(boolean sortSeries, SelectHints hints, List<Matcher> matchers) {
      if (closed) {
        throw new IllegalStateException("querier closed");
      }
      long lo = mint;
      long hi = maxt;
      if (hints != null) {
        lo = hints.start();
        hi = hints.end();
      }
      List<Series> out = new ArrayList<>();
      for (int i = 0; i < labels.size(); i++) {
        Labels l = labels.get(i);
        boolean ok = true;
        for (Matcher m : matchers) {
          if (!m.matches(l)) {
            ok = false;
            break;
          }
        }
        if (!ok) {
          continue;
        }
        long[] t = ts.get(i);
        int n = ns.get(i);
        int from = lowerBound(t, n, lo);
        int to = lowerBound(t, n, hi == Long.MAX_VALUE ? hi : hi + 1);
        if (to <= from) {
          continue;
        }
        out.add(new MemSeries(l, t, vs.get(i), hs.get(i), from, to));
      }
      Iterator<Series> it = out.iterator();
      return new SeriesSet() {
        private Series cur;

        @Override
        public boolean next() {
          if (it.hasNext()) {
            cur = it.next();
            return true;
          }
          return false;
        }

        @Override
        public Series at() {
          return cur;
        }

        @Override
        public List<String> warnings() {
          return List.of();
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public LabelResult labelValues(String name, LabelHints hints, List<Matcher> matchers) {
      TreeSet<String> vals = new TreeSet<>(Labels::compareStrings);
      for (Labels l : labels) {
        if (matchesAll(l, matchers) && l.has(name)) {
          vals.add(l.get(name));
        }
      }
      return LabelResult.of(new ArrayList<>(vals));
    }

    @Override
    public LabelResult labelNames(LabelHints hints, List<Matcher> matchers) {
      TreeSet<String> names = new TreeSet<>(Labels::compareStrings);
      for (Labels l : labels) {
        if (matchesAll(l, matchers)) {
          for (int i = 0; i < l.size(); i++) {
            names.add(l.name(i));
          }
        }
      }
      return LabelResult.of(new ArrayList<>(names));
    }

    private static boolean matchesAll(Labels l, List<Matcher> ms) {
      for (Matcher m : ms) {
        if (!m.matches(l)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  static int lowerBound(long[] t, int n, long x) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (t[mid] < x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private record MemSeries(Labels labels, long[] t, double[] v, boolean[] h, int from, int to)
      implements Series {
    @Override
    public SampleIterator iterator(SampleIterator reuse) {
      if (reuse instanceof ArrayIterator a) {
        a.reset(t, v, h, from, to);
        return a;
      }
      ArrayIterator a = new ArrayIterator();
      a.reset(t, v, h, from, to);
      return a;
    }
  }

  /** A reusable iterator over a slice of sample arrays. */
  static final class ArrayIterator implements SampleIterator {
    private long[] t;
    private double[] v;
    private boolean[] h;
    private int i;
    private int start;
    private int end;

    void reset(long[] t, double[] v, boolean[] h, int from, int to) {
      this.t = t;
      this.v = v;
      this.h = h;
      this.start = from;
      this.i = from - 1;
      this.end = to;
    }

    private ValueType type() {
      if (i >= end) {
        return ValueType.NONE;
      }
      return h != null && h[i] ? ValueType.FLOAT_HISTOGRAM : ValueType.FLOAT;
    }

    @Override
    public ValueType next() {
      if (i < end) {
        i++;
      }
      return type();
    }

    @Override
    public ValueType seek(long ts) {
      if (i >= start && i < end && t[i] >= ts) {
        return type();
      }
      int lo = Math.max(i, start);
      int hi = end;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (t[mid] < ts) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      i = lo;
      return type();
    }

    @Override
    public long atT() {
      return t[i];
    }

    @Override
    public double atV() {
      return v[i];
    }
  }
}
