package io.jthanos.tsdb.index;

/** Constants of the index file format, version 2. */
public final class IndexFormat {
  private IndexFormat() {}

  public static final int MAGIC = 0xBAAAD700;
  public static final int HEADER_LEN = 5;
  public static final int V1 = 1;
  public static final int V2 = 2;
  public static final int V3 = 3;

  /** Six 8-byte offsets plus a CRC32C. */
  public static final int TOC_LEN = 6 * 8 + 4;

  /** Series entries start at multiples of this; series ref = offset / 16. */
  public static final int SERIES_ALIGN = 16;

  /** Readers keep every 32nd symbol offset and postings table value. */
  public static final int SAMPLING = 32;

  /** Largest index addressable through 4-byte series refs. */
  public static final long MAX_INDEX_SIZE = 16L * 0xffffffffL;
}
