package io.jthanos.tsdb.chunkenc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.tsdb.storage.Values;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class XorChunkTest {

  private static byte[] encode(long[] ts, double[] vs) {
    XorEncoder e = new XorEncoder();
    for (int i = 0; i < ts.length; i++) {
      e.append(ts[i], vs[i]);
    }
    return e.bytes();
  }

  @Test
  void workedExampleFromTheFormatSpec() {
    byte[] b = encode(new long[] {1000, 16000, 31000, 46000}, new double[] {1.0, 2.0, 2.0, 4.0});
    assertThat(HexFormat.of().formatHex(b))
        .isEqualTo("0004" + "d00f" + "3ff0000000000000" + "9875" + "c25fff" + "1001");
  }

  @Test
  void roundTripKeepsEveryBit() {
    SplittableRandom r = new SplittableRandom(42);
    for (int round = 0; round < 200; round++) {
      int n = 1 + r.nextInt(300);
      long[] ts = new long[n];
      double[] vs = new double[n];
      long t = r.nextLong(-1L << 45, 1L << 45);
      double v = 0;
      for (int i = 0; i < n; i++) {
        // Mix of regular, jittered, huge and zero deltas to hit every dod bucket.
        t +=
            switch (r.nextInt(6)) {
              case 0 -> 15000;
              case 1 -> 15000 + r.nextInt(-20, 20);
              case 2 -> r.nextLong(1, 1L << 40);
              case 3 -> r.nextInt(1, 600_000);
              case 4 -> 1;
              default -> r.nextInt(1, 70_000);
            };
        v =
            switch (r.nextInt(7)) {
              case 0 -> v;
              case 1 -> v + r.nextInt(10);
              case 2 -> Math.round(r.nextDouble() * 1000) / 10.0;
              case 3 -> r.nextDouble();
              case 4 -> Values.STALE_NAN;
              case 5 -> Double.longBitsToDouble(r.nextLong());
              default -> -v;
            };
        ts[i] = t;
        vs[i] = v;
      }
      byte[] b = encode(ts, vs);
      XorIterator it = new XorIterator(java.nio.ByteBuffer.wrap(b));
      assertThat(it.numSamples()).isEqualTo(n);
      for (int i = 0; i < n; i++) {
        assertThat(it.next()).isEqualTo(ValueType.FLOAT);
        assertThat(it.atT()).isEqualTo(ts[i]);
        assertThat(it.atVBits()).isEqualTo(Double.doubleToRawLongBits(vs[i]));
      }
      assertThat(it.next()).isEqualTo(ValueType.NONE);
    }
  }

  @Test
  void dodBucketEdgesRoundTrip() {
    long[] dods = {
      0,
      1,
      -1,
      8192,
      -8191,
      8193,
      -8192,
      65536,
      -65535,
      65537,
      -65536,
      524288,
      -524287,
      524289,
      -524288,
      1L << 40,
      -(1L << 40)
    };
    for (long dod : dods) {
      long[] ts = {0, 1_000_000_000L, 2_000_000_000L + dod};
      double[] vs = {1, 2, 3};
      XorIterator it = new XorIterator(java.nio.ByteBuffer.wrap(encode(ts, vs)));
      for (long t : ts) {
        assertThat(it.next()).isEqualTo(ValueType.FLOAT);
        assertThat(it.atT()).as("dod %d", dod).isEqualTo(t);
      }
    }
  }

  @Test
  void seekAndReuse() {
    byte[] b = encode(new long[] {10, 20, 30, 40}, new double[] {1, 2, 3, 4});
    XorChunk c = XorChunk.of(b);
    SampleIterator it = c.iterator(null);
    assertThat(it.seek(25)).isEqualTo(ValueType.FLOAT);
    assertThat(it.atT()).isEqualTo(30);
    assertThat(it.seek(5)).isEqualTo(ValueType.FLOAT);
    assertThat(it.atT()).isEqualTo(30);
    assertThat(it.seek(41)).isEqualTo(ValueType.NONE);
    SampleIterator again = c.iterator(it);
    assertThat(again).isSameAs(it);
    assertThat(again.next()).isEqualTo(ValueType.FLOAT);
    assertThat(again.atT()).isEqualTo(10);
    assertThat(c.numSamples()).isEqualTo(4);
  }

  @Test
  void truncatedDataIsAnErrorNotGarbage() {
    long[] ts = new long[50];
    double[] vs = new double[50];
    for (int i = 0; i < 50; i++) {
      ts[i] = i * 15_000L;
      vs[i] = i * 1.5;
    }
    byte[] b = encode(ts, vs);
    byte[] cut = java.util.Arrays.copyOf(b, b.length / 2);
    XorIterator it = new XorIterator(java.nio.ByteBuffer.wrap(cut));
    assertThatThrownBy(
            () -> {
              while (it.next() != ValueType.NONE) {
                // drain
              }
            })
        .isInstanceOf(ChunkDecodingException.class)
        .hasMessageContaining("ends after");
    assertThatThrownBy(() -> new XorIterator(java.nio.ByteBuffer.wrap(new byte[1])))
        .isInstanceOf(ChunkDecodingException.class);
  }

  @Test
  void impossibleWindowIsAnError() {
    // count=3, t0 varint 0, v0 64 bits, t1 uvarint 1, value bits '11' + leading 31 + sig 40 ...
    XorEncoder e = new XorEncoder();
    e.append(0, 1);
    byte[] b = e.bytes();
    int p = 2 + 1 + 8; // header, varint 0, raw value
    byte[] bad = java.util.Arrays.copyOf(b, p + 8);
    bad[1] = 2; // claim two samples
    bad[p] = 1; // t1 delta 1
    // '1' (changed) '1' (new window) 11111 (31 leading) 101000 (40 significant) -> 71 bits > 64
    bad[p + 1] = (byte) 0b11111111;
    bad[p + 2] = (byte) 0b10100000;
    XorIterator it = new XorIterator(java.nio.ByteBuffer.wrap(bad));
    it.next();
    assertThatThrownBy(it::next)
        .isInstanceOf(ChunkDecodingException.class)
        .hasMessageContaining("invalid xor window");
  }

  @Test
  void byteAlignedStreamKeepsPrometheusTrailingByte() {
    // One sample: header, varint, 64 raw bits written byte-wise, plus the empty byte Prometheus'
    // bit stream leaves after byte-wise writes.
    byte[] b = encode(new long[] {0}, new double[] {1.0});
    assertThat(HexFormat.of().formatHex(b)).isEqualTo("0001" + "00" + "3ff0000000000000" + "00");
  }

  @Test
  void countLimit() {
    XorEncoder e = new XorEncoder();
    for (int i = 0; i < XorEncoder.MAX_SAMPLES; i++) {
      e.append(i, i);
    }
    assertThatThrownBy(() -> e.append(1L << 20, 0)).isInstanceOf(IllegalStateException.class);
    XorIterator it = new XorIterator(java.nio.ByteBuffer.wrap(e.bytes()));
    int n = 0;
    while (it.next() != ValueType.NONE) {
      assertThat(it.atT()).isEqualTo(n);
      n++;
    }
    assertThat(n).isEqualTo(XorEncoder.MAX_SAMPLES);
  }
}
