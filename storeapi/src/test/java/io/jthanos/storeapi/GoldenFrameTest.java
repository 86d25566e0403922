package io.jthanos.storeapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.proto.store.SeriesRequest;
import io.jthanos.proto.store.SeriesResponse;
import io.jthanos.storeapi.testing.InMemoryChunkQueryable;
import io.jthanos.storeapi.testing.LoopbackServer;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import io.jthanos.tsdb.chunkenc.XorEncoder;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.ChunkMeta;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.openhft.hashing.LongHashFunction;
import org.junit.jupiter.api.Test;

/**
 * A Series response frame written by hand from the spec's field numbers (1.2, 1.3) decodes to the
 * expected model, and our server sends exactly those bytes for the same series.
 */
class GoldenFrameTest {

  /** Minimal protobuf writer: key = field << 3 | wire type; varints; length-delimited. */
  private static final class W {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    W varint(int field, long v) {
      uvarint((long) field << 3);
      uvarint(v);
      return this;
    }

    W bytes(int field, byte[] b) {
      uvarint(((long) field << 3) | 2);
      uvarint(b.length);
      out.writeBytes(b);
      return this;
    }

    W str(int field, String s) {
      return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    W msg(int field, W m) {
      return bytes(field, m.out.toByteArray());
    }

    void uvarint(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }

  private static final long T = 1_700_000_000_000L;

  private static byte[] xorData() {
    XorEncoder e = new XorEncoder();
    e.append(T, 1);
    e.append(T + 15_000, 2);
    e.append(T + 30_000, 4.5);
    return e.bytes();
  }

  private static byte[] handBuilt(byte[] data) {
    long hash = LongHashFunction.xx().hashBytes(data);
    W series =
        new W()
            // labels (1): sorted, external label replica merged in
            .msg(1, new W().str(1, "__name__").str(2, "up"))
            .msg(1, new W().str(1, "job").str(2, "api"))
            .msg(1, new W().str(1, "replica").str(2, "a"))
            // chunks (2): AggrChunk{min_time=1, max_time=2, raw=3 Chunk{type=1 (XOR=0, omitted),
            // data=2, hash=3}}
            .msg(
                2,
                new W()
                    .varint(1, T)
                    .varint(2, T + 30_000)
                    .msg(3, new W().bytes(2, data).varint(3, hash)));
    // SeriesResponse.series (1)
    return new W().msg(1, series).bytes();
  }

  @Test
  void handBuiltFrameDecodesToTheModel() throws Exception {
    byte[] data = xorData();
    SeriesResponse r = SeriesResponse.parseFrom(handBuilt(data));
    assertThat(r.getResultCase()).isEqualTo(SeriesResponse.ResultCase.SERIES);
    StoreSeries s = StoreProtos.series(r.getSeries());
    assertThat(s.labels()).isEqualTo(Labels.of("__name__", "up", "job", "api", "replica", "a"));
    assertThat(s.chunks()).hasSize(1);
    StoreChunk c = s.chunks().getFirst();
    assertThat(c.minTime()).isEqualTo(T);
    assertThat(c.maxTime()).isEqualTo(T + 30_000);
    assertThat(c.raw().encoding()).isEqualTo(ChunkEncoding.XOR);
    assertThat(c.raw().data().toByteArray()).isEqualTo(data);
    assertThat(c.raw().hash()).isEqualTo(LongHashFunction.xx().hashBytes(data));
    assertThat(c.raw().numSamples()).isEqualTo(3);
    assertThat(c.count()).isNull();
  }

  @Test
  void serverSendsTheHandBuiltBytes() {
    byte[] data = xorData();
    InMemoryChunkQueryable source =
        new InMemoryChunkQueryable(
            List.of(
                new InMemoryChunkQueryable.StoredSeries(
                    Labels.of("__name__", "up", "job", "api"),
                    List.of(
                        new ChunkMeta(
                            T, T + 30_000, io.jthanos.tsdb.chunkenc.XorChunk.of(data))))));
    StoreServer store =
        StoreServer.builder(source).externalLabels(Labels.of("replica", "a")).build();
    try (LoopbackServer server = LoopbackServer.start(store);
        StoreClient client = server.client()) {
      SeriesRequest req =
          SeriesRequest.newBuilder()
              .setMinTime(T)
              .setMaxTime(T + 60_000)
              .addMatchers(StoreProtos.toProto(Matcher.equal("__name__", "up")))
              .build();
      List<byte[]> frames = RawFrames.series(client.channel(), req);
      assertThat(frames).hasSize(1);
      assertThat(frames.getFirst()).isEqualTo(handBuilt(data));
    }
  }
}
