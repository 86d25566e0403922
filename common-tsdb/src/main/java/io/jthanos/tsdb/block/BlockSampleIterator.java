package io.jthanos.tsdb.block;

import io.jthanos.tsdb.chunkenc.Chunk;
import io.jthanos.tsdb.chunkenc.ChunkDecodingException;
import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.UnsupportedChunkEncodingException;
import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.chunkenc.XorChunk;
import io.jthanos.tsdb.chunkenc.XorIterator;
import io.jthanos.tsdb.chunks.ChunkRefs;
import io.jthanos.tsdb.chunks.ChunkSegmentReader;
import io.jthanos.tsdb.encoding.CorruptBlockException;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.tombstones.Intervals;

/**
 * Float samples of one block series across its chunks, skipping samples outside [mint, maxt] and
 * samples in deleted intervals. Chunks are loaded lazily; seeking skips whole chunks by their index
 * time range without decoding them. Non-XOR chunks raise {@link UnsupportedChunkEncodingException}
 * naming block and series; undecodable chunk data raises {@link CorruptBlockException} naming the
 * chunk ref.
 */
final class BlockSampleIterator implements SampleIterator {
  private final String block;
  private final ChunkSegmentReader reader;
  private final Labels labels;
  private final long[] metas;
  private final int n;
  private final long mint;
  private final long maxt;
  private final Intervals deleted;
  private final XorIterator it = new XorIterator();
  private int ci = -1;
  private boolean loaded;
  private boolean done;

  BlockSampleIterator(
      String block,
      ChunkSegmentReader reader,
      Labels labels,
      long[] metas,
      int n,
      long mint,
      long maxt,
      Intervals deleted) {
    this.block = block;
    this.reader = reader;
    this.labels = labels;
    this.metas = metas;
    this.n = n;
    this.mint = mint;
    this.maxt = maxt;
    this.deleted = deleted;
  }

  private boolean nextChunk() {
    ci++;
    loaded = false;
    if (ci >= n) {
      done = true;
      return false;
    }
    load();
    return true;
  }

  private void load() {
    long ref = metas[3 * ci + 2];
    Chunk c;
    try {
      c = reader.chunk(ref);
    } catch (UnsupportedChunkEncodingException e) {
      throw e.withContext(block, labels.toString());
    }
    if (!(c instanceof XorChunk)) {
      throw new UnsupportedChunkEncodingException(block, labels.toString(), c.encoding().code());
    }
    try {
      it.reset(c.data());
    } catch (ChunkDecodingException e) {
      throw corrupt(ref, e);
    }
    loaded = true;
  }

  private CorruptBlockException corrupt(long ref, ChunkDecodingException e) {
    return new CorruptBlockException(
        reader.dir(),
        ChunkRefs.offset(ref),
        "undecodable chunk "
            + ChunkRefs.toString(ref)
            + " of series "
            + labels
            + " in block "
            + block,
        "valid XOR chunk data",
        e.getMessage(),
        e);
  }

  private ValueType step() {
    try {
      return it.next();
    } catch (ChunkDecodingException e) {
      throw corrupt(metas[3 * ci + 2], e);
    }
  }

  @Override
  public ValueType next() {
    hasCur = false;
    if (done) {
      return ValueType.NONE;
    }
    while (true) {
      if (!loaded && !nextChunk()) {
        return ValueType.NONE;
      }
      if (step() == ValueType.NONE) {
        loaded = false;
        continue;
      }
      long t = it.atT();
      if (t < mint || (!deleted.isEmpty() && deleted.contains(t))) {
        continue;
      }
      if (t > maxt) {
        done = true;
        return ValueType.NONE;
      }
      hasCur = true;
      return ValueType.FLOAT;
    }
  }

  @Override
  public ValueType seek(long t) {
    if (done) {
      return ValueType.NONE;
    }
    if (hasCur && it.atT() >= t) {
      return ValueType.FLOAT;
    }
    hasCur = false;
    long target = Math.max(t, mint);
    if (loaded && metas[3 * ci + 1] < target) {
      loaded = false;
    }
    if (!loaded) {
      // Skip chunks ending before the target without decoding them.
      do {
        ci++;
      } while (ci < n && metas[3 * ci + 1] < target);
      if (ci >= n) {
        done = true;
        return ValueType.NONE;
      }
      load();
    }
    ValueType v;
    try {
      v = it.seek(target);
    } catch (ChunkDecodingException e) {
      throw corrupt(metas[3 * ci + 2], e);
    }
    if (v == ValueType.NONE) {
      loaded = false;
      return next();
    }
    long ts = it.atT();
    if (!deleted.isEmpty() && deleted.contains(ts)) {
      return next();
    }
    if (ts > maxt) {
      done = true;
      return ValueType.NONE;
    }
    hasCur = true;
    return ValueType.FLOAT;
  }

  private boolean hasCur;

  @Override
  public long atT() {
    return it.atT();
  }

  @Override
  public double atV() {
    return it.atV();
  }
}
