package io.jthanos.tsdb.chunks;

/** Constants of the chunk segment file format ({@code <block>/chunks/NNNNNN}). */
public final class ChunkSegmentFormat {
  private ChunkSegmentFormat() {}

  public static final int MAGIC = 0x85BD40DD;
  public static final int VERSION = 1;

  /** magic(4) + version(1) + padding(3). */
  public static final int HEADER_SIZE = 8;

  /** Default segment size: 512 MiB. */
  public static final long DEFAULT_SEGMENT_SIZE = 512L * 1024 * 1024;

  /** The chunk length field is a uvarint of at most 5 bytes (a uint32). */
  public static final int MAX_LEN_FIELD = 5;

  /** Largest chunk data accepted when reading (the format stores a uint32 length). */
  public static final long MAX_CHUNK_LEN = 0xffffffffL;

  /** File name of the segment with 0-based index {@code i}: {@code 000001} for 0. */
  public static String segmentName(int i) {
    return String.format("%06d", i + 1);
  }
}
