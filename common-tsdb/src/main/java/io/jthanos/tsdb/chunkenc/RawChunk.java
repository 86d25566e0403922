package io.jthanos.tsdb.chunkenc;

import java.nio.ByteBuffer;

/**
 * A chunk whose encoding this library carries but does not decode into float samples: native
 * histograms ({@link ChunkEncoding#HISTOGRAM}, {@link ChunkEncoding#FLOAT_HISTOGRAM}) and Thanos'
 * downsampled aggregates ({@link ChunkEncoding#AGGREGATE}). The bytes pass through unchanged
 * (StoreAPI, non-overlapping compaction); asking for samples raises {@link
 * UnsupportedChunkEncodingException}.
 */
public final class RawChunk implements Chunk {
  private final ChunkEncoding encoding;
  private final ByteBuffer data;

  public RawChunk(ChunkEncoding encoding, ByteBuffer data) {
    if (encoding == ChunkEncoding.XOR) {
      throw new IllegalArgumentException("use XorChunk for XOR data");
    }
    this.encoding = encoding;
    this.data = data;
  }

  @Override
  public ChunkEncoding encoding() {
    return encoding;
  }

  @Override
  public ByteBuffer data() {
    return data.duplicate().position(0);
  }

  /**
   * Histogram chunks start with a 2-byte sample count like XOR chunks; an aggregate chunk reports
   * the samples of its first (count) sub-chunk, as Thanos does. Malformed headers count as 0.
   */
  @Override
  public int numSamples() {
    if (encoding == ChunkEncoding.AGGREGATE) {
      return aggregateSamples();
    }
    return data.limit() >= 2 ? data.getShort(0) & 0xffff : 0;
  }

  private int aggregateSamples() {
    // uvarint len | encoding byte | data ... : the count sub-chunk comes first.
    long len = 0;
    int shift = 0;
    int p = 0;
    while (p < data.limit() && p < 10) {
      int b = data.get(p++) & 0xff;
      len |= (long) (b & 0x7f) << shift;
      if (b < 0x80) {
        break;
      }
      shift += 7;
    }
    if (len < 2 || p + 1 + 2 > data.limit()) {
      return 0;
    }
    return data.getShort(p + 1) & 0xffff;
  }

  @Override
  public SampleIterator iterator(SampleIterator reuse) {
    throw new UnsupportedChunkEncodingException(null, null, encoding.code());
  }

  @Override
  public String toString() {
    return "RawChunk{encoding=" + encoding + ", bytes=" + data.limit() + "}";
  }
}
