package io.jthanos.tsdb.compact;

import io.jthanos.tsdb.chunkenc.Chunk;
import io.jthanos.tsdb.chunkenc.ChunkDecodingException;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import io.jthanos.tsdb.chunkenc.UnsupportedChunkEncodingException;
import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.chunkenc.XorEncoder;
import io.jthanos.tsdb.chunkenc.XorIterator;
import io.jthanos.tsdb.storage.ChunkMeta;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Thanos' offline deduplication of HA replicas ({@code --deduplication.func=penalty}): the chunks
 * of one series from every input are taken in order of start time (then end time); a chunk that
 * overlaps nothing passes through untouched; a run of overlapping chunks is merged by folding the
 * penalty algorithm over them, earliest chunk first ({@code dedup(dedup(c0, c1), c2)...}), and the
 * result is re-encoded into XOR chunks of at most {@code chunkSamples} samples.
 *
 * <p>Penalty merge of two sample runs a and b: starting with {@code lastT} unset and no penalties,
 * each step advances a past {@code lastT + penaltyA} and b past {@code lastT + penaltyB}, emits the
 * earlier of the two (a on ties) and penalises the other by twice the distance from the previous
 * emitted sample (5 s before the first). Once one replica is followed, the other contributes only
 * across gaps longer than about two of the followed replica's intervals, so gaps are filled without
 * interleaving two scrape phases. Unlike the querier, no counter adjustment is applied (Thanos'
 * compactor does not do it either). Only XOR chunks can be merged. Not thread-safe.
 */
public final class PenaltyChunkSeriesMerger implements SeriesChunkMerger {
  /** Penalty while nothing was emitted yet (timestamps are ms, scrape intervals seconds). */
  public static final long INITIAL_PENALTY = 5000;

  private final int chunkSamples;
  private final XorIterator it = new XorIterator();
  private final XorEncoder enc = new XorEncoder();
  private long samplesDropped;
  private long chunksReencoded;

  // Scratch arrays, grown as needed and reused between merges.
  private long[] curT = new long[256];
  private long[] curV = new long[256];
  private long[] nextT = new long[256];
  private long[] nextV = new long[256];
  private long[] outT = new long[256];
  private long[] outV = new long[256];

  public PenaltyChunkSeriesMerger() {
    this(120);
  }

  public PenaltyChunkSeriesMerger(int chunkSamples) {
    this.chunkSamples = chunkSamples;
  }

  @Override
  public long samplesDropped() {
    return samplesDropped;
  }

  @Override
  public long chunksReencoded() {
    return chunksReencoded;
  }

  @Override
  public List<ChunkMeta> merge(List<List<ChunkMeta>> perSource) {
    if (perSource.size() == 1 && !overlapsWithin(perSource.get(0))) {
      return perSource.get(0);
    }
    List<ChunkMeta> all = new ArrayList<>();
    for (List<ChunkMeta> l : perSource) {
      all.addAll(l);
    }
    // Stable: equal ranges keep input order.
    all.sort(Comparator.comparingLong(ChunkMeta::minTime).thenComparingLong(ChunkMeta::maxTime));
    List<ChunkMeta> out = new ArrayList<>(all.size());
    int i = 0;
    while (i < all.size()) {
      int j = i + 1;
      long groupMax = all.get(i).maxTime();
      while (j < all.size() && all.get(j).minTime() <= groupMax) {
        groupMax = Math.max(groupMax, all.get(j).maxTime());
        j++;
      }
      if (j - i == 1) {
        out.add(all.get(i));
      } else {
        mergeGroup(all.subList(i, j), out);
      }
      i = j;
    }
    return out;
  }

  private static boolean overlapsWithin(List<ChunkMeta> l) {
    for (int i = 1; i < l.size(); i++) {
      if (l.get(i).minTime() <= l.get(i - 1).maxTime()) {
        return true;
      }
    }
    return false;
  }

  private void mergeGroup(List<ChunkMeta> group, List<ChunkMeta> out) {
    int total = 0;
    int n = decode(group.get(0).chunk(), true);
    total += n;
    for (int g = 1; g < group.size(); g++) {
      int m = decode(group.get(g).chunk(), false);
      total += m;
      int cap = n + m;
      if (outT.length < cap) {
        outT = new long[Math.max(cap, outT.length * 2)];
        outV = new long[outT.length];
      }
      n = penalty(curT, curV, n, nextT, nextV, m, outT, outV);
      long[] t = curT;
      long[] v = curV;
      curT = outT;
      curV = outV;
      outT = t;
      outV = v;
    }
    samplesDropped += total - n;
    enc.reset();
    for (int k = 0; k < n; k++) {
      if (enc.numSamples() >= chunkSamples) {
        out.add(new ChunkMeta(enc.minTime(), enc.maxTime(), enc.toChunk()));
        chunksReencoded++;
        enc.reset();
      }
      enc.appendBits(curT[k], curV[k]);
    }
    if (enc.numSamples() > 0) {
      out.add(new ChunkMeta(enc.minTime(), enc.maxTime(), enc.toChunk()));
      chunksReencoded++;
    }
  }

  /** Decodes an XOR chunk into the current (first) or next scratch arrays. */
  private int decode(Chunk c, boolean intoCurrent) {
    if (c.encoding() != ChunkEncoding.XOR) {
      throw new UnsupportedChunkEncodingException(null, null, c.encoding().code());
    }
    int count = c.numSamples();
    long[] ts = intoCurrent ? curT : nextT;
    long[] vs = intoCurrent ? curV : nextV;
    if (ts.length < count) {
      ts = new long[Math.max(count, ts.length * 2)];
      vs = new long[ts.length];
      if (intoCurrent) {
        curT = ts;
        curV = vs;
      } else {
        nextT = ts;
        nextV = vs;
      }
    }
    it.reset(c.data());
    int m = 0;
    while (it.next() == ValueType.FLOAT) {
      if (m == count) {
        throw new ChunkDecodingException("xor chunk holds more samples than its count " + count);
      }
      ts[m] = it.atT();
      vs[m] = it.atVBits();
      m++;
    }
    return m;
  }

  /**
   * Penalty merge of run a and run b (each in strictly increasing time) into out; returns the
   * number of samples written.
   */
  static int penalty(
      long[] at, long[] av, int na, long[] bt, long[] bv, int nb, long[] ot, long[] ov) {
    long lastT = Long.MIN_VALUE;
    long penA = 0;
    long penB = 0;
    int i = 0;
    int j = 0;
    int o = 0;
    boolean aDone = na == 0;
    boolean bDone = nb == 0;
    while (true) {
      if (!aDone) {
        long target = lastT == Long.MIN_VALUE ? Long.MIN_VALUE + 1 : lastT + 1 + penA;
        while (i < na && at[i] < target) {
          i++;
        }
        aDone = i >= na;
      }
      if (!bDone) {
        long target = lastT == Long.MIN_VALUE ? Long.MIN_VALUE + 1 : lastT + 1 + penB;
        while (j < nb && bt[j] < target) {
          j++;
        }
        bDone = j >= nb;
      }
      if (aDone && bDone) {
        return o;
      }
      if (aDone) {
        lastT = bt[j];
        penB = 0;
        ot[o] = bt[j];
        ov[o++] = bv[j];
      } else if (bDone) {
        lastT = at[i];
        penA = 0;
        ot[o] = at[i];
        ov[o++] = av[i];
      } else if (at[i] <= bt[j]) {
        penB = lastT != Long.MIN_VALUE ? 2 * (at[i] - lastT) : INITIAL_PENALTY;
        penA = 0;
        lastT = at[i];
        ot[o] = at[i];
        ov[o++] = av[i];
      } else {
        penA = lastT != Long.MIN_VALUE ? 2 * (bt[j] - lastT) : INITIAL_PENALTY;
        penB = 0;
        lastT = bt[j];
        ot[o] = bt[j];
        ov[o++] = bv[j];
      }
    }
  }

  /** Test hook: merges two sample runs given as timestamp/value-bit arrays. */
  static long[][] penalty(long[] at, long[] av, long[] bt, long[] bv) {
    long[] ot = new long[at.length + bt.length];
    long[] ov = new long[ot.length];
    int n = penalty(at, av, at.length, bt, bv, bt.length, ot, ov);
    return new long[][] {Arrays.copyOf(ot, n), Arrays.copyOf(ov, n)};
  }
}
