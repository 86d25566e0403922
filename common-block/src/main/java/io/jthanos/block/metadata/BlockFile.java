package io.jthanos.block.metadata;

/**
 * One entry of meta.json's {@code thanos.files}: a path relative to the block directory, its size
 * ({@code 0} is omitted, as for meta.json itself) and an optional hash.
 */
public record BlockFile(String relPath, long sizeBytes, ObjectHash hash) {
  public BlockFile {
    if (relPath == null) {
      throw new IllegalArgumentException("rel_path must be set");
    }
  }
}
