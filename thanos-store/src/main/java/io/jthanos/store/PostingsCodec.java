package io.jthanos.store;

import io.jthanos.tsdb.index.Postings;
import io.jthanos.tsdb.util.LongList;
import java.nio.ByteBuffer;

/**
 * How postings are kept in the index cache: a 4-byte magic, the count as a uvarint, then the refs
 * as uvarint deltas (refs ascend). This is our own encoding: cache keys carry our own prefix, so a
 * cache shared with Thanos never mixes it with Thanos' snappy-compressed entries.
 */
public final class PostingsCodec {
  /** "jdv1": delta-varint postings, version 1. */
  static final int MAGIC = 0x6a647631;

  private PostingsCodec() {}

  /** Encodes ascending refs. */
  public static byte[] encode(long[] refs, int n) {
    byte[] out = new byte[4 + 5 + n * 5];
    ByteBuffer b = ByteBuffer.wrap(out);
    b.putInt(MAGIC);
    int p = putUvarint(out, 4, n);
    long prev = 0;
    for (int i = 0; i < n; i++) {
      long d = refs[i] - prev;
      if (d < 0 || (i > 0 && d == 0)) {
        throw new IllegalArgumentException("postings not strictly ascending at " + i);
      }
      p = putUvarint(out, p, d);
      prev = refs[i];
    }
    return java.util.Arrays.copyOf(out, p);
  }

  /** Encodes a postings iterator (drained). */
  public static byte[] encode(Postings p) {
    long[] refs = Postings.expand(p);
    return encode(refs, refs.length);
  }

  /** Decodes to refs; a malformed entry (e.g. another format) throws IllegalArgumentException. */
  public static long[] decode(byte[] in) {
    if (in.length < 5 || ByteBuffer.wrap(in).getInt(0) != MAGIC) {
      throw new IllegalArgumentException("not a postings cache entry");
    }
    int[] pos = {4};
    long n = uvarint(in, pos);
    if (n > in.length) {
      throw new IllegalArgumentException("postings cache entry count " + n + " beyond its size");
    }
    LongList out = new LongList();
    long prev = 0;
    for (long i = 0; i < n; i++) {
      prev += uvarint(in, pos);
      out.add(prev);
    }
    if (pos[0] != in.length) {
      throw new IllegalArgumentException("trailing bytes in postings cache entry");
    }
    return out.toArray();
  }

  private static int putUvarint(byte[] b, int p, long v) {
    while ((v & ~0x7FL) != 0) {
      b[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[p++] = (byte) v;
    return p;
  }

  private static long uvarint(byte[] b, int[] pos) {
    long v = 0;
    int shift = 0;
    int p = pos[0];
    while (true) {
      if (p >= b.length || shift > 63) {
        throw new IllegalArgumentException("truncated varint in postings cache entry");
      }
      int x = b[p++] & 0xff;
      v |= (long) (x & 0x7f) << shift;
      if (x < 0x80) {
        break;
      }
      shift += 7;
    }
    pos[0] = p;
    return v;
  }
}
