package io.jthanos.storeapi;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.jthanos.proto.store.SeriesResponse;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client-side decoder of {@code SeriesResponse} frames straight into the model (no protobuf message
 * objects): each frame is copied once from the transport into an array of its exact size, and chunk
 * bytes become views of that array. Unknown fields are skipped as protobuf requires; malformed
 * input fails the call with {@code INTERNAL}. Label names are interned per call.
 */
final class FrameDecoder implements MethodDescriptor.Marshaller<Object> {
  /** A decoded frame. */
  sealed interface Frame permits SeriesPart, Warning, Hints, Empty {}

  /** One series, or the series of a batch, in order. */
  record SeriesPart(List<StoreSeries> series) implements Frame {}

  record Warning(String text) implements Frame {}

  record Hints(Any hints) implements Frame {}

  record Empty() implements Frame {}

  private static final Empty EMPTY = new Empty();

  private final MethodDescriptor.Marshaller<SeriesResponse> writer =
      ProtoUtils.marshaller(SeriesResponse.getDefaultInstance());
  // Label names repeat across series and calls; bounded so hostile input cannot grow it.
  private static final int MAX_NAMES = 4096;
  private final Map<Key, String> names = new ConcurrentHashMap<>();

  @Override
  public InputStream stream(Object value) {
    return writer.stream((SeriesResponse) value);
  }

  @Override
  public Object parse(InputStream stream) {
    try {
      return decode(readFully(stream));
    } catch (IOException e) {
      throw Status.INTERNAL
          .withDescription("reading message: " + e.getMessage())
          .withCause(e)
          .asRuntimeException();
    } catch (Malformed e) {
      throw Status.INTERNAL
          .withDescription("invalid SeriesResponse: " + e.getMessage())
          .withCause(e)
          .asRuntimeException();
    }
  }

  /** One copy from the transport's buffers into an array of the exact message size. */
  static byte[] readFully(InputStream stream) throws IOException {
    if (stream instanceof KnownLength) {
      int n = stream.available();
      byte[] buf = new byte[n];
      int read = stream.readNBytes(buf, 0, n);
      if (read != n || stream.read() != -1) {
        throw new IOException("message length differs from its announced " + n + " bytes");
      }
      return buf;
    }
    return stream.readAllBytes();
  }

  private static final class Malformed extends RuntimeException {
    Malformed(String m) {
      super(m, null, false, false);
    }
  }

  /** Decodes one serialized SeriesResponse. */
  Frame decode(byte[] b) {
    Reader r = new Reader(b, 0, b.length);
    Frame out = EMPTY;
    while (r.more()) {
      long tag = r.varint();
      int field = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      if (wt != 2) {
        r.skip(wt);
        continue;
      }
      int len = r.length();
      int at = r.pos;
      r.pos += len;
      switch (field) {
        case 1 -> out = new SeriesPart(List.of(series(b, at, at + len)));
        case 2 -> out = new Warning(new String(b, at, len, StandardCharsets.UTF_8));
        case 3 -> {
          try {
            out = new Hints(Any.parseFrom(UnsafeByteOperations.unsafeWrap(b, at, len)));
          } catch (InvalidProtocolBufferException e) {
            throw new Malformed("hints: " + e.getMessage());
          }
        }
        case 4 -> out = new SeriesPart(batch(b, at, at + len));
        default -> {}
      }
    }
    return out;
  }

  private List<StoreSeries> batch(byte[] b, int from, int to) {
    Reader r = new Reader(b, from, to);
    List<StoreSeries> out = new ArrayList<>();
    while (r.more()) {
      long tag = r.varint();
      if (tag == ((1 << 3) | 2)) {
        int len = r.length();
        out.add(series(b, r.pos, r.pos + len));
        r.pos += len;
      } else {
        r.skip((int) (tag & 7));
      }
    }
    return out;
  }

  private StoreSeries series(byte[] b, int from, int to) {
    Reader r = new Reader(b, from, to);
    List<String> nv = new ArrayList<>(16);
    List<StoreChunk> chunks = new ArrayList<>(4);
    while (r.more()) {
      long tag = r.varint();
      int field = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      if (wt != 2 || (field != 1 && field != 2)) {
        r.skip(wt);
        continue;
      }
      int len = r.length();
      int at = r.pos;
      r.pos += len;
      if (field == 1) {
        label(b, at, at + len, nv);
      } else {
        chunks.add(chunk(b, at, at + len));
      }
    }
    return new StoreSeries(StoreProtos.labels(nv.toArray(new String[0])), chunks);
  }

  private void label(byte[] b, int from, int to, List<String> nv) {
    Reader r = new Reader(b, from, to);
    String name = "";
    String value = "";
    while (r.more()) {
      long tag = r.varint();
      int field = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      if (wt != 2 || (field != 1 && field != 2)) {
        r.skip(wt);
        continue;
      }
      int len = r.length();
      if (field == 1) {
        name = name(b, r.pos, len);
      } else {
        value = new String(b, r.pos, len, StandardCharsets.UTF_8);
      }
      r.pos += len;
    }
    nv.add(name);
    nv.add(value);
  }

  private String name(byte[] b, int at, int len) {
    Key k = new Key(b, at, len);
    String s = names.get(k);
    if (s == null) {
      s = new String(b, at, len, StandardCharsets.UTF_8);
      if (names.size() < MAX_NAMES) {
        names.put(new Key(java.util.Arrays.copyOfRange(b, at, at + len), 0, len), s);
      }
    }
    return s;
  }

  private static StoreChunk chunk(byte[] b, int from, int to) {
    Reader r = new Reader(b, from, to);
    long min = 0;
    long max = 0;
    ChunkBytes[] members = new ChunkBytes[6];
    while (r.more()) {
      long tag = r.varint();
      int field = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      if (field == 1 && wt == 0) {
        min = r.varint();
      } else if (field == 2 && wt == 0) {
        max = r.varint();
      } else if (field >= 3 && field <= 8 && wt == 2) {
        int len = r.length();
        members[field - 3] = sub(b, r.pos, r.pos + len);
        r.pos += len;
      } else {
        r.skip(wt);
      }
    }
    return new StoreChunk(
        min, max, members[0], members[1], members[2], members[3], members[4], members[5]);
  }

  private static ChunkBytes sub(byte[] b, int from, int to) {
    Reader r = new Reader(b, from, to);
    long type = 0;
    ByteString data = ByteString.EMPTY;
    long hash = 0;
    while (r.more()) {
      long tag = r.varint();
      int field = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      if (field == 1 && wt == 0) {
        type = r.varint();
      } else if (field == 2 && wt == 2) {
        int len = r.length();
        data = len == 0 ? ByteString.EMPTY : UnsafeByteOperations.unsafeWrap(b, r.pos, len);
        r.pos += len;
      } else if (field == 3 && wt == 0) {
        hash = r.varint();
      } else {
        r.skip(wt);
      }
    }
    ChunkEncoding enc =
        switch ((int) type) {
          case 0 -> ChunkEncoding.XOR;
          case 1 -> ChunkEncoding.HISTOGRAM;
          case 2 -> ChunkEncoding.FLOAT_HISTOGRAM;
          default -> throw new Malformed("unknown chunk encoding " + type);
        };
    return new ChunkBytes(enc, data, hash);
  }

  /** Bounded protobuf wire reader. */
  private static final class Reader {
    final byte[] b;
    final int end;
    int pos;

    Reader(byte[] b, int from, int to) {
      if (from < 0 || to > b.length || from > to) {
        throw new Malformed("length out of bounds");
      }
      this.b = b;
      this.pos = from;
      this.end = to;
    }

    boolean more() {
      return pos < end;
    }

    long varint() {
      long x = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw new Malformed("truncated varint");
        }
        int v = b[pos++];
        x |= (long) (v & 0x7F) << shift;
        if (v >= 0) {
          return x;
        }
      }
      throw new Malformed("varint too long");
    }

    int length() {
      long n = varint();
      if (n < 0 || n > end - pos) {
        throw new Malformed("length " + n + " exceeds the " + (end - pos) + " bytes left");
      }
      return (int) n;
    }

    void skip(int wireType) {
      switch (wireType) {
        case 0 -> varint();
        case 1 -> advance(8);
        case 2 -> advance(length());
        case 5 -> advance(4);
        default -> throw new Malformed("unsupported wire type " + wireType);
      }
    }

    private void advance(int n) {
      if (n > end - pos) {
        throw new Malformed("truncated field");
      }
      pos += n;
    }
  }

  /** A byte range as a map key. */
  private static final class Key {
    final byte[] b;
    final int at;
    final int len;
    final int hash;

    Key(byte[] b, int at, int len) {
      this.b = b;
      this.at = at;
      this.len = len;
      int h = 1;
      for (int i = 0; i < len; i++) {
        h = 31 * h + b[at + i];
      }
      this.hash = h;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k
          && k.len == len
          && java.util.Arrays.equals(b, at, at + len, k.b, k.at, k.at + len);
    }
  }
}
