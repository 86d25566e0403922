package io.jthanos.storeapi;

import com.google.protobuf.ByteString;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import java.util.Objects;

/**
 * One encoded chunk as StoreAPI carries it: its encoding (Prometheus numbering, see {@link
 * ChunkEncoding}), its bytes without the encoding byte, and the xxhash64 of those bytes ({@code 0}
 * = not computed, as in Thanos' {@code Chunk.hash}).
 *
 * <p>The bytes are an immutable {@link ByteString}; on the client they are a view of the received
 * frame (no copy per chunk). Use {@code data().asReadOnlyByteBuffer().slice()} to hand them to a
 * decoder expecting a buffer positioned at 0.
 */
public record ChunkBytes(ChunkEncoding encoding, ByteString data, long hash) {
  public ChunkBytes {
    Objects.requireNonNull(encoding, "encoding");
    Objects.requireNonNull(data, "data");
    if (encoding == ChunkEncoding.AGGREGATE) {
      throw new IllegalArgumentException("an aggregate chunk is not a StoreAPI sub-chunk");
    }
  }

  /** A chunk whose hash is left uncomputed (0). */
  public static ChunkBytes of(ChunkEncoding encoding, ByteString data) {
    return new ChunkBytes(encoding, data, 0);
  }

  /** A chunk with its xxhash64 computed. */
  public static ChunkBytes hashed(ChunkEncoding encoding, ByteString data) {
    return new ChunkBytes(encoding, data, xxhash(data));
  }

  /** The hash sent by the store, or the xxhash64 of the bytes when the store sent none. */
  public long hashOrCompute() {
    return hash != 0 ? hash : xxhash(data);
  }

  /**
   * The number of samples, read from the 2-byte big-endian header every Prometheus chunk encoding
   * starts with (0 for an empty buffer).
   */
  public int numSamples() {
    if (data.size() < 2) {
      return 0;
    }
    return ((data.byteAt(0) & 0xFF) << 8) | (data.byteAt(1) & 0xFF);
  }

  /** XXH64 (seed 0) of the bytes, as Go's cespare/xxhash.Sum64. */
  public static long xxhash(ByteString data) {
    return Hashes.xxhash(data.asReadOnlyByteBuffer());
  }
}
