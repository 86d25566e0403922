package io.jthanos.tsdb.compact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.BlockWriter;
import io.jthanos.tsdb.block.UlidGenerator;
import io.jthanos.tsdb.chunkenc.UnsupportedChunkEncodingException;
import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.chunkenc.XorEncoder;
import io.jthanos.tsdb.chunkenc.XorIterator;
import io.jthanos.tsdb.chunks.ChunkSegmentFormat;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.storage.ChunkMeta;
import io.jthanos.tsdb.testing.BlockFixtures;
import io.jthanos.tsdb.testing.TestSeries;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PenaltyChunkSeriesMergerTest {
  static long[] seconds(long... s) {
    return Arrays.stream(s).map(x -> x * 1000).toArray();
  }

  static long[] bits(long[] ts, double offset) {
    return Arrays.stream(ts).map(t -> Double.doubleToRawLongBits(t / 1000.0 + offset)).toArray();
  }

  static List<ChunkMeta> chunks(long[] ts, long[] vbits, int perChunk) {
    List<ChunkMeta> out = new ArrayList<>();
    XorEncoder e = new XorEncoder();
    for (int i = 0; i < ts.length; i++) {
      if (e.numSamples() == perChunk) {
        out.add(new ChunkMeta(e.minTime(), e.maxTime(), e.toChunk()));
        e.reset();
      }
      e.appendBits(ts[i], vbits[i]);
    }
    if (e.numSamples() > 0) {
      out.add(new ChunkMeta(e.minTime(), e.maxTime(), e.toChunk()));
    }
    return out;
  }

  static long[] timestamps(List<ChunkMeta> chunks) {
    List<Long> out = new ArrayList<>();
    XorIterator it = new XorIterator();
    for (ChunkMeta c : chunks) {
      it.reset(c.chunk().data());
      while (it.next() == ValueType.FLOAT) {
        out.add(it.atT());
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  @Test
  void followsOneReplicaAndFillsItsGapsWithoutInterleaving() {
    long[] a = seconds(0, 10, 20, 30, 40, 100, 110, 120);
    long[] b = seconds(5, 15, 25, 35, 45, 55, 65, 75, 85, 95, 105, 115, 125);
    long[][] out = PenaltyChunkSeriesMerger.penalty(a, bits(a, 0), b, bits(b, 0.5));
    // A is followed until its gap after 40s; B (penalised by 2x A's interval) takes over at 65s
    // and is then followed to the end, A now being the penalised one.
    assertThat(out[0]).containsExactly(seconds(0, 10, 20, 30, 40, 65, 75, 85, 95, 105, 115, 125));
    assertThat(Double.longBitsToDouble(out[1][5])).isEqualTo(65.5);
    assertThat(Double.longBitsToDouble(out[1][4])).isEqualTo(40.0);
  }

  @Test
  void firstSampleWinsTiesAndTheOtherReplicaIsPenalisedByFiveSeconds() {
    long[] a = seconds(10, 20, 30);
    long[] b = seconds(10, 14, 20, 30);
    long[][] out = PenaltyChunkSeriesMerger.penalty(a, bits(a, 0), b, bits(b, 1));
    assertThat(out[0]).containsExactly(seconds(10, 20, 30));
    assertThat(Arrays.stream(out[1]).mapToDouble(Double::longBitsToDouble))
        .containsExactly(10.0, 20.0, 30.0);
  }

  @Test
  void twoReplicasWithShiftedScrapesMergeToOneReplicasRate() {
    long[] a = new long[720];
    long[] b = new long[720];
    for (int i = 0; i < 720; i++) {
      a[i] = i * 15_000L;
      b[i] = i * 15_000L + 3_000;
    }
    PenaltyChunkSeriesMerger m = new PenaltyChunkSeriesMerger();
    List<ChunkMeta> out = m.merge(List.of(chunks(a, bits(a, 0), 120), chunks(b, bits(b, 0), 120)));
    assertThat(timestamps(out)).containsExactly(a);
    assertThat(out).allSatisfy(c -> assertThat(c.chunk().numSamples()).isLessThanOrEqualTo(120));
    for (int i = 1; i < out.size(); i++) {
      assertThat(out.get(i).minTime()).isGreaterThan(out.get(i - 1).maxTime());
    }
    assertThat(m.samplesDropped()).isEqualTo(720);
    assertThat(m.chunksReencoded()).isEqualTo(out.size());
  }

  @Test
  void chunksOverlappingNothingPassThroughUntouched() {
    long[] a = new long[240];
    long[] b = new long[240];
    for (int i = 0; i < 240; i++) {
      a[i] = i * 15_000L;
      b[i] = 10_000_000L + i * 15_000L;
    }
    List<ChunkMeta> ca = chunks(a, bits(a, 0), 120);
    List<ChunkMeta> cb = chunks(b, bits(b, 0), 120);
    PenaltyChunkSeriesMerger m = new PenaltyChunkSeriesMerger();
    List<ChunkMeta> out = m.merge(List.of(cb, ca));
    assertThat(out).containsExactly(ca.get(0), ca.get(1), cb.get(0), cb.get(1));
    assertThat(m.chunksReencoded()).isZero();
    assertThat(m.samplesDropped()).isZero();
  }

  @Test
  void nonXorOverlapIsRefused() {
    long[] a = seconds(1, 2, 3);
    List<ChunkMeta> x = chunks(a, bits(a, 0), 120);
    ChunkMeta other =
        new ChunkMeta(
            1000,
            3000,
            new io.jthanos.tsdb.chunkenc.RawChunk(
                io.jthanos.tsdb.chunkenc.ChunkEncoding.HISTOGRAM,
                java.nio.ByteBuffer.wrap(new byte[] {0, 0})));
    assertThatThrownBy(() -> new PenaltyChunkSeriesMerger().merge(List.of(x, List.of(other))))
        .isInstanceOf(UnsupportedChunkEncodingException.class);
  }

  @Test
  void compactorDeduplicatesTwoReplicaBlocksWithThePenaltyMerger(@TempDir Path dir)
      throws Exception {
    long start = 1_704_067_200_000L;
    List<TestSeries> ra = new ArrayList<>();
    List<TestSeries> rb = new ArrayList<>();
    for (int s = 0; s < 5; s++) {
      long[] ta = new long[480];
      long[] tb = new long[480];
      double[] va = new double[480];
      double[] vb = new double[480];
      for (int i = 0; i < 480; i++) {
        ta[i] = start + i * 15_000L;
        tb[i] = start + i * 15_000L + 3_000 + s;
        va[i] = i;
        vb[i] = i + 0.25;
      }
      Labels l = Labels.of("__name__", "up", "instance", "i" + s);
      ra.add(TestSeries.of(l, ta, va));
      rb.add(TestSeries.of(l, tb, vb));
    }
    long end = start + 2 * 3_600_000L;
    Path a =
        dir.resolve(
            BlockFixtures.writeBlock(BlockWriter.builder(dir).timeRange(start, end), ra)
                .ulid()
                .toString());
    Path b =
        dir.resolve(
            BlockFixtures.writeBlock(BlockWriter.builder(dir).timeRange(start, end), rb)
                .ulid()
                .toString());
    Compactor c =
        new Compactor(
            UlidGenerator.defaultGenerator(),
            ChunkSegmentFormat.DEFAULT_SEGMENT_SIZE,
            120,
            PenaltyChunkSeriesMerger::new);
    Compactor.CompactionResult r = c.compact(dir.resolve("out"), List.of(a, b));
    BlockMeta meta = r.meta().orElseThrow();
    assertThat(meta.stats().numSamples()).isEqualTo(5 * 480);
    List<TestSeries> got =
        BlockFixtures.readAll(dir.resolve("out").resolve(meta.ulid().toString()));
    assertThat(got).containsExactlyElementsOf(ra);
    assertThat(r.duplicateSamplesDropped()).isEqualTo(5 * 480);
  }
}
