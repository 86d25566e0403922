package io.jthanos.sidecar.store;

import io.jthanos.tsdb.chunkenc.Chunk;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import io.jthanos.tsdb.chunkenc.RawChunk;
import io.jthanos.tsdb.chunkenc.XorChunk;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.storage.ChunkMeta;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Decodes {@code prometheus.ChunkedReadResponse} frames by hand (no protobuf objects): labels as
 * strings, chunk data as views of the frame array, so chunk bytes leave the sidecar exactly as
 * Prometheus sent them. Prometheus' chunk encoding numbers are its on-disk bytes ({@code XOR=1}),
 * which the gRPC side turns into Thanos' enum (one less).
 */
final class RemoteReadCodec {
  private RemoteReadCodec() {}

  /** One series (or part of one) of a frame. */
  record Part(Labels labels, List<ChunkMeta> chunks) {}

  /**
   * The series parts of one frame, with the label names in {@code strip} removed (the external
   * labels Prometheus appended).
   */
  static List<Part> decodeFrame(byte[] frame, Set<String> strip) throws IOException {
    Reader r = new Reader(frame, 0, frame.length);
    List<Part> parts = new ArrayList<>(1);
    while (r.more()) {
      int tag = r.varint32();
      int field = tag >>> 3;
      int wire = tag & 7;
      if (field == 1 && wire == 2) {
        int len = r.length();
        parts.add(decodeSeries(new Reader(frame, r.pos, r.pos + len), strip));
        r.pos += len;
      } else {
        r.skip(wire); // query_index and anything newer
      }
    }
    return parts;
  }

  private static Part decodeSeries(Reader r, Set<String> strip) throws IOException {
    List<String> nv = new ArrayList<>(16);
    List<ChunkMeta> chunks = new ArrayList<>();
    while (r.more()) {
      int tag = r.varint32();
      int field = tag >>> 3;
      int wire = tag & 7;
      if (field == 1 && wire == 2) {
        int len = r.length();
        decodeLabel(new Reader(r.buf, r.pos, r.pos + len), nv);
        r.pos += len;
      } else if (field == 2 && wire == 2) {
        int len = r.length();
        chunks.add(decodeChunk(new Reader(r.buf, r.pos, r.pos + len)));
        r.pos += len;
      } else {
        r.skip(wire);
      }
    }
    return new Part(labels(nv, strip), chunks);
  }

  private static void decodeLabel(Reader r, List<String> nv) throws IOException {
    String name = "";
    String value = "";
    while (r.more()) {
      int tag = r.varint32();
      int field = tag >>> 3;
      int wire = tag & 7;
      if ((field == 1 || field == 2) && wire == 2) {
        int len = r.length();
        String s = new String(r.buf, r.pos, len, StandardCharsets.UTF_8);
        r.pos += len;
        if (field == 1) {
          name = s;
        } else {
          value = s;
        }
      } else {
        r.skip(wire);
      }
    }
    nv.add(name);
    nv.add(value);
  }

  private static ChunkMeta decodeChunk(Reader r) throws IOException {
    long min = 0;
    long max = 0;
    int type = 0;
    int dataOff = 0;
    int dataLen = 0;
    while (r.more()) {
      int tag = r.varint32();
      int field = tag >>> 3;
      int wire = tag & 7;
      if (field == 1 && wire == 0) {
        min = r.varint64();
      } else if (field == 2 && wire == 0) {
        max = r.varint64();
      } else if (field == 3 && wire == 0) {
        type = (int) r.varint64();
      } else if (field == 4 && wire == 2) {
        dataLen = r.length();
        dataOff = r.pos;
        r.pos += dataLen;
      } else {
        r.skip(wire);
      }
    }
    ChunkEncoding enc = ChunkEncoding.fromCode(type);
    if (enc == null || enc == ChunkEncoding.AGGREGATE || type > 3 || type < 1) {
      throw new IOException(
          "remote read: chunk encoding " + type + " is not supported by the StoreAPI");
    }
    ByteBuffer data = ByteBuffer.wrap(r.buf, dataOff, dataLen).slice().asReadOnlyBuffer();
    Chunk c = enc == ChunkEncoding.XOR ? new XorChunk(data) : new RawChunk(enc, data);
    return new ChunkMeta(min, max, c);
  }

  /** Sorted labels without the stripped names (Prometheus sends them sorted). */
  static Labels labels(List<String> nv, Set<String> strip) {
    String[] out = new String[nv.size()];
    int n = 0;
    boolean sorted = true;
    for (int i = 0; i < nv.size(); i += 2) {
      String name = nv.get(i);
      if (strip.contains(name)) {
        continue;
      }
      String value = nv.get(i + 1);
      if (value.isEmpty()) {
        continue;
      }
      if (n > 0 && Labels.compareStrings(out[n - 2], name) >= 0) {
        sorted = false;
      }
      out[n++] = name;
      out[n++] = value;
    }
    String[] arr = n == out.length ? out : Arrays.copyOf(out, n);
    return sorted ? Labels.fromSortedUnchecked(arr) : Labels.of(arr);
  }

  /** A bounds-checked protobuf reader over part of an array. */
  private static final class Reader {
    final byte[] buf;
    int pos;
    final int limit;

    Reader(byte[] buf, int pos, int limit) throws IOException {
      if (pos < 0 || limit > buf.length || pos > limit) {
        throw new IOException("remote read: message length out of bounds");
      }
      this.buf = buf;
      this.pos = pos;
      this.limit = limit;
    }

    boolean more() {
      return pos < limit;
    }

    long varint64() throws IOException {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= limit) {
          throw new IOException("remote read: truncated varint at byte " + pos);
        }
        int b = buf[pos++];
        v |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return v;
        }
      }
      throw new IOException("remote read: malformed varint at byte " + pos);
    }

    int varint32() throws IOException {
      return (int) varint64();
    }

    int length() throws IOException {
      long len = varint64();
      if (len < 0 || len > limit - pos) {
        throw new IOException(
            "remote read: field length "
                + len
                + " exceeds the message ("
                + (limit - pos)
                + " left)");
      }
      return (int) len;
    }

    void skip(int wire) throws IOException {
      switch (wire) {
        case 0 -> varint64();
        case 1 -> advance(8);
        case 2 -> advance(length());
        case 5 -> advance(4);
        default -> throw new IOException("remote read: unsupported wire type " + wire);
      }
    }

    private void advance(int n) throws IOException {
      if (n > limit - pos) {
        throw new IOException("remote read: field exceeds the message");
      }
      pos += n;
    }
  }
}
