package io.jthanos.tsdb.encoding;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Buffered sequential writer to a new file that tracks its position, pads to alignments, patches
 * earlier bytes and fsyncs on {@link #finish()}. One owner; {@link #close()} without finish leaves
 * a partial file for the caller's temp-directory cleanup.
 */
public final class FileWriter implements AutoCloseable {
  private final Path path;
  private final FileChannel ch;
  private final ByteBuffer buf;
  private long pos;

  public FileWriter(Path path) throws IOException {
    this(path, 1 << 20);
  }

  public FileWriter(Path path, int bufferSize) throws IOException {
    this.path = path;
    this.ch =
        FileChannel.open(
            path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
    this.buf = ByteBuffer.allocateDirect(bufferSize);
  }

  public Path path() {
    return path;
  }

  /** Bytes written so far (the offset of the next byte). */
  public long position() {
    return pos;
  }

  public void write(byte[] b, int off, int n) throws IOException {
    while (n > 0) {
      if (!buf.hasRemaining()) {
        flush();
      }
      int k = Math.min(n, buf.remaining());
      buf.put(b, off, k);
      off += k;
      n -= k;
      pos += k;
    }
  }

  public void write(Encbuf e) throws IOException {
    write(e.array(), 0, e.len());
  }

  /** Writes the remaining bytes of {@code src} (its position is not changed). */
  public void write(ByteBuffer src) throws IOException {
    ByteBuffer s = src.duplicate();
    while (s.hasRemaining()) {
      if (!buf.hasRemaining()) {
        flush();
      }
      int k = Math.min(s.remaining(), buf.remaining());
      ByteBuffer part = s.slice(s.position(), k);
      buf.put(part);
      s.position(s.position() + k);
      pos += k;
    }
  }

  private static final byte[] ZEROS = new byte[64];

  /** Writes zero bytes until the position is a multiple of {@code align}. */
  public void padTo(int align) throws IOException {
    int p = (int) (pos % align);
    if (p != 0) {
      int n = align - p;
      while (n > 0) {
        int k = Math.min(n, ZEROS.length);
        write(ZEROS, 0, k);
        n -= k;
      }
    }
  }

  /** Overwrites bytes at an earlier position. */
  public void writeAt(long at, byte[] b, int off, int n) throws IOException {
    flush();
    ByteBuffer src = ByteBuffer.wrap(b, off, n);
    long p = at;
    while (src.hasRemaining()) {
      p += ch.write(src, p);
    }
  }

  /** Flushes buffered bytes to the OS. */
  public void flush() throws IOException {
    buf.flip();
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
    buf.clear();
  }

  /** Reads back bytes already written (flushes first); used to checksum large sections. */
  public FileChannel channel() throws IOException {
    flush();
    return ch;
  }

  /** Flushes, truncates to the written size, fsyncs and closes. */
  public void finish() throws IOException {
    flush();
    ch.truncate(pos);
    ch.force(true);
    ch.close();
  }

  @Override
  public void close() throws IOException {
    if (ch.isOpen()) {
      ch.close();
    }
  }
}
