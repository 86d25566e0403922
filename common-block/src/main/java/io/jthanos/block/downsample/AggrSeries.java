package io.jthanos.block.downsample;

import io.jthanos.tsdb.chunkenc.Chunk;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.ValueType;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one aggregate of a downsampled series across its chunks, the way Thanos' querier does:
 * count/sum/min/max concatenate the aggregate's samples; {@code counter} goes through {@link
 * CounterResetsIterator} so resets inside and between chunks are applied; the average is sum/count
 * per window. Raw XOR chunks (a block that holds both) are read as they are.
 */
public final class AggrSeries {
  private AggrSeries() {}

  /** The samples of {@code type} across {@code chunks} (time-ordered). */
  public static SampleIterator iterator(List<? extends Chunk> chunks, AggrType type) {
    List<SampleIterator> its = new ArrayList<>(chunks.size());
    for (Chunk c : chunks) {
      if (c.encoding() == ChunkEncoding.AGGREGATE) {
        its.add(AggrChunk.from(c).iterator(type, null));
      } else {
        its.add(c.iterator(null));
      }
    }
    return type == AggrType.COUNTER ? new CounterResetsIterator(its) : new Concat(its);
  }

  /** Per-window averages (sum / count) across {@code chunks}. */
  public static SampleIterator average(List<? extends Chunk> chunks) {
    List<SampleIterator> its = new ArrayList<>(chunks.size());
    for (Chunk c : chunks) {
      if (c.encoding() == ChunkEncoding.AGGREGATE) {
        its.add(AggrChunk.from(c).iterator(null));
      } else {
        its.add(c.iterator(null));
      }
    }
    return new Concat(its);
  }

  /** Iterators one after another. */
  static final class Concat implements SampleIterator {
    private final List<SampleIterator> its;
    private int i;
    private SampleIterator cur;
    private ValueType vt = null;

    Concat(List<SampleIterator> its) {
      this.its = its;
    }

    @Override
    public ValueType next() {
      if (vt == ValueType.NONE) {
        return vt;
      }
      while (i < its.size()) {
        cur = its.get(i);
        ValueType v = cur.next();
        if (v != ValueType.NONE) {
          vt = v;
          return v;
        }
        i++;
      }
      vt = ValueType.NONE;
      return vt;
    }

    @Override
    public ValueType seek(long t) {
      if (vt != null && vt != ValueType.NONE && cur.atT() >= t) {
        return vt;
      }
      while (true) {
        ValueType v = next();
        if (v == ValueType.NONE || cur.atT() >= t) {
          return v;
        }
      }
    }

    @Override
    public long atT() {
      return cur.atT();
    }

    @Override
    public double atV() {
      return cur.atV();
    }
  }
}
