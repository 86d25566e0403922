package io.jthanos.tsdb.chunkenc;

import io.jthanos.tsdb.storage.StorageException;

/**
 * Samples were requested from a chunk whose encoding is not decoded here (native histograms until
 * they are supported, Thanos aggregates outside the block layer) or is unknown altogether. Names
 * the block, the series and the encoding byte, so the operator knows exactly what was refused.
 */
public class UnsupportedChunkEncodingException extends StorageException {
  private final String block;
  private final String series;
  private final int encoding;

  public UnsupportedChunkEncodingException(String block, String series, int encoding) {
    super(message(block, series, encoding));
    this.block = block;
    this.series = series;
    this.encoding = encoding;
  }

  private static String message(String block, String series, int encoding) {
    ChunkEncoding e = ChunkEncoding.fromCode(encoding);
    String name = e == null ? "unknown" : e.name().toLowerCase(java.util.Locale.ROOT);
    return "unsupported chunk encoding "
        + encoding
        + " ("
        + name
        + ")"
        + (block != null ? " in block " + block : "")
        + (series != null ? " for series " + series : "")
        + ": only XOR float chunks can be decoded into samples";
  }

  /** The block (directory name or ULID), or null when unknown at the throw site. */
  public String block() {
    return block;
  }

  /** The series labels as text, or null when unknown at the throw site. */
  public String series() {
    return series;
  }

  /** The on-disk encoding byte. */
  public int encoding() {
    return encoding;
  }

  /** The same error with block and series filled in. */
  public UnsupportedChunkEncodingException withContext(String block, String series) {
    UnsupportedChunkEncodingException e =
        new UnsupportedChunkEncodingException(block, series, encoding);
    e.initCause(this);
    return e;
  }
}
