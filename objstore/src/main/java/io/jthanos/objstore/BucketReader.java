package io.jthanos.objstore;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Read access to a bucket with Thanos' semantics. Object names use {@code /} as the directory
 * delimiter; directories are not objects, they exist while some object name has them as a prefix.
 *
 * <p>Errors: a missing object gives {@link ObjectNotFoundException}, a refused one {@link
 * BucketAccessDeniedException}; both, and every other provider failure, are {@link
 * BucketException}s (an {@link IOException}).
 */
public interface BucketReader {

  /**
   * Lists the entries of {@code dir} ({@code ""} is the root; a trailing {@code /} is optional), in
   * UTF-8 byte order of their full names ({@link ObjectName#ORDER}). Non-recursive: the objects
   * directly in {@code dir} and its sub-directories, the latter with a trailing {@code /}.
   * Recursive: every object below {@code dir}, no directories. Names are full names (they start
   * with {@code dir/}). A missing directory lists nothing. Names written by other tools are listed
   * as they are, whatever characters they hold.
   */
  NameIterator iter(String dir, boolean recursive) throws IOException;

  /** The whole object. The caller closes the stream. */
  InputStream get(String name) throws IOException;

  /**
   * {@code length} bytes from {@code offset}; {@code length == -1} reads to the end. A range
   * reaching past the end is clamped to the end (an offset at or past the end reads nothing).
   */
  InputStream getRange(String name, long offset, long length) throws IOException;

  boolean exists(String name) throws IOException;

  ObjectAttributes attributes(String name) throws IOException;

  /** Whether the failure (or one of its causes) means the object does not exist. */
  default boolean isObjNotFound(Throwable t) {
    return BucketException.find(t, ObjectNotFoundException.class) != null;
  }

  /** Whether the failure (or one of its causes) means the credentials may not access it. */
  default boolean isAccessDenied(Throwable t) {
    return BucketException.find(t, BucketAccessDeniedException.class) != null;
  }

  /** The bucket (or container, or directory) name, as the {@code bucket} metric label. */
  String name();

  /** Convenience over {@link #iter}: materialises the names (for small directories only). */
  default List<String> list(String dir, boolean recursive) throws IOException {
    List<String> out = new ArrayList<>();
    try (NameIterator it = iter(dir, recursive)) {
      while (it.next()) {
        out.add(it.at());
      }
    }
    return out;
  }

  /** Reads a whole (small) object into memory. */
  default byte[] readAllBytes(String name) throws IOException {
    try (InputStream in = get(name)) {
      return in.readAllBytes();
    }
  }
}
