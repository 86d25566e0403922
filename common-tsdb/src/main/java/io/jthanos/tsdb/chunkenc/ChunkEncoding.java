package io.jthanos.tsdb.chunkenc;

/**
 * Chunk encodings with their on-disk byte (Prometheus numbering). Thanos' gRPC enum is this byte
 * minus one; {@link #AGGREGATE} (0xFF) is Thanos' downsampled aggregate chunk.
 */
public enum ChunkEncoding {
  XOR(1),
  HISTOGRAM(2),
  FLOAT_HISTOGRAM(3),
  AGGREGATE(0xFF);

  private final int code;

  ChunkEncoding(int code) {
    this.code = code;
  }

  /** The encoding byte as stored in chunk segment files. */
  public int code() {
    return code;
  }

  /** Resolves an on-disk encoding byte, or returns null when unknown. */
  public static ChunkEncoding fromCode(int code) {
    return switch (code & 0xFF) {
      case 1 -> XOR;
      case 2 -> HISTOGRAM;
      case 3 -> FLOAT_HISTOGRAM;
      case 0xFF -> AGGREGATE;
      default -> null;
    };
  }
}
