package io.jthanos.objstore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A byte range of a file read with positional reads (no seek of a shared position, no reading of
 * what precedes the range); ends early at end of file. Closing closes the channel.
 */
public final class FileRangeInputStream extends InputStream {
  private final FileChannel ch;
  private final String objectName;
  private long pos;
  private long remaining;

  public FileRangeInputStream(FileChannel ch, long offset, long length) {
    this(ch, offset, length, null);
  }

  /**
   * With {@code objectName} set, a channel that turns out to be a directory reads as {@link
   * ObjectNotFoundException} for that object.
   */
  public FileRangeInputStream(FileChannel ch, long offset, long length, String objectName) {
    this.ch = ch;
    this.pos = offset;
    this.remaining = length;
    this.objectName = objectName;
  }

  public static FileRangeInputStream open(Path file, long offset, long length) throws IOException {
    return new FileRangeInputStream(
        FileChannel.open(file, StandardOpenOption.READ), offset, length);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n <= 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (remaining <= 0) {
      return -1;
    }
    int want = (int) Math.min(len, remaining);
    int n;
    try {
      n = ch.read(ByteBuffer.wrap(b, off, want), pos);
    } catch (IOException e) {
      if (objectName != null && "Is a directory".equals(e.getMessage())) {
        throw new ObjectNotFoundException(objectName, e);
      }
      throw e;
    }
    if (n <= 0) {
      remaining = 0;
      return -1;
    }
    pos += n;
    remaining -= n;
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    if (n <= 0 || remaining <= 0) {
      return 0;
    }
    long s = Math.min(n, Math.min(remaining, Math.max(0, ch.size() - pos)));
    pos += s;
    remaining -= s;
    return s;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(Integer.MAX_VALUE, Math.min(remaining, Math.max(0, ch.size() - pos)));
  }

  @Override
  public long transferTo(OutputStream out) throws IOException {
    long total = 0;
    byte[] buf = new byte[1 << 16];
    int n;
    while ((n = read(buf, 0, buf.length)) > 0) {
      out.write(buf, 0, n);
      total += n;
    }
    return total;
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }
}
