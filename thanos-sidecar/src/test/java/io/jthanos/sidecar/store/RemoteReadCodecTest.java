package io.jthanos.sidecar.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.jthanos.proto.prometheus.Chunk;
import io.jthanos.proto.prometheus.ChunkedReadResponse;
import io.jthanos.proto.prometheus.ChunkedSeries;
import io.jthanos.proto.prometheus.Label;
import io.jthanos.proto.prometheus.Sample;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.chunkenc.XorEncoder;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.storage.ChunkMeta;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class RemoteReadCodecTest {

  static byte[] xor(long t0, int n) {
    XorEncoder e = new XorEncoder();
    for (int i = 0; i < n; i++) {
      e.append(t0 + i * 15_000L, i * 1.5);
    }
    return e.bytes();
  }

  static ChunkedSeries series(List<String> nv, Chunk... chunks) {
    ChunkedSeries.Builder b = ChunkedSeries.newBuilder();
    for (int i = 0; i < nv.size(); i += 2) {
      b.addLabels(Label.newBuilder().setName(nv.get(i)).setValue(nv.get(i + 1)));
    }
    for (Chunk c : chunks) {
      b.addChunks(c);
    }
    return b.build();
  }

  static Chunk chunk(long min, long max, int type, byte[] data) {
    return Chunk.newBuilder()
        .setMinTimeMs(min)
        .setMaxTimeMs(max)
        .setTypeValue(type)
        .setData(ByteString.copyFrom(data))
        .build();
  }

  /** A frame as Prometheus writes it: uvarint length, big-endian CRC32C, message. */
  static byte[] frame(byte[] msg) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream cos = CodedOutputStream.newInstance(out);
    cos.writeUInt32NoTag(msg.length);
    cos.flush();
    CRC32C crc = new CRC32C();
    crc.update(msg);
    out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    out.write(msg);
    return out.toByteArray();
  }

  @Test
  void decodesFramesPassingChunkBytesThroughAndStrippingExternalLabels() throws IOException {
    byte[] c1 = xor(1000, 120);
    byte[] c2 = xor(1_801_000, 7);
    byte[] hist = {0, 1, 2, 3};
    ChunkedReadResponse r =
        ChunkedReadResponse.newBuilder()
            .setQueryIndex(0)
            .addChunkedSeries(
                series(
                    List.of("__name__", "up", "job", "api", "region", "eu", "replica", "r1"),
                    chunk(1000, 1_786_000, 1, c1),
                    chunk(1_801_000, 1_891_000, 1, c2),
                    chunk(2_000_000, 2_000_000, 2, hist)))
            .build();
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    stream.write(frame(r.toByteArray()));
    stream.write(frame(ChunkedReadResponse.newBuilder().setQueryIndex(0).build().toByteArray()));
    ChunkedFrames frames =
        new ChunkedFrames(new ByteArrayInputStream(stream.toByteArray()), 1 << 20);

    List<RemoteReadCodec.Part> parts =
        RemoteReadCodec.decodeFrame(frames.next(), Set.of("region", "replica"));
    assertThat(parts).hasSize(1);
    assertThat(parts.get(0).labels()).isEqualTo(Labels.of("__name__", "up", "job", "api"));
    List<ChunkMeta> chunks = parts.get(0).chunks();
    assertThat(chunks).hasSize(3);
    assertThat(bytes(chunks.get(0).chunk().data())).isEqualTo(c1);
    assertThat(bytes(chunks.get(1).chunk().data())).isEqualTo(c2);
    assertThat(chunks.get(0).minTime()).isEqualTo(1000);
    assertThat(chunks.get(1).maxTime()).isEqualTo(1_891_000);
    assertThat(chunks.get(0).chunk().encoding()).isEqualTo(ChunkEncoding.XOR);
    assertThat(chunks.get(2).chunk().encoding()).isEqualTo(ChunkEncoding.HISTOGRAM);
    SampleIterator it = chunks.get(1).chunk().iterator(null);
    int n = 0;
    while (it.next() == ValueType.FLOAT) {
      assertThat(it.atT()).isEqualTo(1_801_000 + n * 15_000L);
      n++;
    }
    assertThat(n).isEqualTo(7);

    assertThat(RemoteReadCodec.decodeFrame(frames.next(), Set.of())).isEmpty();
    assertThat(frames.next()).isNull();
    assertThat(frames.frames()).isEqualTo(2);
  }

  @Test
  void corruptFramesFailWithTheirOffset() throws IOException {
    byte[] msg =
        ChunkedReadResponse.newBuilder()
            .addChunkedSeries(series(List.of("a", "b"), chunk(1, 2, 1, xor(1, 2))))
            .build()
            .toByteArray();
    byte[] good = frame(msg);

    byte[] badCrc = good.clone();
    badCrc[good.length - 1] ^= 1;
    ByteArrayOutputStream two = new ByteArrayOutputStream();
    two.write(good);
    two.write(badCrc);
    ChunkedFrames f = new ChunkedFrames(new ByteArrayInputStream(two.toByteArray()), 1 << 20);
    f.next();
    assertThatThrownBy(f::next)
        .hasMessageContaining("checksum mismatch")
        .hasMessageContaining("offset " + good.length);

    byte[] cut = java.util.Arrays.copyOf(good, good.length - 3);
    assertThatThrownBy(() -> new ChunkedFrames(new ByteArrayInputStream(cut), 1 << 20).next())
        .isInstanceOf(EOFException.class)
        .hasMessageContaining("cut short");

    assertThatThrownBy(() -> new ChunkedFrames(new ByteArrayInputStream(good), 8).next())
        .hasMessageContaining("over the limit of 8");

    byte[] garbage = {2, 0, 0, 0, 0, (byte) 0x0a, (byte) 0x7f};
    CRC32C crc = new CRC32C();
    crc.update(garbage, 5, 2);
    ByteBuffer.wrap(garbage, 1, 4).putInt((int) crc.getValue());
    byte[] msgOnly = new ChunkedFrames(new ByteArrayInputStream(garbage), 1 << 20).next();
    assertThatThrownBy(() -> RemoteReadCodec.decodeFrame(msgOnly, Set.of()))
        .hasMessageContaining("exceeds the message");
  }

  @Test
  void unknownChunkEncodingsAreRejected() throws IOException {
    byte[] msg =
        ChunkedReadResponse.newBuilder()
            .addChunkedSeries(series(List.of("a", "b"), chunk(1, 2, 4, new byte[] {1})))
            .build()
            .toByteArray();
    assertThatThrownBy(() -> RemoteReadCodec.decodeFrame(msg, Set.of()))
        .hasMessageContaining("chunk encoding 4 is not supported");
  }

  @Test
  void samplesAreReencodedIntoChunksOfAtMost120() {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      samples.add(Sample.newBuilder().setTimestamp(i * 1000L).setValue(i).build());
    }
    List<ChunkMeta> chunks = PrometheusStore.encode(samples);
    assertThat(chunks).extracting(c -> c.chunk().numSamples()).containsExactly(120, 120, 10);
    assertThat(chunks).extracting(ChunkMeta::minTime).containsExactly(0L, 120_000L, 240_000L);
    assertThat(chunks).extracting(ChunkMeta::maxTime).containsExactly(119_000L, 239_000L, 249_000L);
    SampleIterator it = chunks.get(2).chunk().iterator(null);
    int i = 240;
    while (it.next() == ValueType.FLOAT) {
      assertThat(it.atV()).isEqualTo(i++);
    }
    assertThat(i).isEqualTo(250);
  }

  @Test
  void versionComparison() {
    int[] v224 = {2, 24, 0};
    assertThat(PrometheusStore.versionAtLeast("2.42.0", v224)).isTrue();
    assertThat(PrometheusStore.versionAtLeast("2.24.0", v224)).isTrue();
    assertThat(PrometheusStore.versionAtLeast("2.23.9", v224)).isFalse();
    assertThat(PrometheusStore.versionAtLeast("3.0.0-rc.1", v224)).isTrue();
    assertThat(PrometheusStore.versionAtLeast("v2.53.1+dedupelabels", v224)).isTrue();
    assertThat(PrometheusStore.versionAtLeast("", v224)).isFalse();
    assertThat(PrometheusStore.versionAtLeast("unknown", v224)).isFalse();
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
