package io.jthanos.tsdb.storage;

/**
 * Base of all storage-layer failures (I/O, corruption, limits); unchecked so iterators can throw.
 */
public class StorageException extends RuntimeException {
  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
