package io.jthanos.tsdb.chunkenc;

import io.jthanos.tsdb.storage.StorageException;

/**
 * Chunk bytes that cannot be decoded. Readers that know the file, block and series wrap it into a
 * more precise error ({@code CorruptBlockException}).
 */
public class ChunkDecodingException extends StorageException {
  public ChunkDecodingException(String message) {
    super(message);
  }
}
