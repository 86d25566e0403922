package io.jthanos.tsdb.chunkenc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Encodes float samples into a Prometheus XOR ("Gorilla") chunk, bit for bit as Prometheus does:
 * 2-byte big-endian sample count, then the first timestamp as varint and value as 64 raw bits, the
 * second timestamp as uvarint delta, later timestamps as delta-of-delta in 1/14/17/20/64-bit
 * buckets, values as XOR against the previous value with a leading/trailing-zero window.
 *
 * <p>Timestamps must not decrease (the caller cuts chunks and rejects out-of-order samples). At
 * most 65535 samples fit the count field. Not thread-safe; {@link #reset()} reuses the buffers.
 */
public final class XorEncoder {
  /** Hard limit of the 16-bit sample count. */
  public static final int MAX_SAMPLES = 0xFFFF;

  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private byte[] buf = new byte[256];
  private int len = 2; // bytes flushed, after the 2-byte count
  private long acc; // pending bits, left-aligned
  private int accBits; // number of pending bits, 0..63
  // Prometheus' bit stream writes whole bytes with writeByte, which leaves an empty byte at the end
  // of the stream when it ends byte-aligned; the stored chunk keeps that byte. True when the last
  // write was a whole number of bytes.
  private boolean lastWhole;

  private int count;
  private long t;
  private long vBits;
  private long tDelta;
  private int leading = 0xff;
  private int trailing;
  private long minT;

  public XorEncoder reset() {
    len = 2;
    acc = 0;
    accBits = 0;
    count = 0;
    t = 0;
    vBits = 0;
    tDelta = 0;
    leading = 0xff;
    trailing = 0;
    lastWhole = false;
    return this;
  }

  public int numSamples() {
    return count;
  }

  /** Timestamp of the first sample (undefined when empty). */
  public long minTime() {
    return minT;
  }

  /** Timestamp of the last sample (undefined when empty). */
  public long maxTime() {
    return t;
  }

  /** Size in bytes the chunk data would have now (count + bit stream). */
  public int size() {
    int partial = (accBits + 7) >>> 3;
    return len + partial + ((accBits & 7) == 0 && lastWhole ? 1 : 0);
  }

  public void append(long ts, double v) {
    appendBits(ts, Double.doubleToRawLongBits(v));
  }

  /**
   * Appends a sample given the raw bits of its value (keeps NaN payloads such as stale markers).
   */
  public void appendBits(long ts, long bits) {
    switch (count) {
      case 0 -> {
        putVarint(ts);
        writeBits(bits, 64);
        lastWhole = true;
        minT = ts;
      }
      case 1 -> {
        tDelta = ts - t;
        putUvarint(tDelta);
        writeValue(bits);
      }
      default -> {
        if (count >= MAX_SAMPLES) {
          throw new IllegalStateException("xor chunk full: " + MAX_SAMPLES + " samples");
        }
        long d = ts - t;
        long dod = d - tDelta;
        // The prefix and the delta-of-delta go out in one write.
        if (dod == 0) {
          writeBits(0, 1);
        } else if (dod >= -8191 && dod <= 8192) {
          writeBits((0b10L << 14) | (dod & 0x3fff), 16);
        } else if (dod >= -65535 && dod <= 65536) {
          writeBits((0b110L << 17) | (dod & 0x1ffff), 20);
        } else if (dod >= -524287 && dod <= 524288) {
          writeBits((0b1110L << 20) | (dod & 0xfffff), 24);
        } else {
          writeBits(0b1111, 4);
          writeBits(dod, 64);
        }
        tDelta = d;
        writeValue(bits);
      }
    }
    t = ts;
    vBits = bits;
    count++;
  }

  private void writeValue(long bits) {
    long x = bits ^ vBits;
    if (x == 0) {
      writeBits(0, 1);
      lastWhole = false;
      return;
    }
    int lz = Long.numberOfLeadingZeros(x);
    int tz = Long.numberOfTrailingZeros(x);
    if (lz >= 32) {
      lz = 31;
    }
    int sig;
    if (leading != 0xff && lz >= leading && tz >= trailing) {
      // '1' then '0': reuse the previous window.
      sig = 64 - leading - trailing;
      if (sig <= 62) {
        writeBits((0b10L << sig) | (x >>> trailing), sig + 2);
      } else {
        writeBits(0b10, 2);
        writeBits(x >>> trailing, sig);
      }
    } else {
      leading = lz;
      trailing = tz;
      sig = 64 - lz - tz;
      // '11', 5 bits leading zeros, 6 bits significant bit count (64 is stored as 0).
      long header = (0b11L << 11) | ((long) lz << 6) | (sig & 0x3f);
      if (sig <= 51) {
        writeBits((header << sig) | (x >>> tz), sig + 13);
      } else {
        writeBits(header, 13);
        writeBits(x >>> tz, sig);
      }
    }
    // Prometheus writes the significant bits last, byte by byte while it can.
    lastWhole = (sig & 7) == 0;
  }

  private void putVarint(long v) {
    putUvarint((v << 1) ^ (v >> 63));
  }

  private void putUvarint(long v) {
    while ((v & ~0x7fL) != 0) {
      writeBits((v & 0x7f) | 0x80, 8);
      v >>>= 7;
    }
    writeBits(v, 8);
  }

  /** Writes the low {@code n} bits of {@code v}, most significant first; 0 < n <= 64. */
  private void writeBits(long v, int n) {
    int free = 64 - accBits;
    if (n < free) {
      acc |= (v << (64 - n)) >>> accBits;
      accBits += n;
      return;
    }
    // Fill the accumulator, flush it as 8 bytes, keep the rest.
    int rest = n - free;
    long top = n == 64 ? v : v & ((1L << n) - 1);
    acc |= top >>> rest;
    if (len + 16 > buf.length) {
      buf = Arrays.copyOf(buf, buf.length * 2);
    }
    LONG.set(buf, len, acc);
    len += 8;
    acc = rest == 0 ? 0 : v << (64 - rest);
    accBits = rest;
  }

  /** The chunk data (count + bit stream, last byte zero-padded) as a new array. */
  public byte[] bytes() {
    int n = size();
    byte[] out = new byte[n];
    System.arraycopy(buf, 0, out, 0, Math.min(len, n));
    out[0] = (byte) (count >>> 8);
    out[1] = (byte) count;
    long a = acc;
    for (int i = len; i < n; i++) {
      out[i] = (byte) (a >>> 56);
      a <<= 8;
    }
    return out;
  }

  /** A chunk holding a copy of the current bytes. */
  public XorChunk toChunk() {
    return new XorChunk(ByteBuffer.wrap(bytes()).asReadOnlyBuffer());
  }
}
