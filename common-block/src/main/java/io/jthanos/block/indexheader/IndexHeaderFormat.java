package io.jthanos.block.indexheader;

/**
 * Constants of Thanos' index-header, binary format v1 (spec 4.6): a local file per block holding a
 * byte copy of the index's symbol table and postings offset table, so a store gateway can resolve
 * label matchers and symbols without the whole index.
 *
 * <pre>
 * magic 0xBAAAD792 (4) | version 1 (1) | index version (1) | BE64 postings offset table offset in
 * the index (8) | symbols section | postings offset table section (through the index's TOC) |
 * BE64 symbols position | BE64 postings offset table position | CRC32C of the 16 TOC bytes
 * </pre>
 */
public final class IndexHeaderFormat {
  private IndexHeaderFormat() {}

  public static final int MAGIC = 0xBAAAD792;
  public static final int VERSION_1 = 1;

  /** magic + version + index version + postings offset table offset. */
  public static final int HEADER_LEN = 4 + 1 + 1 + 8;

  /** Two BE64 positions and a CRC32C. */
  public static final int TOC_LEN = 2 * 8 + 4;

  /** The file name inside {@code <data-dir>/<ULID>/}. */
  public static final String FILE_NAME = "index-header";

  /** Thanos' default for {@code --store.index-header-posting-offsets-in-mem-sampling}. */
  public static final int DEFAULT_POSTING_OFFSETS_IN_MEM_SAMPLING = 32;

  /** Largest index the v1 format addresses (4-byte series refs times 16). */
  public static final long MAX_INDEX_SIZE = 16L * 0xffffffffL;
}
