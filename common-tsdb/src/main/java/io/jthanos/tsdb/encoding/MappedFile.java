package io.jthanos.tsdb.encoding;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A read-only, memory-mapped file of any size. Java 21 cannot map more than 2 GiB into one buffer,
 * so the file is mapped as consecutive windows of {@code 2^windowBits} bytes (1 GiB by default).
 * Each window extends {@code overlap} bytes into the next one, so that every read of up to {@code
 * overlap} bytes starting inside a window is served by that window alone: fixed-width integers and
 * varints never need to straddle a boundary. Larger ranges that cross a boundary are copied (see
 * {@link #slice}). Nothing is loaded onto the heap; the OS pages the file in on demand.
 *
 * <p>Mappings are released by the garbage collector once unreachable; {@link #close()} only drops
 * the references, so a reader still holding a view after close reads valid memory and never crashes
 * the JVM. Thread-safe: all reads are absolute.
 */
public final class MappedFile implements AutoCloseable {
  /** Default window: 1 GiB. */
  public static final int DEFAULT_WINDOW_BITS = 30;

  /** Default overlap between windows: 64 KiB. */
  public static final int DEFAULT_OVERLAP = 1 << 16;

  private final Path path;
  private final long size;
  private final int windowBits;
  private final long windowMask;
  private final int overlap;
  private volatile ByteBuffer[] windows;

  private MappedFile(Path path, long size, int windowBits, int overlap, ByteBuffer[] windows) {
    this.path = path;
    this.size = size;
    this.windowBits = windowBits;
    this.windowMask = (1L << windowBits) - 1;
    this.overlap = overlap;
    this.windows = windows;
  }

  public static MappedFile open(Path path) {
    return open(path, DEFAULT_WINDOW_BITS, DEFAULT_OVERLAP);
  }

  /**
   * Maps the file with a custom window size (tests use small windows to exercise boundaries).
   * {@code overlap} must be at least 16 and at most the window size.
   */
  public static MappedFile open(Path path, int windowBits, int overlap) {
    if (windowBits < 6 || windowBits > 30) {
      throw new IllegalArgumentException("windowBits must be in [6, 30]: " + windowBits);
    }
    if (overlap < 16 || overlap > (1 << windowBits)) {
      throw new IllegalArgumentException("overlap must be in [16, window size]: " + overlap);
    }
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = ch.size();
      long window = 1L << windowBits;
      int n = size == 0 ? 1 : (int) ((size + window - 1) >>> windowBits);
      ByteBuffer[] windows = new ByteBuffer[n];
      for (int i = 0; i < n; i++) {
        long start = (long) i << windowBits;
        long len = Math.min(size - start, window + overlap);
        windows[i] = ch.map(FileChannel.MapMode.READ_ONLY, start, Math.max(0, len));
      }
      return new MappedFile(path, size, windowBits, overlap, windows);
    } catch (IOException e) {
      throw new UncheckedIOException("mmap " + path + ": " + e.getMessage(), e);
    }
  }

  /** Wraps an in-memory buffer (position 0 .. limit) as if it were a file; for tests and tools. */
  public static MappedFile wrap(Path nameForErrors, ByteBuffer buf) {
    ByteBuffer b = buf.slice();
    return new MappedFile(nameForErrors, b.remaining(), 31, DEFAULT_OVERLAP, new ByteBuffer[] {b});
  }

  public Path path() {
    return path;
  }

  public long size() {
    return size;
  }

  int windowBits() {
    return windowBits;
  }

  ByteBuffer window(int i) {
    ByteBuffer[] w = windows;
    if (w == null) {
      throw new IllegalStateException("file closed: " + path);
    }
    return w[i];
  }

  private void checkRange(long pos, long len) {
    if (pos < 0 || len < 0 || pos > size - len) {
      throw new CorruptBlockException(
          path, pos, "read beyond end of file", "range within size " + size, len + " bytes");
    }
  }

  public byte get(long pos) {
    checkRange(pos, 1);
    return window((int) (pos >>> windowBits)).get((int) (pos & windowMask));
  }

  /** Big-endian 32-bit integer at {@code pos}. */
  public int getInt(long pos) {
    checkRange(pos, 4);
    return window((int) (pos >>> windowBits)).getInt((int) (pos & windowMask));
  }

  /** Big-endian 64-bit integer at {@code pos}. */
  public long getLong(long pos) {
    checkRange(pos, 8);
    return window((int) (pos >>> windowBits)).getLong((int) (pos & windowMask));
  }

  /**
   * {@code len} bytes at {@code pos} as a read-only buffer positioned at 0: a view of the mapping
   * when the range lies within one window, otherwise a heap copy (bounded by the file size).
   */
  public ByteBuffer slice(long pos, int len) {
    checkRange(pos, len);
    ByteBuffer w = window((int) (pos >>> windowBits));
    int local = (int) (pos & windowMask);
    if (local + len <= w.limit()) {
      return w.slice(local, len).asReadOnlyBuffer();
    }
    byte[] out = new byte[len];
    copy(pos, out, 0, len);
    return ByteBuffer.wrap(out).asReadOnlyBuffer();
  }

  /** Copies {@code len} bytes at {@code pos} into {@code dst}. */
  public void copy(long pos, byte[] dst, int off, int len) {
    checkRange(pos, len);
    long window = 1L << windowBits;
    while (len > 0) {
      int wi = (int) (pos >>> windowBits);
      int local = (int) (pos & windowMask);
      int n = (int) Math.min(len, window - local);
      n = Math.min(n, window(wi).limit() - local);
      window(wi).get(local, dst, off, n);
      pos += n;
      off += n;
      len -= n;
    }
  }

  /** CRC32C (Castagnoli) of {@code len} bytes at {@code pos}, streamed window by window. */
  public int crc32c(long pos, long len) {
    checkRange(pos, len);
    CRC32C crc = new CRC32C();
    long window = 1L << windowBits;
    while (len > 0) {
      int wi = (int) (pos >>> windowBits);
      int local = (int) (pos & windowMask);
      int n = (int) Math.min(len, window - local);
      n = Math.min(n, window(wi).limit() - local);
      crc.update(window(wi).slice(local, n));
      pos += n;
      len -= n;
    }
    return (int) crc.getValue();
  }

  /** A sequential decoder over {@code [pos, end)}. */
  public Decbuf decbuf(long pos, long end) {
    if (pos < 0 || end < pos || end > size) {
      throw new CorruptBlockException(
          path,
          pos,
          "section out of file bounds",
          "[" + pos + ", " + end + "] within " + size,
          end);
    }
    return new Decbuf(this, pos, end);
  }

  int overlap() {
    return overlap;
  }

  @Override
  public void close() {
    windows = null;
  }
}
