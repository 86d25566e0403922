package io.jthanos.tsdb.encoding;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Sequential decoder over a byte range {@code [start, end)} of a {@link MappedFile}: big-endian
 * integers, Go-style uvarints and varints, length-prefixed strings. Every read is bounded by the
 * range end; reading past it, or a malformed varint, raises a {@link CorruptBlockException} naming
 * the file and the absolute offset. Crosses mapping windows transparently. Not thread-safe.
 */
public final class Decbuf {
  private final MappedFile file;
  private final long end;
  private final int windowBits;
  private ByteBuffer win;
  private long winBase; // absolute file offset of win index 0
  private int p; // current index in win
  private int lim; // readable limit in win: min(win.limit(), end - winBase)

  Decbuf(MappedFile file, long start, long end) {
    this.file = file;
    this.end = end;
    this.windowBits = file.windowBits();
    moveTo(start);
  }

  /** A decoder over a whole in-memory buffer; {@code name} is used in error messages. */
  public static Decbuf of(Path name, ByteBuffer buf) {
    MappedFile f = MappedFile.wrap(name, buf);
    return f.decbuf(0, f.size());
  }

  private void moveTo(long abs) {
    int wi = (int) (abs >>> windowBits);
    if (abs == end && end == file.size() && abs > 0 && (abs & ((1L << windowBits) - 1)) == 0) {
      wi--; // at the very end of a file whose size is a multiple of the window
    }
    win = file.window(wi);
    winBase = (long) wi << windowBits;
    p = (int) (abs - winBase);
    lim = (int) Math.min(win.limit(), end - winBase);
  }

  public Path file() {
    return file.path();
  }

  /** Absolute file offset of the next byte to read. */
  public long position() {
    return winBase + p;
  }

  public long remaining() {
    return end - position();
  }

  /** Moves to an absolute offset within {@code [start, end]}. */
  public void seek(long abs) {
    if (abs < 0 || abs > end) {
      throw corrupt(abs, "seek beyond section end", "offset <= " + end, abs);
    }
    moveTo(abs);
  }

  public void skip(long n) {
    if (n < 0 || n > remaining()) {
      throw corrupt(position(), "skip beyond section end", "at most " + remaining() + " bytes", n);
    }
    moveTo(position() + n);
  }

  private void need(int n) {
    if (p + n <= lim) {
      return;
    }
    long abs = winBase + p;
    if (abs + n > end) {
      throw corrupt(abs, "unexpected end of data", n + " more bytes", (end - abs) + " bytes left");
    }
    moveTo(abs); // the next window holds the whole read thanks to the overlap
    if (p + n > lim) {
      throw new IllegalStateException("read wider than window overlap: " + n);
    }
  }

  public int u8() {
    need(1);
    return win.get(p++) & 0xff;
  }

  public int be32() {
    need(4);
    int v = win.getInt(p);
    p += 4;
    return v;
  }

  /** Unsigned big-endian 32-bit value as a long. */
  public long be32u() {
    return be32() & 0xffffffffL;
  }

  public long be64() {
    need(8);
    long v = win.getLong(p);
    p += 8;
    return v;
  }

  /** Go {@code binary.Uvarint}: at most 10 bytes, the 10th at most 1. */
  public long uvarint() {
    if (p + 10 <= lim) {
      // Fast path: the whole varint is inside the window, no per-byte bounds handling.
      int b = win.get(p);
      if (b >= 0) {
        p++;
        return b;
      }
      long x = b & 0x7f;
      int s = 7;
      for (int i = 1; i < 10; i++) {
        b = win.get(p + i);
        if (b >= 0) {
          if (i == 9 && b > 1) {
            break; // the slow path reports the overflow
          }
          p += i + 1;
          return x | ((long) b << s);
        }
        x |= (long) (b & 0x7f) << s;
        s += 7;
      }
    }
    return uvarintSlow();
  }

  private long uvarintSlow() {
    long start = position();
    long x = 0;
    int s = 0;
    for (int i = 0; i < 10; i++) {
      int b = u8();
      if (b < 0x80) {
        if (i == 9 && b > 1) {
          throw corrupt(start, "uvarint overflows 64 bits", "at most 10 bytes", "overflow");
        }
        return x | ((long) b << s);
      }
      x |= (long) (b & 0x7f) << s;
      s += 7;
    }
    throw corrupt(start, "uvarint overflows 64 bits", "at most 10 bytes", "more than 10 bytes");
  }

  /** A uvarint that must fit a non-negative int (counts, lengths). */
  public int uvarint32() {
    long start = position();
    long v = uvarint();
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw corrupt(
          start, "uvarint out of range", "<= " + Integer.MAX_VALUE, Long.toUnsignedString(v));
    }
    return (int) v;
  }

  /** Go {@code binary.Varint} (zig-zag). */
  public long varint() {
    long ux = uvarint();
    long x = ux >>> 1;
    if ((ux & 1) != 0) {
      x = ~x;
    }
    return x;
  }

  /** Reads {@code uvarint length | bytes} as UTF-8. The length is bounded by the section. */
  public String uvarintString() {
    long start = position();
    int len = uvarint32();
    return string(start, len);
  }

  /** Reads {@code len} bytes as UTF-8. */
  public String string(long lenFieldOffset, int len) {
    if (len > remaining()) {
      throw corrupt(lenFieldOffset, "string length beyond section end", "<= " + remaining(), len);
    }
    if (p + len <= lim) {
      String s = decodeUtf8(win, p, len);
      p += len;
      return s;
    }
    byte[] b = new byte[len];
    long abs = position();
    file.copy(abs, b, 0, len);
    moveTo(abs + len);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static String decodeUtf8(ByteBuffer win, int p, int len) {
    if (win.hasArray()) {
      return new String(win.array(), win.arrayOffset() + p, len, StandardCharsets.UTF_8);
    }
    byte[] b = new byte[len];
    win.get(p, b, 0, len);
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Skips {@code uvarint length | bytes}. */
  public void skipUvarintString() {
    long start = position();
    int len = uvarint32();
    if (len > remaining()) {
      throw corrupt(start, "string length beyond section end", "<= " + remaining(), len);
    }
    moveTo(position() + len);
  }

  /**
   * Reads {@code uvarint length | bytes} and compares the bytes with {@code other} (UTF-8) without
   * allocating: negative, zero or positive as the stored string sorts before, equal to or after.
   */
  public int compareUvarintString(byte[] other) {
    long start = position();
    int len = uvarint32();
    if (len > remaining()) {
      throw corrupt(start, "string length beyond section end", "<= " + remaining(), len);
    }
    int n = Math.min(len, other.length);
    int c = 0;
    if (p + len <= lim) {
      for (int i = 0; i < n && c == 0; i++) {
        c = Integer.compare(win.get(p + i) & 0xff, other[i] & 0xff);
      }
      p += len;
    } else {
      long abs = position();
      for (int i = 0; i < n && c == 0; i++) {
        c = Integer.compare(file.get(abs + i) & 0xff, other[i] & 0xff);
      }
      moveTo(abs + len);
    }
    return c != 0 ? c : Integer.compare(len, other.length);
  }

  public CorruptBlockException corrupt(
      long offset, String problem, Object expected, Object actual) {
    return new CorruptBlockException(file.path(), offset, problem, expected, actual);
  }
}
