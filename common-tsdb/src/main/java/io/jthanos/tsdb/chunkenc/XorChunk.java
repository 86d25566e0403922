package io.jthanos.tsdb.chunkenc;

import java.nio.ByteBuffer;

/** A Prometheus XOR float chunk over its data bytes (count + bit stream). */
public final class XorChunk implements Chunk {
  private final ByteBuffer data;

  /** Wraps chunk data positioned at 0 (not copied: it may be a view of a mapped file). */
  public XorChunk(ByteBuffer data) {
    if (data.limit() < 2) {
      throw new ChunkDecodingException(
          "xor chunk shorter than its 2-byte header: " + data.limit() + " bytes");
    }
    this.data = data;
  }

  public static XorChunk of(byte[] data) {
    return new XorChunk(ByteBuffer.wrap(data).asReadOnlyBuffer());
  }

  @Override
  public ChunkEncoding encoding() {
    return ChunkEncoding.XOR;
  }

  @Override
  public ByteBuffer data() {
    return data.duplicate().position(0);
  }

  @Override
  public int numSamples() {
    return data.getShort(0) & 0xffff;
  }

  @Override
  public SampleIterator iterator(SampleIterator reuse) {
    if (reuse instanceof XorIterator x) {
      return x.reset(data);
    }
    return new XorIterator(data);
  }

  @Override
  public String toString() {
    return "XorChunk{samples=" + numSamples() + ", bytes=" + data.limit() + "}";
  }
}
