package io.jthanos.tsdb.chunkenc;

import java.nio.ByteBuffer;

/** Builds {@link Chunk} views over encoded bytes by encoding byte. */
public final class Chunks {
  private Chunks() {}

  /**
   * A chunk over {@code data} (positioned at 0) with the given on-disk encoding byte. XOR chunks
   * decode; histogram and aggregate chunks pass through as {@link RawChunk}; an unknown encoding
   * raises {@link UnsupportedChunkEncodingException}.
   */
  public static Chunk of(int encodingCode, ByteBuffer data) {
    ChunkEncoding e = ChunkEncoding.fromCode(encodingCode);
    if (e == null) {
      throw new UnsupportedChunkEncodingException(null, null, encodingCode & 0xff);
    }
    return e == ChunkEncoding.XOR ? new XorChunk(data) : new RawChunk(e, data);
  }
}
