package io.jthanos.storeapi;

import com.google.protobuf.ByteString;
import io.jthanos.proto.store.Aggr;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import io.jthanos.tsdb.storage.StorageException;
import java.nio.ByteBuffer;

/**
 * Splits the payload of a downsampled (encoding byte 0xFF) chunk into its sub-chunks. The payload
 * holds five entries in the fixed order count, sum, min, max, counter; each is {@code uvarint(len)}
 * and, when {@code len > 0}, one encoding byte (Prometheus numbering) followed by {@code len} bytes
 * of chunk data. {@code len = 0} means the aggregate is absent.
 *
 * <p>The returned sub-chunks are views of the payload (no copy).
 */
public final class AggrChunks {
  /** The aggregates in payload order. */
  private static final Aggr[] ORDER = {Aggr.COUNT, Aggr.SUM, Aggr.MIN, Aggr.MAX, Aggr.COUNTER};

  private AggrChunks() {}

  /** A sub-chunk as a view of the payload: its encoding and data (position to limit). */
  public record SubChunk(ChunkEncoding encoding, ByteBuffer data) {}

  /**
   * The five sub-chunks, indexed count=0, sum=1, min=2, max=3, counter=4; absent ones are null.
   *
   * @throws StorageException when the payload is truncated or names an unknown encoding
   */
  public static ChunkBytes[] split(ByteBuffer payload) {
    SubChunk[] parts = splitBuffers(payload);
    ChunkBytes[] out = new ChunkBytes[parts.length];
    for (int i = 0; i < parts.length; i++) {
      if (parts[i] != null) {
        out[i] = ChunkBytes.of(parts[i].encoding(), StoreProtos.wrap(parts[i].data()));
      }
    }
    return out;
  }

  /** Like {@link #split} but returns views of the payload buffer (no copy). */
  public static SubChunk[] splitBuffers(ByteBuffer payload) {
    ByteBuffer b = payload.duplicate();
    SubChunk[] out = new SubChunk[ORDER.length];
    for (int i = 0; i < ORDER.length; i++) {
      if (!b.hasRemaining()) {
        // Writers always emit five entries; a payload cut short leaves the rest absent.
        break;
      }
      int at = b.position() - payload.position();
      long len = uvarint(b, at);
      if (len == 0) {
        continue;
      }
      if (len + 1 > b.remaining()) {
        throw new StorageException(
            "aggregate chunk "
                + ORDER[i]
                + " at offset "
                + at
                + ": size "
                + len
                + " exceeds remaining "
                + Math.max(0, b.remaining() - 1)
                + " bytes");
      }
      int code = b.get() & 0xFF;
      ChunkEncoding enc = ChunkEncoding.fromCode(code);
      if (enc == null || enc == ChunkEncoding.AGGREGATE) {
        throw new StorageException(
            "aggregate chunk " + ORDER[i] + ": unknown sub-chunk encoding " + code);
      }
      ByteBuffer data = b.slice(b.position(), (int) len);
      b.position(b.position() + (int) len);
      out[i] = new SubChunk(enc, data);
    }
    return out;
  }

  /** Index of an aggregate type in {@link #split}'s result, or -1 for RAW. */
  public static int index(Aggr aggr) {
    for (int i = 0; i < ORDER.length; i++) {
      if (ORDER[i] == aggr) {
        return i;
      }
    }
    return -1;
  }

  /** Builds a 0xFF payload from sub-chunks (count, sum, min, max, counter; null = absent). */
  public static ByteString encode(ChunkBytes... parts) {
    if (parts.length != ORDER.length) {
      throw new IllegalArgumentException("need " + ORDER.length + " entries");
    }
    ByteString.Output out = ByteString.newOutput();
    for (ChunkBytes p : parts) {
      if (p == null) {
        out.write(0);
        continue;
      }
      long len = p.data().size();
      while ((len & ~0x7FL) != 0) {
        out.write((int) ((len & 0x7F) | 0x80));
        len >>>= 7;
      }
      out.write((int) len);
      out.write(p.encoding().code());
      try {
        p.data().writeTo(out);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return out.toByteString();
  }

  private static long uvarint(ByteBuffer b, int at) {
    long x = 0;
    int shift = 0;
    while (true) {
      if (!b.hasRemaining()) {
        throw new StorageException("aggregate chunk: truncated size varint at offset " + at);
      }
      int v = b.get() & 0xFF;
      if (shift == 63 && v > 1) {
        throw new StorageException("aggregate chunk: size varint overflows at offset " + at);
      }
      x |= (long) (v & 0x7F) << shift;
      if (v < 0x80) {
        return x;
      }
      shift += 7;
      if (shift > 63) {
        throw new StorageException("aggregate chunk: size varint overflows at offset " + at);
      }
    }
  }
}
