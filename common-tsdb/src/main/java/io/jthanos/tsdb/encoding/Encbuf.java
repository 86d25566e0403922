package io.jthanos.tsdb.encoding;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A growable byte buffer with the encodings of Prometheus' file formats: big-endian integers,
 * Go-style uvarints and zig-zag varints, length-prefixed strings. Not thread-safe; reusable via
 * {@link #reset()}.
 */
public final class Encbuf {
  private byte[] b;
  private int len;

  public Encbuf() {
    this(256);
  }

  public Encbuf(int capacity) {
    this.b = new byte[Math.max(16, capacity)];
  }

  public Encbuf reset() {
    len = 0;
    return this;
  }

  public int len() {
    return len;
  }

  /** The backing array; valid bytes are {@code [0, len())}. */
  public byte[] array() {
    return b;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(b, len);
  }

  private void ensure(int n) {
    if (len + n > b.length) {
      b = Arrays.copyOf(b, Math.max(b.length * 2, len + n));
    }
  }

  public Encbuf putByte(int v) {
    ensure(1);
    b[len++] = (byte) v;
    return this;
  }

  public Encbuf putBytes(byte[] src, int off, int n) {
    ensure(n);
    System.arraycopy(src, off, b, len, n);
    len += n;
    return this;
  }

  public Encbuf putBytes(byte[] src) {
    return putBytes(src, 0, src.length);
  }

  public Encbuf putBE32(int v) {
    ensure(4);
    b[len] = (byte) (v >>> 24);
    b[len + 1] = (byte) (v >>> 16);
    b[len + 2] = (byte) (v >>> 8);
    b[len + 3] = (byte) v;
    len += 4;
    return this;
  }

  /** Overwrites 4 bytes at {@code pos} (a placeholder written earlier). */
  public void setBE32(int pos, int v) {
    b[pos] = (byte) (v >>> 24);
    b[pos + 1] = (byte) (v >>> 16);
    b[pos + 2] = (byte) (v >>> 8);
    b[pos + 3] = (byte) v;
  }

  public Encbuf putBE64(long v) {
    putBE32((int) (v >>> 32));
    return putBE32((int) v);
  }

  public Encbuf putUvarint(long v) {
    ensure(10);
    while ((v & ~0x7fL) != 0) {
      b[len++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    b[len++] = (byte) v;
    return this;
  }

  public Encbuf putVarint(long v) {
    return putUvarint((v << 1) ^ (v >> 63));
  }

  public Encbuf putUvarintString(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    putUvarint(bytes.length);
    return putBytes(bytes);
  }

  /** CRC32C of bytes {@code [from, to)}. */
  public int crc32c(int from, int to) {
    CRC32C c = new CRC32C();
    c.update(b, from, to - from);
    return (int) c.getValue();
  }

  /** Appends the big-endian CRC32C of bytes {@code [from, len())}. */
  public Encbuf putCrc32c(int from) {
    return putBE32(crc32c(from, len));
  }

  /** Number of bytes {@code putUvarint(v)} writes. */
  public static int uvarintSize(long v) {
    int n = 1;
    while ((v & ~0x7fL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }
}
