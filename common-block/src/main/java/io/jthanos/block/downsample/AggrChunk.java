package io.jthanos.block.downsample;

import io.jthanos.tsdb.chunkenc.Chunk;
import io.jthanos.tsdb.chunkenc.ChunkDecodingException;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import io.jthanos.tsdb.chunkenc.Chunks;
import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.XorEncoder;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Thanos' downsampled chunk (chunk encoding byte {@code 0xFF}, {@code downsample.AggrChunk}): five
 * entries in the fixed order count, sum, min, max, counter; each is {@code uvarint(len)} then, when
 * {@code len > 0}, one byte of Prometheus chunk encoding (XOR = 1, histogram = 2, float histogram =
 * 3) and {@code len} bytes of that chunk. {@code len = 0} means the aggregate is absent (native
 * histogram aggregates have no min and max).
 *
 * <p>As a {@link Chunk} it reports the samples of its count aggregate (as Thanos does) and iterates
 * the per-window average sum/count (what the querier shows for functions without a dedicated
 * aggregate). The aggregates themselves are read with {@link #get} and {@link #iterator(AggrType,
 * SampleIterator)}; counters across chunks need {@link CounterResetsIterator}.
 *
 * <p>Entries are parsed once with bounds checks; a malformed entry makes that aggregate and the
 * ones after it fail with a {@link ChunkDecodingException} naming the offset.
 */
public final class AggrChunk implements Chunk {
  private static final int N = 5;

  private final ByteBuffer data;
  private final int[] offset = new int[N]; // data start of each entry, -1 when absent
  private final int[] length = new int[N];
  private final int[] encoding = new int[N];
  private final int parsed; // entries parsed without error
  private final String error;

  private AggrChunk(ByteBuffer data) {
    this.data = data;
    int p = 0;
    int end = data.limit();
    int i = 0;
    String err = null;
    for (; i < N; i++) {
      long len = 0;
      int shift = 0;
      int start = p;
      boolean ok = false;
      while (p < end && p - start < 5) {
        int b = data.get(p++) & 0xff;
        len |= (long) (b & 0x7f) << shift;
        if (b < 0x80) {
          ok = true;
          break;
        }
        shift += 7;
      }
      if (!ok) {
        err =
            "aggregate chunk: invalid length of "
                + AggrType.of(i)
                + " at offset "
                + start
                + " (expected a uvarint, got "
                + (p >= end ? "end of data" : "an overlong varint")
                + ")";
        break;
      }
      if (len == 0) {
        offset[i] = -1;
        continue;
      }
      if (len + 1 > end - p) {
        err =
            "aggregate chunk: "
                + AggrType.of(i)
                + " at offset "
                + start
                + " claims "
                + len
                + "+1 bytes (expected at most "
                + (end - p)
                + ")";
        break;
      }
      encoding[i] = data.get(p) & 0xff;
      offset[i] = p + 1;
      length[i] = (int) len;
      p += 1 + (int) len;
    }
    this.parsed = i;
    this.error = err;
  }

  /** A view of aggregate chunk data (without the 0xFF encoding byte), positioned at 0. */
  public static AggrChunk wrap(ByteBuffer data) {
    return new AggrChunk(data.slice(0, data.limit()));
  }

  public static AggrChunk wrap(byte[] data) {
    return new AggrChunk(ByteBuffer.wrap(data).asReadOnlyBuffer());
  }

  /**
   * The aggregate view of a chunk read from a block ({@link io.jthanos.tsdb.chunkenc.RawChunk} of
   * encoding {@link ChunkEncoding#AGGREGATE}, or already an {@code AggrChunk}).
   *
   * @throws IllegalArgumentException for chunks of another encoding
   */
  public static AggrChunk from(Chunk c) {
    if (c instanceof AggrChunk a) {
      return a;
    }
    if (c.encoding() != ChunkEncoding.AGGREGATE) {
      throw new IllegalArgumentException("not an aggregate chunk: " + c.encoding());
    }
    return wrap(c.data());
  }

  /**
   * Encodes an aggregate chunk from its sub-chunks (indexed by {@link AggrType#ordinal()}; null for
   * absent ones), as Thanos' {@code EncodeAggrChunk}.
   */
  public static AggrChunk encode(Chunk[] chunks) {
    if (chunks.length != N) {
      throw new IllegalArgumentException("need 5 aggregates, got " + chunks.length);
    }
    byte[][] bytes = new byte[N][];
    int[] enc = new int[N];
    for (int i = 0; i < N; i++) {
      if (chunks[i] != null) {
        ByteBuffer d = chunks[i].data();
        bytes[i] = new byte[d.remaining()];
        d.get(bytes[i]);
        enc[i] = chunks[i].encoding().code();
      }
    }
    return wrap(encodeBytes(bytes, enc));
  }

  /** Encodes XOR sub-chunks straight from encoders (null for absent aggregates). */
  static byte[] encodeXor(XorEncoder[] encoders) {
    byte[][] bytes = new byte[N][];
    int[] enc = new int[N];
    for (int i = 0; i < N; i++) {
      if (encoders[i] != null) {
        bytes[i] = encoders[i].bytes();
        enc[i] = ChunkEncoding.XOR.code();
      }
    }
    return encodeBytes(bytes, enc);
  }

  private static byte[] encodeBytes(byte[][] bytes, int[] enc) {
    int size = 0;
    for (byte[] b : bytes) {
      size += b == null ? 1 : uvarintSize(b.length) + 1 + b.length;
    }
    byte[] out = new byte[size];
    int p = 0;
    for (int i = 0; i < N; i++) {
      byte[] b = bytes[i];
      if (b == null) {
        out[p++] = 0;
        continue;
      }
      long v = b.length;
      while (v >= 0x80) {
        out[p++] = (byte) (v | 0x80);
        v >>>= 7;
      }
      out[p++] = (byte) v;
      out[p++] = (byte) enc[i];
      System.arraycopy(b, 0, out, p, b.length);
      p += b.length;
    }
    return out;
  }

  private static int uvarintSize(long v) {
    int n = 1;
    while (v >= 0x80) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  private void check(AggrType t) {
    if (t.ordinal() >= parsed) {
      throw new ChunkDecodingException(error);
    }
  }

  /** Whether the aggregate is present. */
  public boolean has(AggrType t) {
    check(t);
    return offset[t.ordinal()] >= 0;
  }

  /** The sub-chunk of an aggregate, if present. */
  public Optional<Chunk> get(AggrType t) {
    if (!has(t)) {
      return Optional.empty();
    }
    int i = t.ordinal();
    return Optional.of(Chunks.of(encoding[i], data.slice(offset[i], length[i])));
  }

  /** The Prometheus chunk encoding byte of an aggregate (0 when absent). */
  public int encodingOf(AggrType t) {
    return has(t) ? encoding[t.ordinal()] : 0;
  }

  /** Whether this chunk aggregates native histograms (its counter is a histogram chunk). */
  public boolean isHistogram() {
    int e = encodingOf(AggrType.COUNTER);
    return e == ChunkEncoding.HISTOGRAM.code() || e == ChunkEncoding.FLOAT_HISTOGRAM.code();
  }

  /** The samples of one aggregate (none when absent). */
  public SampleIterator iterator(AggrType t, SampleIterator reuse) {
    Optional<Chunk> c = get(t);
    return c.isPresent() ? c.get().iterator(reuse) : SampleIterator.empty();
  }

  @Override
  public ChunkEncoding encoding() {
    return ChunkEncoding.AGGREGATE;
  }

  @Override
  public ByteBuffer data() {
    return data.duplicate().position(0);
  }

  /** The number of samples of the count aggregate (0 when absent or malformed), as Thanos. */
  @Override
  public int numSamples() {
    if (parsed == 0 || offset[0] < 0) {
      return 0;
    }
    return length[0] >= 2 ? data.getShort(offset[0]) & 0xffff : 0;
  }

  /** The average per window: sum / count. */
  @Override
  public SampleIterator iterator(SampleIterator reuse) {
    return new AverageIterator(iterator(AggrType.SUM, null), iterator(AggrType.COUNT, null));
  }

  @Override
  public String toString() {
    return "AggrChunk{samples=" + numSamples() + ", bytes=" + data.limit() + "}";
  }
}
