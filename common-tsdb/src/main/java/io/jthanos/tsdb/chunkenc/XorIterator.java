package io.jthanos.tsdb.chunkenc;

import java.nio.ByteBuffer;

/**
 * Decodes a Prometheus XOR chunk. Reusable: {@link #reset(ByteBuffer)} points it at another chunk
 * without allocating. Malformed data (stream shorter than the sample count says, an impossible XOR
 * window, an overlong varint) raises a {@link ChunkDecodingException} instead of producing garbage.
 */
public final class XorIterator implements SampleIterator {
  private ByteBuffer data;
  private int pos; // next byte to load into the bit buffer
  private int end;
  private long buffer; // right-aligned bits not consumed yet
  private int valid; // number of valid bits in buffer

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
    this.data = chunkData;
    this.end = chunkData.limit();
    if (end < 2) {
      throw new ChunkDecodingException(
          "xor chunk shorter than its 2-byte header: " + end + " bytes");
    }
    this.total = chunkData.getShort(0) & 0xffff;
    this.pos = 2;
    this.buffer = 0;
    this.valid = 0;
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
    if (exhausted || read >= total) {
      exhausted = true;
      return ValueType.NONE;
    }
    if (read == 0) {
      t = readVarint();
      vBits = readBits(64);
    } else if (read == 1) {
      tDelta = readUvarint();
      t += tDelta;
      readValue();
    } else {
      int sz = 0;
      // Count leading ones of the delta-of-delta prefix, at most 4.
      for (int i = 0; i < 4; i++) {
        if (readBit() == 0) {
          break;
        }
        sz++;
      }
      if (sz != 0) {
        int bits =
            switch (sz) {
              case 1 -> 14;
              case 2 -> 17;
              case 3 -> 20;
              default -> 64;
            };
        long dod = readBits(bits);
        if (bits != 64 && dod > (1L << (bits - 1))) {
          dod -= 1L << bits;
        }
        tDelta += dod;
      }
      t += tDelta;
      readValue();
    }
    read++;
    return ValueType.FLOAT;
  }

  private void readValue() {
    if (readBit() == 0) {
      return;
    }
    if (readBit() == 1) {
      leading = (int) readBits(5);
      int sig = (int) readBits(6);
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

  private void refill() {
    int left = end - pos;
    if (left >= 8) {
      buffer = data.getLong(pos);
      pos += 8;
      valid = 64;
    } else if (left > 0) {
      long b = 0;
      for (int i = 0; i < left; i++) {
        b = (b << 8) | (data.get(pos + i) & 0xff);
      }
      pos = end;
      buffer = b;
      valid = left * 8;
    } else {
      throw new ChunkDecodingException(
          "xor chunk data ends after " + read + " of " + total + " samples (" + end + " bytes)");
    }
  }

  private int readBit() {
    if (valid == 0) {
      refill();
    }
    valid--;
    return (int) (buffer >>> valid) & 1;
  }

  private long readBits(int n) {
    if (n <= valid) {
      valid -= n;
      long mask = n == 64 ? -1L : (1L << n) - 1;
      return (buffer >>> valid) & mask;
    }
    // Take what is left, refill, take the rest.
    int have = valid;
    long hi = have == 0 ? 0 : buffer & ((1L << have) - 1);
    int rest = n - have;
    refill();
    if (rest > valid) {
      throw new ChunkDecodingException(
          "xor chunk data ends after " + read + " of " + total + " samples (" + end + " bytes)");
    }
    valid -= rest;
    long lo = (buffer >>> valid) & (rest == 64 ? -1L : (1L << rest) - 1);
    return rest == 64 ? lo : (hi << rest) | lo;
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
