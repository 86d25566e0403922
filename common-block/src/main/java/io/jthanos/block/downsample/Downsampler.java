package io.jthanos.block.downsample;

import io.jthanos.tsdb.chunkenc.Chunk;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.chunkenc.XorEncoder;
import io.jthanos.tsdb.chunkenc.XorIterator;
import io.jthanos.tsdb.storage.ChunkMeta;
import io.jthanos.tsdb.storage.Values;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Downsamples one series at a time into aggregate chunks, exactly as Thanos' {@code
 * pkg/compact/downsample} does, so that our blocks and Thanos' are the same bytes:
 *
 * <ul>
 *   <li>Raw → resolution: samples (stale markers and, per chunk, samples going back in time
 *       dropped) are cut into batches sized for ≲140 output points per chunk (assuming one input
 *       sample per minute) and extended to the end of the window; NaN values are dropped; each
 *       window {@code [k·res, (k+1)·res)} gives one point at its last millisecond, capped at the
 *       batch's last sample, with count, sum, min, max and the running counter (resets add the new
 *       value). The counter sub-chunk starts with the batch's first raw sample and ends with its
 *       last raw value repeated at the last point's timestamp.
 *   <li>Aggregates → coarser resolution: batches of whole input chunks (so each input chunk's true
 *       first and last counter values survive); count = sum of counts, sum = sum of sums, min of
 *       mins, max of maxes; the counter is rebuilt from {@link CounterResetsIterator} and keeps the
 *       first and last raw values again.
 * </ul>
 *
 * Native histogram chunks are not downsampled (this library does not decode them): a caller skips
 * them. One instance holds reusable buffers: not thread-safe, reuse it for many series.
 */
public final class Downsampler {
  private static final int N = 5;
  private static final int COUNT = AggrType.COUNT.ordinal();
  private static final int SUM = AggrType.SUM.ordinal();
  private static final int MIN = AggrType.MIN.ordinal();
  private static final int MAX = AggrType.MAX.ordinal();
  private static final int COUNTER = AggrType.COUNTER.ordinal();

  /** Raw samples per assumed minute in Thanos' chunk-count heuristic. */
  private static final long ASSUMED_RAW_INTERVAL = 60_000L;

  private long[] ts = new long[1024];
  private double[] vs = new double[1024];
  private int n;
  private long[] bt = new long[1024];
  private double[] bv = new double[1024];
  private final XorIterator xor = new XorIterator();
  private final XorEncoder[] encoders = new XorEncoder[N];
  private long outMin;
  private long outMax;

  public Downsampler() {
    for (int i = 0; i < N; i++) {
      encoders[i] = new XorEncoder();
    }
  }

  /** Window end of {@code t}: {@code t - t%r + r - 1}. */
  static long currentWindow(long t, long r) {
    return t - (t % r) + r - 1;
  }

  static double rangeFullness(long mint, long maxt, long step, int count) {
    double f = (double) count / ((double) (maxt - mint) / (double) step);
    return f > 1 ? 1 : f;
  }

  /** How many chunks a series gets: enough for ≲140 points each. */
  static int targetChunkCount(long mint, long maxt, long inRes, long outRes, int count) {
    double maxSamples = (double) ((maxt - mint) / outRes);
    int expSamples = (int) (maxSamples * rangeFullness(mint, maxt, inRes, count)) + 1;
    int x = 1;
    while (expSamples / x > 140) {
      x++;
    }
    return x;
  }

  // ------------------------------------------------------------------ raw input

  /** Forgets buffered raw samples. */
  public void reset() {
    n = 0;
  }

  /** Number of raw samples buffered. */
  public int buffered() {
    return n;
  }

  /**
   * Buffers the samples of a raw XOR chunk: stale markers are dropped, and samples going back in
   * time within the chunk are skipped (as are negative timestamps, as Thanos' expansion does).
   */
  public void addRawChunk(Chunk c) {
    if (c.encoding() != ChunkEncoding.XOR) {
      throw new IllegalArgumentException("raw downsampling needs XOR chunks, got " + c.encoding());
    }
    xor.reset(c.data());
    ensure(n + xor.numSamples());
    long lastT = 0;
    while (xor.next() != ValueType.NONE) {
      long bits = xor.atVBits();
      if (bits == Values.STALE_NAN_BITS) {
        continue;
      }
      long t = xor.atT();
      if (t >= lastT) {
        ts[n] = t;
        vs[n] = Double.longBitsToDouble(bits);
        n++;
        lastT = t;
      }
    }
  }

  /** Buffers raw samples given directly (already ordered); used by tests and generators. */
  public void addRawSamples(long[] t, double[] v, int count) {
    ensure(n + count);
    System.arraycopy(t, 0, ts, n, count);
    System.arraycopy(v, 0, vs, n, count);
    n += count;
  }

  private void ensure(int cap) {
    if (cap > ts.length) {
      int c = Math.max(cap, ts.length * 2);
      ts = Arrays.copyOf(ts, c);
      vs = Arrays.copyOf(vs, c);
    }
  }

  private void ensureBatch(int cap) {
    if (cap > bt.length) {
      int c = Math.max(cap, bt.length * 2);
      bt = Arrays.copyOf(bt, c);
      bv = Arrays.copyOf(bv, c);
    }
  }

  /**
   * Downsamples the buffered raw samples to {@code resolution}, appends the aggregate chunks to
   * {@code out} and empties the buffer (Thanos' {@code DownsampleRaw}).
   */
  public void flushRaw(long resolution, List<ChunkMeta> out) {
    if (n == 0) {
      return;
    }
    long mint = ts[0];
    long maxt = ts[n - 1];
    int numChunks = targetChunkCount(mint, maxt, ASSUMED_RAW_INTERVAL, resolution, n);
    int batchSize = n / numChunks + 1;
    ensureBatch(Math.min(n, batchSize * 2 + 64));
    int pos = 0;
    while (pos < n) {
      int j = Math.min(pos + batchSize, n);
      long curW = currentWindow(ts[j - 1], resolution);
      while (j < n && ts[j] <= curW) {
        j++;
      }
      ensureBatch(j - pos);
      int bn = 0;
      for (int k = pos; k < j; k++) {
        double v = vs[k];
        if (v != v) { // NaN
          continue;
        }
        bt[bn] = ts[k];
        bv[bn] = v;
        bn++;
      }
      pos = j;
      if (bn == 0) {
        continue;
      }
      out.add(rawBatch(bt, bv, bn, resolution));
    }
    n = 0;
  }

  /** Convenience: downsamples raw samples into new aggregate chunks. */
  public static List<ChunkMeta> downsampleRaw(long[] t, double[] v, long resolution) {
    Downsampler d = new Downsampler();
    d.addRawSamples(t, v, t.length);
    List<ChunkMeta> out = new ArrayList<>();
    d.flushRaw(resolution, out);
    return out;
  }

  private ChunkMeta rawBatch(long[] t, double[] v, int count, long res) {
    for (XorEncoder e : encoders) {
      e.reset();
    }
    // The counter aggregate starts with the first raw sample (see CounterResetsIterator).
    encoders[COUNTER].append(t[0], v[0]);
    outMin = Long.MAX_VALUE;
    outMax = Long.MIN_VALUE;
    long lastT = t[count - 1];
    long nextT = -1;
    int wCount = 0;
    double sum = 0;
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    double counter = 0;
    double last = 0;
    int total = 0;
    for (int k = 0; k < count; k++) {
      long tk = t[k];
      if (tk > nextT) {
        if (nextT != -1) {
          emitAll(nextT, wCount, sum, min, max, counter);
        }
        wCount = 0;
        sum = 0;
        min = Double.MAX_VALUE;
        max = -Double.MAX_VALUE;
        nextT = Math.min(currentWindow(tk, res), lastT);
      }
      double x = v[k];
      if (total > 0) {
        counter += x < last ? x : x - last;
      } else {
        counter = x;
      }
      last = x;
      sum += x;
      wCount++;
      total++;
      if (x < min) {
        min = x;
      }
      if (x > max) {
        max = x;
      }
    }
    emitAll(nextT, wCount, sum, min, max, counter);
    // ... and ends with the last raw value at the last point's timestamp.
    encoders[COUNTER].append(nextT, v[count - 1]);
    byte[] data = AggrChunk.encodeXor(encoders);
    return new ChunkMeta(outMin, outMax, AggrChunk.wrap(data));
  }

  private void emitAll(long t, int count, double sum, double min, double max, double counter) {
    if (t < outMin) {
      outMin = t;
    }
    if (t > outMax) {
      outMax = t;
    }
    encoders[SUM].append(t, sum);
    encoders[MIN].append(t, min);
    encoders[MAX].append(t, max);
    encoders[COUNT].append(t, count);
    encoders[COUNTER].append(t, counter);
  }

  // ------------------------------------------------------------------ aggregate input

  /**
   * Downsamples a series' aggregate chunks ({@code chunks}, in time order, float aggregates) from
   * {@code inRes} to {@code outRes} and appends the result to {@code out} (Thanos' {@code
   * downsampleAggr}).
   */
  public void downsampleAggr(List<ChunkMeta> chunks, long inRes, long outRes, List<ChunkMeta> out) {
    if (chunks.isEmpty()) {
      return;
    }
    long mint = chunks.get(0).minTime();
    long maxt = chunks.get(chunks.size() - 1).maxTime();
    List<AggrChunk> aggr = new ArrayList<>(chunks.size());
    int numSamples = 0;
    for (ChunkMeta c : chunks) {
      AggrChunk a = AggrChunk.from(c.chunk());
      aggr.add(a);
      numSamples += a.numSamples();
    }
    int numChunks = targetChunkCount(mint, maxt, inRes, outRes, numSamples);
    // Thanos divides without rounding up; a series with fewer chunks than targeted would get empty
    // batches there (an error), here batches of one chunk.
    int batchSize = Math.max(1, aggr.size() / numChunks);
    for (int pos = 0; pos < aggr.size(); pos += batchSize) {
      out.add(aggrBatch(aggr.subList(pos, Math.min(pos + batchSize, aggr.size())), outRes));
    }
  }

  private ChunkMeta aggrBatch(List<AggrChunk> chunks, long res) {
    long mint = Long.MAX_VALUE;
    long maxt = Long.MIN_VALUE;
    XorEncoder[] ab = new XorEncoder[N];
    for (int at = COUNT; at <= MAX; at++) {
      int bn = 0;
      for (AggrChunk c : chunks) {
        if (!c.has(AggrType.of(at))) {
          continue;
        }
        bn = expand(c.iterator(AggrType.of(at), xor), bn);
      }
      long am;
      long ax;
      if (bn == 0) {
        // Thanos reports 0/0 for an aggregate no chunk has.
        am = 0;
        ax = 0;
      } else {
        XorEncoder e = encoders[at];
        e.reset();
        ab[at] = e;
        outMin = Long.MAX_VALUE;
        outMax = Long.MIN_VALUE;
        aggregate(bn, res, at, e, false);
        am = outMin;
        ax = outMax;
      }
      if (am < mint) {
        mint = am;
      }
      if (ax > maxt) {
        maxt = ax;
      }
    }
    List<SampleIterator> counters = new ArrayList<>(chunks.size());
    for (AggrChunk c : chunks) {
      if (c.has(AggrType.COUNTER)) {
        counters.add(c.iterator(AggrType.COUNTER, null));
      }
    }
    CounterResetsIterator it = new CounterResetsIterator(counters);
    int bn = expand(it, 0);
    if (bn > 0) {
      XorEncoder e = encoders[COUNTER];
      e.reset();
      ab[COUNTER] = e;
      e.append(bt[0], bv[0]);
      outMin = mint;
      outMax = maxt;
      long lastT = aggregate(bn, res, COUNTER, e, true);
      mint = outMin;
      maxt = outMax;
      e.append(lastT, it.lastRawValue());
    }
    return new ChunkMeta(mint, maxt, AggrChunk.wrap(AggrChunk.encodeXor(ab)));
  }

  /**
   * Appends an iterator's samples to the batch buffer from {@code bn}, skipping stale markers and
   * samples going back in time (the check restarts at 0 for each iterator, as in Thanos).
   */
  private int expand(SampleIterator it, int bn) {
    long lastT = 0;
    while (it.next() != ValueType.NONE) {
      double v = it.atV();
      if (Values.isStaleNaN(v)) {
        continue;
      }
      long t = it.atT();
      if (t >= lastT) {
        ensureBatch(bn + 1);
        bt[bn] = t;
        bv[bn] = v;
        bn++;
        lastT = t;
      }
    }
    return bn;
  }

  /**
   * Thanos' {@code downsampleBatch} over the batch buffer, appending one aggregate per window to
   * {@code e}: count/sum give the window sum, min/max the window min/max, counter the running
   * counter. Tracks output min/max time ({@code elseIf}: Thanos' counter path updates the max only
   * when the min did not change). Returns the last window's timestamp.
   */
  private long aggregate(int count, long res, int at, XorEncoder e, boolean elseIf) {
    long lastT = bt[count - 1];
    long nextT = -1;
    double sum = 0;
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    double counter = 0;
    double last = 0;
    int total = 0;
    for (int k = 0; k < count; k++) {
      long tk = bt[k];
      if (tk > nextT) {
        if (nextT != -1) {
          emit(e, at, nextT, sum, min, max, counter, elseIf);
        }
        sum = 0;
        min = Double.MAX_VALUE;
        max = -Double.MAX_VALUE;
        nextT = Math.min(currentWindow(tk, res), lastT);
      }
      double x = bv[k];
      if (total > 0) {
        counter += x < last ? x : x - last;
      } else {
        counter = x;
      }
      last = x;
      sum += x;
      total++;
      if (x < min) {
        min = x;
      }
      if (x > max) {
        max = x;
      }
    }
    emit(e, at, nextT, sum, min, max, counter, elseIf);
    return nextT;
  }

  private void emit(
      XorEncoder e,
      int at,
      long t,
      double sum,
      double min,
      double max,
      double counter,
      boolean elseIf) {
    if (elseIf) {
      if (t < outMin) {
        outMin = t;
      } else if (t > outMax) {
        outMax = t;
      }
    } else {
      if (t < outMin) {
        outMin = t;
      }
      if (t > outMax) {
        outMax = t;
      }
    }
    double v =
        switch (AggrType.of(at)) {
          case COUNT, SUM -> sum;
          case MIN -> min;
          case MAX -> max;
          case COUNTER -> counter;
        };
    e.append(t, v);
  }
}
