package io.jthanos.query.querier;

import io.jthanos.block.downsample.CounterResetsIterator;
import io.jthanos.proto.store.Aggr;
import io.jthanos.storeapi.ChunkBytes;
import io.jthanos.storeapi.StoreChunk;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.chunkenc.XorIterator;
import io.jthanos.tsdb.storage.StorageException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sample iterators over the chunks of one StoreAPI series (one replica, chunks in time order, not
 * overlapping), reading raw chunks as they are and downsampled chunks through the aggregate the
 * selection asked for (Thanos' querier read side): one of count/sum/min/max read directly, the
 * counter through {@link CounterResetsIterator}, or the average sum/count per point. Samples are
 * bounded to [mint, maxt].
 */
public final class ChunkIterators {
  private ChunkIterators() {}

  public static SampleIterator of(List<StoreChunk> chunks, List<Aggr> aggrs, long mint, long maxt) {
    return new Bounded(build(chunks, aggrs), mint, maxt);
  }

  static SampleIterator build(List<StoreChunk> chunks, List<Aggr> aggrs) {
    boolean allRaw = true;
    for (StoreChunk c : chunks) {
      if (c.raw() == null) {
        allRaw = false;
        break;
      }
    }
    List<SampleIterator> its = new ArrayList<>(chunks.size());
    if (allRaw) {
      for (StoreChunk c : chunks) {
        its.add(decode(c.raw()));
      }
      return new Concat(its);
    }
    if (aggrs.size() == 1) {
      Aggr a = aggrs.getFirst();
      for (StoreChunk c : chunks) {
        ChunkBytes b = c.get(a) != null ? c.get(a) : c.raw();
        if (b == null) {
          throw new StorageException("downsampled chunk without the " + a + " aggregate");
        }
        its.add(decode(b));
      }
      return a == Aggr.COUNTER ? new CounterResetsIterator(its) : new Concat(its);
    }
    for (StoreChunk c : chunks) {
      if (c.raw() != null) {
        its.add(decode(c.raw()));
      } else if (c.sum() != null && c.count() != null) {
        its.add(new Average(decode(c.count()), decode(c.sum())));
      } else {
        throw new StorageException("downsampled chunk without sum and count aggregates");
      }
    }
    return new Concat(its);
  }

  static SampleIterator decode(ChunkBytes b) {
    if (b.encoding() != ChunkEncoding.XOR) {
      throw new StorageException(
          "unsupported chunk encoding " + b.encoding() + ": only float (XOR) chunks are queried");
    }
    return new XorIterator(b.data().asReadOnlyByteBuffer().slice());
  }

  /** Chunks one after another. */
  static final class Concat implements SampleIterator {
    private final List<SampleIterator> its;
    private int i;
    private SampleIterator cur;

    Concat(List<SampleIterator> its) {
      this.its = its;
      this.cur = its.isEmpty() ? SampleIterator.empty() : its.getFirst();
    }

    @Override
    public ValueType next() {
      while (true) {
        if (i >= its.size()) {
          return ValueType.NONE;
        }
        ValueType vt = its.get(i).next();
        if (vt != ValueType.NONE) {
          cur = its.get(i);
          return vt;
        }
        i++;
      }
    }

    @Override
    public ValueType seek(long t) {
      while (i < its.size()) {
        ValueType vt = its.get(i).seek(t);
        if (vt != ValueType.NONE) {
          cur = its.get(i);
          return vt;
        }
        i++;
      }
      return ValueType.NONE;
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

  /** sum / count per point of a downsampled chunk. */
  static final class Average implements SampleIterator {
    private final SampleIterator cnt;
    private final SampleIterator sum;
    private long t;
    private double v;
    private ValueType last;

    Average(SampleIterator cnt, SampleIterator sum) {
      this.cnt = cnt;
      this.sum = sum;
    }

    @Override
    public ValueType next() {
      ValueType a = cnt.next();
      ValueType b = sum.next();
      if (a != b) {
        throw new StorageException("sum and count iterator not aligned");
      }
      if (a == ValueType.NONE) {
        last = ValueType.NONE;
        return ValueType.NONE;
      }
      last = ValueType.FLOAT;
      if (cnt.atT() != sum.atT()) {
        throw new StorageException("sum and count timestamps not aligned");
      }
      t = cnt.atT();
      v = sum.atV() / cnt.atV();
      return ValueType.FLOAT;
    }

    @Override
    public ValueType seek(long ts) {
      if (last == ValueType.NONE) {
        return ValueType.NONE;
      }
      if (last != null && t >= ts) {
        return ValueType.FLOAT;
      }
      while (true) {
        ValueType vt = next();
        if (vt == ValueType.NONE || t >= ts) {
          return vt;
        }
      }
    }

    @Override
    public long atT() {
      return t;
    }

    @Override
    public double atV() {
      return v;
    }
  }

  /** Keeps samples within [mint, maxt]. */
  static final class Bounded implements SampleIterator {
    private final SampleIterator it;
    private final long mint;
    private final long maxt;

    Bounded(SampleIterator it, long mint, long maxt) {
      this.it = it;
      this.mint = mint;
      this.maxt = maxt;
    }

    @Override
    public ValueType next() {
      ValueType vt = it.next();
      if (vt == ValueType.NONE) {
        return vt;
      }
      if (it.atT() < mint) {
        vt = it.seek(mint);
        if (vt == ValueType.NONE) {
          return vt;
        }
      }
      return it.atT() <= maxt ? vt : ValueType.NONE;
    }

    @Override
    public ValueType seek(long t) {
      if (t > maxt) {
        return ValueType.NONE;
      }
      ValueType vt = it.seek(Math.max(t, mint));
      if (vt == ValueType.NONE || it.atT() > maxt) {
        return ValueType.NONE;
      }
      return vt;
    }

    @Override
    public long atT() {
      return it.atT();
    }

    @Override
    public double atV() {
      return it.atV();
    }
  }
}
