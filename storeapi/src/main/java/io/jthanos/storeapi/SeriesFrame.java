package io.jthanos.storeapi;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code SeriesResponse} frame with a series (or a {@code SeriesBatch}) encoded by hand from
 * the reader's buffers, without protobuf message objects: the chunk bytes go from the storage
 * buffer (memory-mapped file, heap array) straight into the transport's output, the only copy. The
 * bytes are those protobuf-java writes for the same message (field order, proto3 defaults omitted),
 * which the golden-frame test checks.
 *
 * <p>gRPC serializes a message when the server sends it, so the storage buffers need to stay valid
 * only until {@code onNext} returns. The frame may be drained once.
 */
final class SeriesFrame extends InputStream implements Drainable, KnownLength {
  /** One sub-chunk: Thanos encoding number (XOR=0), data between position and limit, hash. */
  record Part(int type, ByteBuffer data, long hash) {}

  /** One AggrChunk: members indexed raw=0, count=1, sum=2, min=3, max=4, counter=5. */
  static final class FrameChunk {
    final long minTime;
    final long maxTime;
    final Part[] members = new Part[6];
    int size;

    FrameChunk(long minTime, long maxTime) {
      this.minTime = minTime;
      this.maxTime = maxTime;
    }

    int computeSize() {
      int n = 0;
      if (minTime != 0) {
        n += 1 + varintSize(minTime);
      }
      if (maxTime != 0) {
        n += 1 + varintSize(maxTime);
      }
      for (Part p : members) {
        if (p != null) {
          int c = partSize(p);
          n += 1 + varintSize(c) + c;
        }
      }
      size = n;
      return n;
    }
  }

  /** One Series: UTF-8 label names and values, and its chunks. */
  static final class FrameSeries {
    final byte[][] labels; // name, value, name, value, ...
    final List<FrameChunk> chunks;
    int size;

    FrameSeries(byte[][] labels, List<FrameChunk> chunks) {
      this.labels = labels;
      this.chunks = chunks;
    }

    int computeSize() {
      int n = 0;
      for (int i = 0; i < labels.length; i += 2) {
        int l = labelSize(labels[i], labels[i + 1]);
        n += 1 + varintSize(l) + l;
      }
      for (FrameChunk c : chunks) {
        int s = c.computeSize();
        n += 1 + varintSize(s) + s;
      }
      size = n;
      return n;
    }
  }

  private final List<FrameSeries> series;
  private final boolean batch;
  private final int batchSize;
  private final int size;
  private final byte[] scratch;
  private ByteArrayInputStream materialized;
  private boolean drained;

  /** Staging buffer for copies out of direct buffers, one per draining thread. */
  private static final ThreadLocal<byte[]> SCRATCH =
      ThreadLocal.withInitial(() -> new byte[16 * 1024]);

  SeriesFrame(List<FrameSeries> series, boolean batch) {
    this(series, batch, null);
  }

  /**
   * @param scratch a copy buffer (at least 64 bytes) used while draining, or null for the draining
   *     thread's own
   */
  SeriesFrame(List<FrameSeries> series, boolean batch, byte[] scratch) {
    this.series = series;
    this.batch = batch;
    this.scratch = scratch;
    int body = 0;
    for (FrameSeries s : series) {
      int n = s.computeSize();
      body += 1 + varintSize(n) + n;
    }
    if (batch) {
      this.batchSize = body;
      this.size = 1 + varintSize(body) + body;
    } else {
      if (series.size() != 1) {
        throw new IllegalArgumentException("a series frame holds exactly one series");
      }
      this.batchSize = 0;
      this.size = body;
    }
  }

  static byte[][] labels(io.jthanos.tsdb.labels.Labels l) {
    byte[][] out = new byte[2 * l.size()][];
    for (int i = 0; i < l.size(); i++) {
      out[2 * i] = l.name(i).getBytes(StandardCharsets.UTF_8);
      out[2 * i + 1] = l.value(i).getBytes(StandardCharsets.UTF_8);
    }
    return out;
  }

  /** Encoded size of the whole SeriesResponse. */
  int size() {
    return size;
  }

  @Override
  public int available() {
    if (materialized != null) {
      return materialized.available();
    }
    return drained ? 0 : size;
  }

  @Override
  public int drainTo(OutputStream target) throws IOException {
    if (drained || materialized != null) {
      throw new IllegalStateException("frame already read");
    }
    drained = true;
    Out out = new Out(target, scratch != null ? scratch : SCRATCH.get());
    if (batch) {
      out.tag(4, 2);
      out.varint(batchSize);
    }
    for (FrameSeries s : series) {
      out.tag(1, 2);
      out.varint(s.size);
      writeSeries(out, s);
    }
    out.flush();
    return size;
  }

  private static void writeSeries(Out out, FrameSeries s) throws IOException {
    for (int i = 0; i < s.labels.length; i += 2) {
      byte[] name = s.labels[i];
      byte[] value = s.labels[i + 1];
      out.tag(1, 2);
      out.varint(labelSize(name, value));
      if (name.length > 0) {
        out.tag(1, 2);
        out.varint(name.length);
        out.bytes(name);
      }
      if (value.length > 0) {
        out.tag(2, 2);
        out.varint(value.length);
        out.bytes(value);
      }
    }
    for (FrameChunk c : s.chunks) {
      out.tag(2, 2);
      out.varint(c.size);
      if (c.minTime != 0) {
        out.tag(1, 0);
        out.varint(c.minTime);
      }
      if (c.maxTime != 0) {
        out.tag(2, 0);
        out.varint(c.maxTime);
      }
      for (int m = 0; m < c.members.length; m++) {
        Part p = c.members[m];
        if (p == null) {
          continue;
        }
        out.tag(3 + m, 2);
        out.varint(partSize(p));
        if (p.type != 0) {
          out.tag(1, 0);
          out.varint(p.type);
        }
        int len = p.data.remaining();
        if (len > 0) {
          out.tag(2, 2);
          out.varint(len);
          out.buffer(p.data);
        }
        if (p.hash != 0) {
          out.tag(3, 0);
          out.varint(p.hash);
        }
      }
    }
  }

  private static int labelSize(byte[] name, byte[] value) {
    int n = 0;
    if (name.length > 0) {
      n += 1 + varintSize(name.length) + name.length;
    }
    if (value.length > 0) {
      n += 1 + varintSize(value.length) + value.length;
    }
    return n;
  }

  private static int partSize(Part p) {
    int n = 0;
    if (p.type != 0) {
      n += 1 + varintSize(p.type);
    }
    int len = p.data.remaining();
    if (len > 0) {
      n += 1 + varintSize(len) + len;
    }
    if (p.hash != 0) {
      n += 1 + varintSize(p.hash);
    }
    return n;
  }

  /** Bytes of a varint (int64/uint64 as two's complement: negative values take ten). */
  static int varintSize(long v) {
    return v == 0 ? 1 : (64 - Long.numberOfLeadingZeros(v) + 6) / 7;
  }

  // --- InputStream, for transports that read instead of draining (e.g. tests, in-process) ---

  private ByteArrayInputStream materialize() {
    if (materialized == null) {
      ByteArrayOutputStream bos = new ByteArrayOutputStream(size);
      try {
        drainTo(bos);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      materialized = new ByteArrayInputStream(bos.toByteArray());
    }
    return materialized;
  }

  @Override
  public int read() {
    return materialize().read();
  }

  @Override
  public int read(byte[] b, int off, int len) {
    return materialize().read(b, off, len);
  }

  /** The frame's bytes (drains it). */
  byte[] toByteArray() {
    return materialize().readAllBytes();
  }

  /** Buffered protobuf wire writer over the transport stream. */
  private static final class Out {
    private final OutputStream target;
    private final byte[] buf;
    private int pos;

    Out(OutputStream target, byte[] buf) {
      this.target = target;
      this.buf = buf;
    }

    void tag(int field, int wireType) throws IOException {
      varint(((long) field << 3) | wireType);
    }

    void varint(long v) throws IOException {
      if (buf.length - pos < 10) {
        flush();
      }
      while ((v & ~0x7FL) != 0) {
        buf[pos++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[pos++] = (byte) v;
    }

    void bytes(byte[] b) throws IOException {
      if (b.length > buf.length - pos) {
        flush();
        if (b.length > buf.length) {
          target.write(b);
          return;
        }
      }
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
    }

    /** Copies the buffer's remaining bytes without moving its position. */
    void buffer(ByteBuffer data) throws IOException {
      int at = data.position();
      int len = data.remaining();
      if (data.hasArray() && len > buf.length / 2) {
        flush();
        target.write(data.array(), data.arrayOffset() + at, len);
        return;
      }
      while (len > 0) {
        if (pos == buf.length) {
          flush();
        }
        int n = Math.min(len, buf.length - pos);
        data.get(at, buf, pos, n);
        pos += n;
        at += n;
        len -= n;
      }
    }

    void flush() throws IOException {
      if (pos > 0) {
        target.write(buf, 0, pos);
        pos = 0;
      }
    }
  }

  /** Frames as built, for the parts of the server that need them as a list. */
  static List<FrameSeries> list(FrameSeries s) {
    List<FrameSeries> l = new ArrayList<>(1);
    l.add(s);
    return l;
  }
}
