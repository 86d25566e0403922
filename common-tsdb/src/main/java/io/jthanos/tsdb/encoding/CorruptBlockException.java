package io.jthanos.tsdb.encoding;

import io.jthanos.tsdb.storage.StorageException;
import java.nio.file.Path;

/**
 * A block file does not hold what its format promises. Names the file, the byte offset where the
 * problem was found, what was expected there and what was actually read, so an operator can tell a
 * truncated upload from a flipped bit.
 */
public class CorruptBlockException extends StorageException {
  private final Path file;
  private final long offset;
  private final String problem;
  private final String expected;
  private final String actual;

  public CorruptBlockException(
      Path file, long offset, String problem, Object expected, Object actual) {
    this(file, offset, problem, expected, actual, null);
  }

  public CorruptBlockException(
      Path file, long offset, String problem, Object expected, Object actual, Throwable cause) {
    super(format(file, offset, problem, expected, actual), cause);
    this.file = file;
    this.offset = offset;
    this.problem = problem;
    this.expected = String.valueOf(expected);
    this.actual = String.valueOf(actual);
  }

  private static String format(
      Path file, long offset, String problem, Object expected, Object actual) {
    return "corrupt block file "
        + file
        + " at offset "
        + offset
        + ": "
        + problem
        + " (expected "
        + expected
        + ", actual "
        + actual
        + ")";
  }

  /** The file that is corrupt. */
  public Path file() {
    return file;
  }

  /** Byte offset in {@link #file()} where the corruption was detected. */
  public long offset() {
    return offset;
  }

  /** What is wrong, without file and offset. */
  public String problem() {
    return problem;
  }

  public String expected() {
    return expected;
  }

  public String actual() {
    return actual;
  }

  /** Formats a 32-bit value as {@code 0x%08x}, for checksum and magic mismatches. */
  public static String hex32(int v) {
    return String.format("0x%08x", v);
  }
}
