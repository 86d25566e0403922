package io.jthanos.objstore;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A bucket in an object store, with Thanos' semantics (see {@link BucketReader} for reads).
 * Components obtain one from {@link Buckets#create}; providers implement it behind {@link
 * BucketProvider}.
 */
public interface Bucket extends BucketReader, Closeable {

  /**
   * Writes an object. Idempotent: uploading a name again replaces it. A reader sees either the old
   * or the new object in full, never half of one; a failed upload leaves no visible object. {@code
   * length} is the exact number of bytes {@code in} gives, or -1 when unknown (providers then
   * buffer or stream in parts). Names are validated ({@link ObjectName#validate}). The stream is
   * not closed.
   */
  void upload(String name, InputStream in, long length) throws IOException;

  /**
   * Uploads a local file. Providers and wrappers may read the file more than once (parallel parts,
   * retries), so this is the preferred form for large objects.
   */
  default void upload(String name, Path file) throws IOException {
    long size = Files.size(file);
    try (InputStream in = Files.newInputStream(file)) {
      upload(name, in, size);
    }
  }

  default void upload(String name, byte[] data) throws IOException {
    upload(name, new ByteArrayInputStream(data), data.length);
  }

  /** Removes an object; a missing object is an {@link ObjectNotFoundException}. */
  void delete(String name) throws IOException;

  @Override
  void close() throws IOException;
}
