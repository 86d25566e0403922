package io.jthanos.tsdb.chunks;

/**
 * Block chunk references: {@code (segment index << 32) | byte offset}, where the segment index is
 * the 0-based position of the file among the block's sorted segment files ({@code 000001} is 0) and
 * the offset is where the chunk's length field starts.
 */
public final class ChunkRefs {
  private ChunkRefs() {}

  public static long ref(int segmentIndex, long offset) {
    return ((long) segmentIndex << 32) | (offset & 0xffffffffL);
  }

  public static int segment(long ref) {
    return (int) (ref >>> 32);
  }

  public static long offset(long ref) {
    return ref & 0xffffffffL;
  }

  public static String toString(long ref) {
    return segment(ref) + ":" + offset(ref);
  }
}
