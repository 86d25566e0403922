package io.jthanos.tsdb.chunkenc;

import java.nio.ByteBuffer;

/**
 * Decodes a Prometheus XOR chunk. Reusable: {@link #reset(ByteBuffer)} points it at another chunk
 * without allocating. Malformed data (stream shorter than the sample count says, an impossible XOR
 * window, an overlong varint) raises a {@link ChunkDecodingException} instead of producing garbage.
 */
public final class XorIterator implements SampleIterator {
  private static final java.lang.invoke.VarHandle LONG =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.BIG_ENDIAN);

  private byte[] bytes = new byte[512]; // copy of the chunk data, zero-padded by 8 bytes
  private int end; // data length in bytes
  private long bitPos; // next bit to read, from the start of the data
  private long endBits; // end * 8
  private long word; // bits from bitPos on, left-aligned (zero-padded past the end)
  private int wordBits; // bits of word that are loaded (>= 57 after a refill)

  private int total;
  private int read;
  private long t;
  private long vBits;
  private long tDelta;
  private int leading;
  private int trailing;
  private boolean exhausted;

  public XorIterator() {}

  public XorIterator(ByteBuffer data) {
    reset(data);
  }

  /** Points the iterator at new chunk data (count + bit stream, positioned at 0). */
  public XorIterator reset(ByteBuffer chunkData) {
    this.end = chunkData.limit();
    if (end < 2) {
      throw new ChunkDecodingException(
          "xor chunk shorter than its 2-byte header: " + end + " bytes");
    }
    if (bytes.length < end + 8) {
      bytes = new byte[Math.max(end + 8, bytes.length * 2)];
    }
    chunkData.get(0, bytes, 0, end);
    java.util.Arrays.fill(bytes, end, end + 8, (byte) 0);
    this.total = chunkData.getShort(0) & 0xffff;
    this.bitPos = 16;
    this.endBits = (long) end << 3;
    this.wordBits = 0;
    this.read = 0;
    this.t = Long.MIN_VALUE;
    this.vBits = 0;
    this.tDelta = 0;
    this.leading = 0;
    this.trailing = 0;
    this.exhausted = false;
    return this;
  }

  /** Number of samples the chunk declares. */
  public int numSamples() {
    return total;
  }

  @Override
  public ValueType next() {
    int r = read;
    if (r < 2 || r >= total || exhausted) {
      return nextEdge();
    }
    // Hot path: all state in locals, written back once; rare cases out of line.
    long pos = bitPos;
    long w = word;
    int wb = wordBits;
    long td = tDelta;
    if (wb < 57) {
      w = load(pos);
      wb = 64 - (int) (pos & 7);
    }
    // Leading ones of the delta-of-delta prefix (0, 10, 110, 1110, 1111). Each sample's position
    // depends on decoding the previous one, so the chain from one word to the next is kept short
    // and data-dependent choices are made without branches where they can be.
    int sz = Math.min(Long.numberOfLeadingZeros(~w), 4);
    if (sz < 4) {
      // Branch-free: the sign of a jittered delta-of-delta is a coin toss for a branch predictor.
      int n = (int) (0x18141001L >>> (sz << 3)) & 0xff; // 1, 16, 20, 24
      int bits = n - 1 - sz; // 0, 14, 17, 20
      long raw = ((w << (sz + 1)) >>> 1) >>> (63 - bits); // 0 when bits == 0
      long span = 1L << bits;
      long half = span >>> 1;
      td += raw - (((half - raw) >> 63) & span);
      w <<= n;
      wb -= n;
      pos += n;
    } else {
      pos = wideDod(pos + 4);
      td = tDelta;
      w = load(pos);
      wb = 64 - (int) (pos & 7);
    }
    tDelta = td;
    t += td;
    // wb >= 33 here: the control bits and a new window's 11 header bits are loaded.
    int ctl = (int) (w >>> 62); // 0x same value, 10 same window, 11 new window
    if (ctl == 3) {
      w <<= 2;
      wb -= 2;
      pos += 2;
      int hdr = (int) (w >>> 53);
      w <<= 11;
      wb -= 11;
      pos += 11;
      int lead = hdr >>> 6;
      int sg = hdr & 0x3f;
      int trail = 64 - lead - (sg == 0 ? 64 : sg);
      if (trail < 0) {
        throw invalidWindow(lead, sg);
      }
      leading = lead;
      trailing = trail;
      int sig = 64 - lead - trail;
      if (sig <= wb) {
        vBits ^= (w >>> (64 - sig)) << trail;
        w <<= sig;
        wb -= sig;
        pos += sig;
      } else {
        pos = wideValue(pos, sig, trail);
        wb = 0;
      }
    } else {
      int changed = ctl >>> 1;
      int c = 1 + changed;
      w <<= c;
      wb -= c;
      pos += c;
      int trail = trailing;
      int sig = (64 - leading - trail) & -changed; // 0 when unchanged
      if (sig <= wb) {
        vBits ^= ((w >>> 1) >>> (63 - sig)) << trail; // 0 when sig == 0
        w <<= sig;
        wb -= sig;
        pos += sig;
      } else {
        pos = wideValue(pos, sig, trail);
        wb = 0;
      }
    }
    if (pos > endBits) {
      throw truncated();
    }
    bitPos = pos;
    word = w;
    wordBits = wb;
    read = r + 1;
    return ValueType.FLOAT;
  }

  /** XORs in {@code sig} value bits read at {@code pos} (up to two word loads); returns the end. */
  private long wideValue(long pos, int sig, int trail) {
    long a = load(pos);
    int valid = 64 - (int) (pos & 7);
    long v = a >>> (64 - sig);
    if (sig > valid) {
      v |= load(pos + valid) >>> (64 - (sig - valid));
    }
    vBits ^= v << trail;
    return pos + sig;
  }

  private ValueType nextEdge() {
    if (exhausted || read >= total) {
      exhausted = true;
      return ValueType.NONE;
    }
    return nextHead();
  }

  /** A 64-bit delta-of-delta at {@code pos}; returns the position after it. */
  private long wideDod(long pos) {
    bitPos = pos;
    wordBits = 0;
    tDelta += readBits(64);
    return bitPos;
  }

  private ChunkDecodingException truncated() {
    return new ChunkDecodingException(
        "xor chunk data ends after " + read + " of " + total + " samples (" + end + " bytes)");
  }

  private ChunkDecodingException invalidWindow(int lead, int sig) {
    return new ChunkDecodingException(
        "invalid xor window at sample "
            + read
            + ": "
            + lead
            + " leading zeros + "
            + sig
            + " significant bits > 64");
  }

  /** Samples 0 and 1: raw first sample, then a uvarint time delta. */
  private ValueType nextHead() {
    if (read == 0) {
      t = readVarint();
      vBits = readBits(64);
    } else {
      tDelta = readUvarint();
      t += tDelta;
      readValue();
    }
    if (bitPos > endBits) {
      throw new ChunkDecodingException(
          "xor chunk data ends after " + read + " of " + total + " samples (" + end + " bytes)");
    }
    read++;
    return ValueType.FLOAT;
  }

  /** The 64 bits at bit position {@code pos}, left-aligned; zero-padded past the end. */
  private long load(long pos) {
    int idx = (int) (pos >>> 3);
    if (idx > end) {
      return 0; // only reachable on corrupt data; the end check after the sample reports it
    }
    return (long) LONG.get(bytes, idx) << (pos & 7);
  }

  private void readValue() {
    int ctl = (int) peek(2);
    if (ctl < 2) { // '0': same value
      skip(1);
      return;
    }
    skip(2);
    if (ctl == 3) { // '11': new window
      int w = (int) readBits(11);
      leading = w >>> 6;
      int sig = w & 0x3f;
      if (sig == 0) {
        sig = 64;
      }
      trailing = 64 - leading - sig;
      if (trailing < 0) {
        throw new ChunkDecodingException(
            "invalid xor window at sample "
                + read
                + ": "
                + leading
                + " leading zeros + "
                + sig
                + " significant bits > 64");
      }
    }
    int sig = 64 - leading - trailing;
    long bits = readBits(sig);
    vBits ^= bits << trailing;
  }

  @Override
  public ValueType seek(long ts) {
    if (exhausted) {
      return ValueType.NONE;
    }
    if (read > 0 && t >= ts) {
      return ValueType.FLOAT;
    }
    while (next() != ValueType.NONE) {
      if (t >= ts) {
        return ValueType.FLOAT;
      }
    }
    return ValueType.NONE;
  }

  @Override
  public long atT() {
    return t;
  }

  @Override
  public double atV() {
    return Double.longBitsToDouble(vBits);
  }

  /** Raw bits of the current value (stale markers and NaN payloads are exact). */
  public long atVBits() {
    return vBits;
  }

  /** Loads the word at bitPos: at least 57 bits, zero-padded past the end of the data. */
  private void refill() {
    word = load(bitPos);
    wordBits = 64 - (int) (bitPos & 7);
  }

  /** The next {@code n} bits (1 <= n <= 56) without consuming them. */
  private long peek(int n) {
    if (n > wordBits) {
      refill();
    }
    return word >>> (64 - n);
  }

  private void skip(int n) {
    word <<= n;
    wordBits -= n;
    bitPos += n;
  }

  /** Reads {@code n} bits (1 <= n <= 64); reading past the data is an error. */
  private long readBits(int n) {
    if (bitPos + n > endBits) {
      throw new ChunkDecodingException(
          "xor chunk data ends after " + read + " of " + total + " samples (" + end + " bytes)");
    }
    if (n <= 56) {
      long v = peek(n);
      skip(n);
      return v;
    }
    long hi = peek(n - 32);
    skip(n - 32);
    long lo = peek(32);
    skip(32);
    return (hi << 32) | lo;
  }

  private long readUvarint() {
    long x = 0;
    int s = 0;
    for (int i = 0; i < 10; i++) {
      int b = (int) readBits(8);
      if (b < 0x80) {
        if (i == 9 && b > 1) {
          throw new ChunkDecodingException("xor chunk timestamp varint overflows 64 bits");
        }
        return x | ((long) b << s);
      }
      x |= (long) (b & 0x7f) << s;
      s += 7;
    }
    throw new ChunkDecodingException("xor chunk timestamp varint overflows 64 bits");
  }

  private long readVarint() {
    long ux = readUvarint();
    long x = ux >>> 1;
    return (ux & 1) != 0 ? ~x : x;
  }
}
