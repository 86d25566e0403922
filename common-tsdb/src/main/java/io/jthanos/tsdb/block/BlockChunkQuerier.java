package io.jthanos.tsdb.block;

import io.jthanos.tsdb.chunkenc.Chunk;
import io.jthanos.tsdb.chunkenc.ChunkDecodingException;
import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.UnsupportedChunkEncodingException;
import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.chunkenc.XorChunk;
import io.jthanos.tsdb.chunkenc.XorEncoder;
import io.jthanos.tsdb.chunkenc.XorIterator;
import io.jthanos.tsdb.chunks.ChunkRefs;
import io.jthanos.tsdb.encoding.CorruptBlockException;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.ChunkMeta;
import io.jthanos.tsdb.storage.ChunkQuerier;
import io.jthanos.tsdb.storage.ChunkSeries;
import io.jthanos.tsdb.storage.ChunkSeriesSet;
import io.jthanos.tsdb.storage.LabelHints;
import io.jthanos.tsdb.storage.LabelResult;
import io.jthanos.tsdb.storage.SelectHints;
import io.jthanos.tsdb.tombstones.Intervals;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * {@link ChunkQuerier} over one block. Chunks pass through as stored (views of the mapping, any
 * encoding) unless deleted intervals or trimming to the query range touch them; those are decoded,
 * filtered and re-encoded as one XOR chunk, as Prometheus does. Hints with {@code disableTrimming}
 * keep chunks that stick out of the range intact.
 */
final class BlockChunkQuerier implements ChunkQuerier {
  private final BlockReader block;
  private final long mint;
  private final long maxt;

  BlockChunkQuerier(BlockReader block, long mint, long maxt) {
    this.block = block;
    this.mint = mint;
    this.maxt = maxt;
  }

  @Override
  public ChunkSeriesSet select(boolean sortSeries, SelectHints hints, List<Matcher> matchers) {
    BlockSelection sel = new BlockSelection(block, mint, maxt, hints, matchers);
    return new ChunkSeriesSet() {
      private ChunkSeries cur;

      @Override
      public boolean next() {
        if (!sel.next()) {
          cur = null;
          return false;
        }
        cur =
            new BlockChunkSeries(
                block,
                sel.labels,
                sel.chunks,
                sel.chunkCount,
                sel.trimMin(),
                sel.trimMax(),
                sel.deleted);
        return true;
      }

      @Override
      public ChunkSeries at() {
        if (cur == null) {
          throw new IllegalStateException("no current series");
        }
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
    return BlockSelection.labelValues(block, name, hints, matchers);
  }

  @Override
  public LabelResult labelNames(LabelHints hints, List<Matcher> matchers) {
    return BlockSelection.labelNames(block, hints, matchers);
  }

  @Override
  public void close() {}

  record BlockChunkSeries(
      BlockReader block,
      Labels labels,
      long[] metas,
      int count,
      long mint,
      long maxt,
      Intervals deleted)
      implements ChunkSeries {

    @Override
    public Iterator<ChunkMeta> chunks() {
      return new Iterator<>() {
        private int i;
        private ChunkMeta next = advance();

        private ChunkMeta advance() {
          while (i < count) {
            int k = i++;
            ChunkMeta m = load(k);
            if (m != null) {
              return m;
            }
          }
          return null;
        }

        @Override
        public boolean hasNext() {
          return next != null;
        }

        @Override
        public ChunkMeta next() {
          if (next == null) {
            throw new NoSuchElementException();
          }
          ChunkMeta m = next;
          next = advance();
          return m;
        }
      };
    }

    private ChunkMeta load(int k) {
      long cmin = metas[3 * k];
      long cmax = metas[3 * k + 1];
      long ref = metas[3 * k + 2];
      Chunk c;
      try {
        c = block.chunks().chunk(ref);
      } catch (UnsupportedChunkEncodingException e) {
        throw e.withContext(block.id(), labels.toString());
      }
      boolean trim = cmin < mint || cmax > maxt;
      boolean touched = trim || deleted.overlaps(cmin, cmax);
      if (!touched) {
        return new ChunkMeta(cmin, cmax, c);
      }
      if (!(c instanceof XorChunk) && !deleted.overlaps(cmin, cmax)) {
        // Chunks this library cannot re-encode (histograms, downsampled aggregates) are passed
        // whole when they merely extend past the range; readers filter samples by time anyway.
        return new ChunkMeta(cmin, cmax, c);
      }
      if (!(c instanceof XorChunk)) {
        throw new UnsupportedChunkEncodingException(
            block.id(), labels.toString(), c.encoding().code());
      }
      try {
        return ChunkFilter.filter(c, mint, maxt, deleted);
      } catch (ChunkDecodingException e) {
        throw new CorruptBlockException(
            block.chunks().dir(),
            ChunkRefs.offset(ref),
            "undecodable chunk "
                + ChunkRefs.toString(ref)
                + " of series "
                + labels
                + " in block "
                + block.id(),
            "valid XOR chunk data",
            e.getMessage(),
            e);
      }
    }
  }

  /** Re-encodes the samples of an XOR chunk within [mint, maxt] and outside deleted intervals. */
  static final class ChunkFilter {
    private ChunkFilter() {}

    /** The filtered chunk, or null when no sample remains. */
    static ChunkMeta filter(Chunk c, long mint, long maxt, Intervals deleted) {
      XorEncoder enc = new XorEncoder();
      SampleIterator it = c.iterator(new XorIterator());
      XorIterator x = (XorIterator) it;
      while (x.next() != ValueType.NONE) {
        long t = x.atT();
        if (t < mint || t > maxt || deleted.contains(t)) {
          continue;
        }
        enc.appendBits(t, x.atVBits());
      }
      if (enc.numSamples() == 0) {
        return null;
      }
      return new ChunkMeta(enc.minTime(), enc.maxTime(), enc.toChunk());
    }
  }
}
