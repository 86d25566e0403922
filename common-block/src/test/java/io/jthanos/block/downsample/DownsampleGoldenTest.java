package io.jthanos.block.downsample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.tsdb.chunkenc.ChunkDecodingException;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.storage.ChunkMeta;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Aggregate chunk bytes checked against golden bytes worked out from the format: each sub-chunk is
 * a Prometheus XOR chunk (bit stream written as Go's {@code bstream}: 2-byte count, varint first
 * timestamp, 64-bit first value, uvarint delta, delta-of-delta buckets, XOR values with
 * leading/trailing windows, Go's trailing byte after a byte-aligned write), framed as {@code
 * uvarint(len) 0x01 bytes} in the order count, sum, min, max, counter. The expected values follow
 * Thanos' rules (window end {@code t - t%res + res - 1} capped at the batch's last sample; counter
 * with the first raw sample and the last raw value).
 */
class DownsampleGoldenTest {
  static final HexFormat HEX = HexFormat.of();

  // Raw (0,1) (60000,3) at 5m: one window at min(299999, 60000).
  static final String A =
      "0e010001c0a9074000000000000000000e010001c0a9074010000000000000000e010001c0a9073ff00000000"
          + "00000000e010001c0a90740080000000000000014010003003ff0000000000000e0d403c267ffe8ad00";

  // Raw with a counter reset and a NaN, two windows.
  static final String B =
      "12010002becf244008000000000000c19a0cd80c13010002becf244041800000000000c19a0cd2475813010002"
          + "becf244014000000000000c19a0cd4268012010002becf244034000000000000c19a0cd61f1a010004004024"
          + "000000000000dfa712d62f7b9e58b48fe7b3cafed0";

  // Two 5m chunks with a counter reset between them, and their 1h downsampling.
  static final String C1 =
      "11010002becf244014000000000000e0a7120012010002becf244024000000000000e0a712d60c13010002becf"
          + "243ff0000000000000e0a712c25fff12010002becf244008000000000000e0a712d60c18010004004059000000"
          + "000000dfa712dc1d8001d4477f5b6100";
  static final String C2 =
      "0e010001beee6d4014000000000000000e010001beee6d401c000000000000000e010001beee6d00000000000000"
          + "00000e010001beee6d40100000000000000016010003809f494008000000000000dfa712d42d7adb0840";
  static final String C_OUT =
      "0e010001beee6d402e000000000000000e010001beee6d4042800000000000000e010001beee6d00000000000000"
          + "00000e010001beee6d4018000000000000001d0100030040590000000000009ff736d44f0ffffffffffffc91187"
          + "4950d80";

  static String hex(ChunkMeta m) {
    ByteBuffer b = m.chunk().data();
    byte[] a = new byte[b.remaining()];
    b.get(a);
    return HEX.formatHex(a);
  }

  @Test
  void rawToFiveMinutesSingleWindow() {
    List<ChunkMeta> out =
        Downsampler.downsampleRaw(new long[] {0, 60_000}, new double[] {1, 3}, Resolutions.RES_5M);
    assertThat(out).hasSize(1);
    assertThat(out.get(0).chunk().encoding()).isEqualTo(ChunkEncoding.AGGREGATE);
    assertThat(hex(out.get(0))).isEqualTo(A);
    assertThat(out.get(0).minTime()).isEqualTo(60_000);
    assertThat(out.get(0).maxTime()).isEqualTo(60_000);
    assertThat(out.get(0).chunk().numSamples()).isEqualTo(1);
  }

  @Test
  void rawWithResetAndNaN() {
    List<ChunkMeta> out =
        Downsampler.downsampleRaw(
            new long[] {0, 100_000, 200_000, 300_000, 400_000, 500_000},
            new double[] {10, 20, 5, 8, Double.NaN, 12},
            Resolutions.RES_5M);
    assertThat(out).hasSize(1);
    assertThat(hex(out.get(0))).isEqualTo(B);
    assertThat(out.get(0).minTime()).isEqualTo(299_999);
    assertThat(out.get(0).maxTime()).isEqualTo(500_000);
  }

  @Test
  void fiveMinutesToOneHourAcrossAReset() {
    List<ChunkMeta> in =
        List.of(
            new ChunkMeta(299_999, 599_999, AggrChunk.wrap(HEX.parseHex(C1))),
            new ChunkMeta(899_999, 899_999, AggrChunk.wrap(HEX.parseHex(C2))));
    List<ChunkMeta> out = new ArrayList<>();
    new Downsampler().downsampleAggr(in, Resolutions.RES_5M, Resolutions.RES_1H, out);
    assertThat(out).hasSize(1);
    assertThat(hex(out.get(0))).isEqualTo(C_OUT);
    assertThat(out.get(0).minTime()).isEqualTo(899_999);
    assertThat(out.get(0).maxTime()).isEqualTo(899_999);
  }

  @Test
  void readsEveryAggregateBack() {
    AggrChunk c = AggrChunk.wrap(HEX.parseHex(B));
    assertThat(samples(c.iterator(AggrType.COUNT, null)))
        .containsExactly(299_999d, 3d, 500_000d, 2d);
    assertThat(samples(c.iterator(AggrType.SUM, null)))
        .containsExactly(299_999d, 35d, 500_000d, 20d);
    assertThat(samples(c.iterator(AggrType.MIN, null))).containsExactly(299_999d, 5d, 500_000d, 8d);
    assertThat(samples(c.iterator(AggrType.MAX, null)))
        .containsExactly(299_999d, 20d, 500_000d, 12d);
    assertThat(samples(c.iterator(AggrType.COUNTER, null)))
        .containsExactly(0d, 10d, 299_999d, 25d, 500_000d, 32d, 500_000d, 12d);
    // As a Chunk: count's samples, average per window.
    assertThat(c.numSamples()).isEqualTo(2);
    assertThat(samples(c.iterator(null))).containsExactly(299_999d, 35d / 3, 500_000d, 10d);
    // The counter across both chunks through the reset-applying iterator.
    assertThat(
            samples(
                AggrSeries.iterator(
                    List.of(AggrChunk.wrap(HEX.parseHex(C1)), AggrChunk.wrap(HEX.parseHex(C2))),
                    AggrType.COUNTER)))
        .containsExactly(0d, 100d, 299_999d, 110d, 599_999d, 130d, 600_000d, 133d, 899_999d, 139d);
  }

  @Test
  void encodeMatchesAndAbsentAggregatesAreZeroLength() {
    AggrChunk c = AggrChunk.wrap(HEX.parseHex(A));
    io.jthanos.tsdb.chunkenc.Chunk[] subs = new io.jthanos.tsdb.chunkenc.Chunk[5];
    for (AggrType t : AggrType.values()) {
      subs[t.ordinal()] = c.get(t).orElseThrow();
    }
    assertThat(HEX.formatHex(bytes(AggrChunk.encode(subs).data()))).isEqualTo(A);
    subs[AggrType.MIN.ordinal()] = null;
    subs[AggrType.MAX.ordinal()] = null;
    AggrChunk partial = AggrChunk.encode(subs);
    assertThat(partial.has(AggrType.MIN)).isFalse();
    assertThat(partial.get(AggrType.MAX)).isEmpty();
    assertThat(partial.iterator(AggrType.MIN, null).next()).isEqualTo(ValueType.NONE);
    assertThat(samples(partial.iterator(AggrType.COUNTER, null))).hasSize(6);
  }

  @Test
  void malformedChunksFailPrecisely() {
    byte[] a = HEX.parseHex(A);
    AggrChunk truncated = AggrChunk.wrap(java.util.Arrays.copyOf(a, 30));
    assertThat(truncated.numSamples()).isEqualTo(1);
    assertThat(truncated.has(AggrType.COUNT)).isTrue();
    assertThatThrownBy(() -> truncated.get(AggrType.SUM))
        .isInstanceOf(ChunkDecodingException.class)
        .hasMessageContaining("sum at offset 16");
    AggrChunk empty = AggrChunk.wrap(new byte[0]);
    assertThat(empty.numSamples()).isZero();
    assertThatThrownBy(() -> empty.has(AggrType.COUNT)).hasMessageContaining("end of data");
  }

  @Test
  void counterResetsIteratorHandlesOverlapsAndNaN() {
    SampleIterator a = series(new long[] {0, 10, 20, 20}, new double[] {5, 7, 9, 9});
    SampleIterator b = series(new long[] {15, 20, 30, 40}, new double[] {100, 1, 2, Double.NaN});
    CounterResetsIterator it = new CounterResetsIterator(List.of(a, b));
    // 15 goes back in time: skipped; 20 repeats the last timestamp: true last value 1 -> reset at
    // 30.
    // 20 repeats the last timestamp: the true last value is 1, so 30 adds 2 - 1.
    assertThat(samples(it)).containsExactly(0d, 5d, 10d, 7d, 20d, 9d, 30d, 10d);
    assertThat(it.lastRawValue()).isEqualTo(2);
  }

  static SampleIterator series(long[] t, double[] v) {
    return io.jthanos.tsdb.testing.TestSeries.of(io.jthanos.tsdb.labels.Labels.empty(), t, v)
        .iterator(null);
  }

  static byte[] bytes(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.get(a);
    return a;
  }

  static List<Double> samples(SampleIterator it) {
    List<Double> out = new ArrayList<>();
    while (it.next() != ValueType.NONE) {
      out.add((double) it.atT());
      out.add(it.atV());
    }
    return out;
  }
}
