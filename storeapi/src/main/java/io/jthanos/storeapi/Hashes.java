package io.jthanos.storeapi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.openhft.hashing.Access;
import net.openhft.hashing.LongHashFunction;

/**
 * XXH64 (seed 0, as Go's cespare/xxhash) over buffer contents without copying. Reads through the
 * buffer's own accessors, so direct, memory-mapped and read-only buffers all work without access to
 * JDK internals.
 */
final class Hashes {
  private static final LongHashFunction XX = LongHashFunction.xx();
  private static final Access<ByteBuffer> ACCESS = Access.toByteBuffer();

  private Hashes() {}

  /** Hash of the bytes between position and limit. */
  static long xxhash(ByteBuffer data) {
    ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    return XX.hash(b, ACCESS, b.position(), b.remaining());
  }
}
