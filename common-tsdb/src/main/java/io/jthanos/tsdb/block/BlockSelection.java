package io.jthanos.tsdb.block;

import io.jthanos.tsdb.index.IndexReader;
import io.jthanos.tsdb.index.IndexSeries;
import io.jthanos.tsdb.index.Postings;
import io.jthanos.tsdb.index.PostingsForMatchers;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.LabelHints;
import io.jthanos.tsdb.storage.LabelResult;
import io.jthanos.tsdb.storage.SelectHints;
import io.jthanos.tsdb.tombstones.Interval;
import io.jthanos.tsdb.tombstones.Intervals;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Series selection shared by the block queriers, as Prometheus' {@code blockBaseSeriesSet}: resolve
 * postings, read each series, keep chunks overlapping [mint, maxt] that are not entirely deleted,
 * skip series left without chunks. Hints override the range; {@code func == "series"} reads no
 * chunk data; shards and limit filter series.
 */
final class BlockSelection {
  final BlockReader block;
  final long mint;
  final long maxt;
  final boolean disableTrimming;
  final boolean skipChunks;
  private final long limit;
  private final long shardIndex;
  private final long shardCount;
  private final Postings postings;
  private long emitted;

  // Current series.
  Labels labels;
  long[] chunks; // selected (minTime, maxTime, ref) triples
  int chunkCount;
  Intervals deleted;

  BlockSelection(BlockReader block, long qmint, long qmaxt, SelectHints hints, List<Matcher> ms) {
    this.block = block;
    long mi = qmint;
    long ma = qmaxt;
    boolean noTrim = false;
    boolean skip = false;
    long lim = 0;
    long si = 0;
    long sc = 0;
    if (hints != null) {
      mi = hints.start();
      ma = hints.end();
      noTrim = hints.disableTrimming();
      skip = "series".equals(hints.func());
      lim = hints.limit();
      si = hints.shardIndex();
      sc = hints.shardCount();
    }
    this.mint = mi;
    this.maxt = ma;
    this.disableTrimming = noTrim;
    this.skipChunks = skip;
    this.limit = lim;
    this.shardIndex = si;
    this.shardCount = sc;
    this.postings = PostingsForMatchers.resolve(block.index(), ms);
  }

  boolean next() {
    if (limit > 0 && emitted >= limit) {
      return false;
    }
    IndexReader ix = block.index();
    while (postings.next()) {
      long ref = postings.at();
      IndexSeries s = ix.series(ref, true);
      if (s.chunkCount() == 0) {
        continue;
      }
      Intervals del = block.tombstones().get(ref);
      long[] sel = new long[3 * s.chunkCount()];
      int n = 0;
      for (int i = 0; i < s.chunkCount(); i++) {
        long cmin = s.minTime(i);
        long cmax = s.maxTime(i);
        if (cmax < mint || cmin > maxt) {
          continue;
        }
        if (!del.isEmpty() && new Interval(cmin, cmax).isSubrangeOf(del)) {
          continue;
        }
        sel[3 * n] = cmin;
        sel[3 * n + 1] = cmax;
        sel[3 * n + 2] = s.chunkRef(i);
        n++;
      }
      if (n == 0) {
        continue;
      }
      if (shardCount > 0 && Long.remainderUnsigned(s.labels().hash(), shardCount) != shardIndex) {
        continue;
      }
      labels = s.labels();
      chunks = sel;
      chunkCount = n;
      deleted = del;
      emitted++;
      return true;
    }
    return false;
  }

  /** Trimming bounds for samples: the query range unless trimming is disabled. */
  long trimMin() {
    return disableTrimming ? Long.MIN_VALUE : mint;
  }

  long trimMax() {
    return disableTrimming ? Long.MAX_VALUE : maxt;
  }

  // ------------------------------------------------------------------ label lookups

  static LabelResult labelValues(
      BlockReader block, String name, LabelHints hints, List<Matcher> ms) {
    IndexReader ix = block.index();
    List<String> values;
    if (ms == null || ms.isEmpty()) {
      values = ix.labelValues(name);
    } else {
      long[] matched = Postings.expand(PostingsForMatchers.resolve(ix, ms));
      values = new ArrayList<>();
      if (matched.length > 0) {
        for (String v : ix.labelValues(name)) {
          Postings p = ix.postings(name, v);
          if (intersects(p, matched)) {
            values.add(v);
          }
        }
      }
    }
    return LabelResult.of(limit(values, hints));
  }

  private static boolean intersects(Postings p, long[] sorted) {
    int i = 0;
    while (i < sorted.length && p.seek(sorted[i])) {
      long a = p.at();
      if (a == sorted[i]) {
        return true;
      }
      // Advance i to the first element >= a.
      int lo = i + 1;
      int hi = sorted.length;
      while (lo < hi) {
        int m = (lo + hi) >>> 1;
        if (sorted[m] < a) {
          lo = m + 1;
        } else {
          hi = m;
        }
      }
      i = lo;
    }
    return false;
  }

  static LabelResult labelNames(BlockReader block, LabelHints hints, List<Matcher> ms) {
    IndexReader ix = block.index();
    List<String> names;
    if (ms == null || ms.isEmpty()) {
      names = ix.labelNames();
    } else {
      TreeSet<String> set = new TreeSet<>(Labels::compareStrings);
      Postings p = PostingsForMatchers.resolve(ix, ms);
      while (p.next()) {
        Labels l = ix.seriesLabels(p.at());
        for (int i = 0; i < l.size(); i++) {
          set.add(l.name(i));
        }
      }
      names = new ArrayList<>(set);
    }
    return LabelResult.of(limit(names, hints));
  }

  private static List<String> limit(List<String> values, LabelHints hints) {
    if (hints != null && hints.limit() > 0 && values.size() > hints.limit()) {
      return values.subList(0, (int) hints.limit());
    }
    return values;
  }
}
