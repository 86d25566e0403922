package io.jthanos.tsdb.chunkenc;

import java.nio.ByteBuffer;

/** One encoded chunk: its encoding and its data bytes (without the encoding byte). */
public interface Chunk {

  ChunkEncoding encoding();

  /**
   * The encoded bytes, excluding the encoding byte, as a read-only buffer positioned at 0. May be a
   * view of a memory-mapped file: valid only while the reader that produced it is open.
   */
  ByteBuffer data();

  /** Number of samples in the chunk. */
  int numSamples();

  /** An iterator over the samples, reusing {@code reuse} when it is of a compatible kind. */
  SampleIterator iterator(SampleIterator reuse);
}
