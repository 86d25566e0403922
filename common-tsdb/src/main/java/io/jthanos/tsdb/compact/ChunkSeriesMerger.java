package io.jthanos.tsdb.compact;

import io.jthanos.tsdb.chunkenc.Chunk;
import io.jthanos.tsdb.chunkenc.ChunkDecodingException;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import io.jthanos.tsdb.chunkenc.UnsupportedChunkEncodingException;
import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.chunkenc.XorEncoder;
import io.jthanos.tsdb.chunkenc.XorIterator;
import io.jthanos.tsdb.storage.ChunkMeta;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Merges the chunks of one series coming from several sources, as Prometheus' compacting chunk
 * series merger does: chunks are ordered by start time; a chunk that overlaps no other is passed
 * through untouched (no re-encoding); a run of overlapping chunks is decoded, merged sample by
 * sample (a timestamp present in several chunks is kept once, from the earliest source, so true
 * duplicates disappear) and re-encoded into XOR chunks of at most {@code chunkSamples} samples
 * (120, Prometheus' seriesToChunkEncoderSplit). Identical overlapping chunks are deduplicated
 * without decoding. Only XOR chunks can be merged; overlapping chunks of other encodings raise
 * {@link UnsupportedChunkEncodingException}. Not thread-safe; reuse one instance per thread.
 */
public final class ChunkSeriesMerger implements SeriesChunkMerger {
  private final int chunkSamples;
  private final XorIterator it = new XorIterator();
  private final XorEncoder enc = new XorEncoder();
  private long samplesDropped;
  private long chunksReencoded;

  public ChunkSeriesMerger() {
    this(120);
  }

  public ChunkSeriesMerger(int chunkSamples) {
    this.chunkSamples = chunkSamples;
  }

  /** Duplicate samples dropped by merges so far. */
  @Override
  public long samplesDropped() {
    return samplesDropped;
  }

  /** Output chunks produced by re-encoding so far. */
  @Override
  public long chunksReencoded() {
    return chunksReencoded;
  }

  private record Src(ChunkMeta meta, int input) {}

  /**
   * Merges per-source chunk lists (each in time order, sources in priority order: earlier wins on
   * equal timestamps) into one non-overlapping list in time order.
   */
  @Override
  public List<ChunkMeta> merge(List<List<ChunkMeta>> perSource) {
    if (perSource.size() == 1 && !overlapsWithin(perSource.get(0))) {
      return perSource.get(0);
    }
    List<Src> all = new ArrayList<>();
    for (int i = 0; i < perSource.size(); i++) {
      for (ChunkMeta m : perSource.get(i)) {
        all.add(new Src(m, i));
      }
    }
    all.sort(
        (a, b) -> {
          int c = Long.compare(a.meta.minTime(), b.meta.minTime());
          return c != 0 ? c : Integer.compare(a.input, b.input);
        });
    List<ChunkMeta> out = new ArrayList<>(all.size());
    int i = 0;
    while (i < all.size()) {
      int j = i + 1;
      long groupMax = all.get(i).meta.maxTime();
      while (j < all.size() && all.get(j).meta.minTime() <= groupMax) {
        groupMax = Math.max(groupMax, all.get(j).meta.maxTime());
        j++;
      }
      if (j - i == 1) {
        out.add(all.get(i).meta);
      } else {
        mergeGroup(dedupIdentical(all.subList(i, j)), out);
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

  /** Drops chunks byte-identical (and same range) to an earlier chunk of the group. */
  private List<Src> dedupIdentical(List<Src> group) {
    List<Src> kept = new ArrayList<>(group.size());
    outer:
    for (Src s : group) {
      for (Src k : kept) {
        if (k.meta.minTime() == s.meta.minTime()
            && k.meta.maxTime() == s.meta.maxTime()
            && k.meta.chunk().encoding() == s.meta.chunk().encoding()
            && k.meta.chunk().data().equals(s.meta.chunk().data())) {
          samplesDropped += s.meta.chunk().numSamples();
          continue outer;
        }
      }
      kept.add(s);
    }
    return kept;
  }

  // Decoded samples of the chunks of a group, reused between groups.
  private long[][] ts = new long[4][];
  private long[][] vs = new long[4][];
  private int[] lens = new int[4];

  private void mergeGroup(List<Src> group, List<ChunkMeta> out) {
    if (group.size() == 1) {
      out.add(group.get(0).meta);
      return;
    }
    int k = group.size();
    if (ts.length < k) {
      ts = Arrays.copyOf(ts, k);
      vs = Arrays.copyOf(vs, k);
      lens = Arrays.copyOf(lens, k);
    }
    // Decode in source priority order (input index, then time).
    List<Src> byPriority = new ArrayList<>(group);
    byPriority.sort(
        (a, b) -> {
          int c = Integer.compare(a.input, b.input);
          return c != 0 ? c : Long.compare(a.meta.minTime(), b.meta.minTime());
        });
    int total = 0;
    for (int g = 0; g < k; g++) {
      Chunk c = byPriority.get(g).meta.chunk();
      if (c.encoding() != ChunkEncoding.XOR) {
        throw new UnsupportedChunkEncodingException(null, null, c.encoding().code());
      }
      int n = c.numSamples();
      if (ts[g] == null || ts[g].length < n) {
        ts[g] = new long[Math.max(n, 128)];
        vs[g] = new long[Math.max(n, 128)];
      }
      ByteBuffer data = c.data();
      it.reset(data);
      int m = 0;
      while (it.next() == ValueType.FLOAT) {
        if (m == n) {
          throw new ChunkDecodingException("xor chunk holds more samples than its count " + n);
        }
        ts[g][m] = it.atT();
        vs[g][m] = it.atVBits();
        m++;
      }
      lens[g] = m;
      total += m;
    }
    // Merge the k sorted runs, earlier run wins on equal timestamps.
    long[] mt = new long[total];
    long[] mv = new long[total];
    int n = mergeRuns(0, k, mt, mv);
    samplesDropped += total - n;
    enc.reset();
    for (int i = 0; i < n; i++) {
      if (enc.numSamples() >= chunkSamples) {
        out.add(new ChunkMeta(enc.minTime(), enc.maxTime(), enc.toChunk()));
        chunksReencoded++;
        enc.reset();
      }
      enc.appendBits(mt[i], mv[i]);
    }
    if (enc.numSamples() > 0) {
      out.add(new ChunkMeta(enc.minTime(), enc.maxTime(), enc.toChunk()));
      chunksReencoded++;
    }
  }

  /** Merges runs [lo, hi) into (outT, outV); returns the number of samples written. */
  private int mergeRuns(int lo, int hi, long[] outT, long[] outV) {
    if (hi - lo == 1) {
      System.arraycopy(ts[lo], 0, outT, 0, lens[lo]);
      System.arraycopy(vs[lo], 0, outV, 0, lens[lo]);
      return lens[lo];
    }
    int mid = (lo + hi) >>> 1;
    int cap = 0;
    for (int g = lo; g < hi; g++) {
      cap += lens[g];
    }
    long[] at = new long[cap];
    long[] av = new long[cap];
    int na = mergeRuns(lo, mid, at, av);
    long[] bt = new long[cap];
    long[] bv = new long[cap];
    int nb = mergeRuns(mid, hi, bt, bv);
    int i = 0;
    int j = 0;
    int o = 0;
    while (i < na && j < nb) {
      long x = at[i];
      long y = bt[j];
      if (x < y) {
        outT[o] = x;
        outV[o++] = av[i++];
      } else if (y < x) {
        outT[o] = y;
        outV[o++] = bv[j++];
      } else {
        outT[o] = x;
        outV[o++] = av[i++];
        j++;
      }
    }
    while (i < na) {
      outT[o] = at[i];
      outV[o++] = av[i++];
    }
    while (j < nb) {
      outT[o] = bt[j];
      outV[o++] = bv[j++];
    }
    return o;
  }
}
