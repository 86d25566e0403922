package io.jthanos.tsdb.compact;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.tsdb.block.BlockDesc;
import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.BlockReader;
import io.jthanos.tsdb.block.BlockWriter;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.index.IndexSeries;
import io.jthanos.tsdb.index.Postings;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.testing.BlockFixtures;
import io.jthanos.tsdb.testing.SyntheticData;
import io.jthanos.tsdb.testing.TestSeries;
import io.jthanos.tsdb.tombstones.Interval;
import io.jthanos.tsdb.tombstones.Tombstones;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactorTest {
  static final long START = 1_704_067_200_000L;
  static final long H2 = 7_200_000L;

  static Path write(Path dir, List<TestSeries> data) {
    return dir.resolve(BlockFixtures.writeBlock(dir, data).ulid().toString());
  }

  static Path write(Path dir, List<TestSeries> data, long min, long max) {
    return dir.resolve(
        BlockFixtures.writeBlock(BlockWriter.builder(dir).timeRange(min, max), data)
            .ulid()
            .toString());
  }

  static List<TestSeries> slice(List<TestSeries> data, long mint, long maxt) {
    List<TestSeries> out = new ArrayList<>();
    for (TestSeries s : data) {
      TestSeries sl = s.slice(mint, maxt);
      if (sl.size() > 0) {
        out.add(sl);
      }
    }
    return out;
  }

  static Set<ByteBuffer> chunkBytes(Path block) {
    Set<ByteBuffer> out = new HashSet<>();
    try (BlockReader b = BlockReader.open(block)) {
      Postings p = b.index().allPostings();
      while (p.next()) {
        IndexSeries s = b.index().series(p.at());
        for (int i = 0; i < s.chunkCount(); i++) {
          ByteBuffer d = b.chunks().chunk(s.chunkRef(i)).data();
          ByteBuffer copy = ByteBuffer.allocate(d.remaining()).put(d).flip();
          out.add(copy);
        }
      }
    }
    return out;
  }

  @Test
  void nonOverlappingBlocksAreConcatenatedWithChunksCopiedVerbatim(@TempDir Path dir)
      throws Exception {
    List<TestSeries> data = new SyntheticData(1).start(START).mix(8, 1440);
    List<Path> inputs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      inputs.add(
          write(
              dir,
              slice(data, START + i * H2, START + (i + 1) * H2 - 1),
              START + i * H2,
              START + (i + 1) * H2));
    }
    Set<ByteBuffer> inputChunks = new HashSet<>();
    inputs.forEach(p -> inputChunks.addAll(chunkBytes(p)));

    Compactor.CompactionResult r = new Compactor().compact(dir, inputs);
    BlockMeta m = r.meta().orElseThrow();
    Path out = dir.resolve(m.ulid().toString());
    assertThat(BlockFixtures.readAll(out))
        .containsExactlyElementsOf(slice(data, START, START + 3 * H2 - 1));
    assertThat(r.chunksReencoded()).isZero();
    assertThat(r.duplicateSamplesDropped()).isZero();
    assertThat(inputChunks).containsAll(chunkBytes(out));

    List<BlockMeta> in = inputs.stream().map(BlockMeta::read).toList();
    assertThat(m.compaction().level()).isEqualTo(2);
    assertThat(m.compaction().sources())
        .containsExactlyElementsOf(in.stream().map(BlockMeta::ulid).sorted().toList());
    assertThat(m.compaction().parents())
        .containsExactlyElementsOf(
            in.stream().map(x -> new BlockDesc(x.ulid(), x.minTime(), x.maxTime())).toList());
    assertThat(m.minTime()).isEqualTo(START);
    assertThat(m.maxTime()).isEqualTo(START + 3 * H2);
    assertThat(m.stats().numSamples())
        .isEqualTo(in.stream().mapToLong(x -> x.stats().numSamples()).sum());
    assertThat(m.stats().numSeries()).isEqualTo(data.size());
    // Compacting again raises the level and keeps the level-1 sources.
    Path second =
        write(dir, slice(data, START + 3 * H2, START + 4 * H2 - 1), START + 3 * H2, START + 4 * H2);
    BlockMeta m2 = new Compactor().compact(dir, List.of(out, second)).meta().orElseThrow();
    assertThat(m2.compaction().level()).isEqualTo(3);
    assertThat(m2.compaction().sources()).hasSize(4);
  }

  /** Expected vertical merge: union by timestamp, the first series wins on equal timestamps. */
  static List<TestSeries> union(List<TestSeries> first, List<TestSeries> second) {
    Map<Labels, TreeMap<Long, Long>> m = new LinkedHashMap<>();
    for (List<TestSeries> l : List.of(first, second)) {
      for (TestSeries s : l) {
        TreeMap<Long, Long> t = m.computeIfAbsent(s.labels(), k -> new TreeMap<>());
        for (int i = 0; i < s.size(); i++) {
          t.putIfAbsent(s.ts()[i], s.valueBits()[i]);
        }
      }
    }
    List<TestSeries> out = new ArrayList<>();
    m.forEach(
        (l, t) ->
            out.add(
                new TestSeries(
                    l,
                    t.keySet().stream().mapToLong(Long::longValue).toArray(),
                    t.values().stream().mapToLong(Long::longValue).toArray())));
    out.sort((a, b) -> Labels.compare(a.labels(), b.labels()));
    return out;
  }

  @Test
  void overlappingBlocksAreMergedSampleBySampleAndRechunked(@TempDir Path dir) throws Exception {
    // Replica a and b of the same targets: b starts an hour later, shares the scrapes of the
    // overlap exactly (true duplicates) and has its own extra samples in between.
    List<TestSeries> a = new SyntheticData(4).start(START).jitter(0).gaps(0).mix(5, 480);
    List<TestSeries> b = new ArrayList<>();
    for (TestSeries s : a) {
      TestSeries late = s.slice(START + 3_600_000, Long.MAX_VALUE);
      int n = late.size();
      long[] ts = new long[2 * n];
      long[] vs = new long[2 * n];
      for (int i = 0; i < n; i++) {
        ts[2 * i] = late.ts()[i];
        vs[2 * i] = late.valueBits()[i];
        ts[2 * i + 1] = late.ts()[i] + 7_500;
        vs[2 * i + 1] = Double.doubleToRawLongBits(i);
      }
      b.add(new TestSeries(s.labels(), ts, vs));
    }
    b.add(
        TestSeries.of(
            Labels.of("__name__", "only_in_b"), new long[] {START + 5_000_000}, new double[] {42}));
    Path pa = write(dir, a);
    Path pb = write(dir, b);
    Compactor.CompactionResult r = new Compactor().compact(dir, List.of(pb, pa));
    Path out = dir.resolve(r.meta().orElseThrow().ulid().toString());
    List<TestSeries> expected = union(a, b);
    assertThat(BlockFixtures.readAll(out)).containsExactlyElementsOf(expected);
    long in = Stream.concat(a.stream(), b.stream()).mapToLong(TestSeries::size).sum();
    long outSamples = expected.stream().mapToLong(TestSeries::size).sum();
    assertThat(r.meta().get().stats().numSamples()).isEqualTo(outSamples);
    assertThat(r.duplicateSamplesDropped()).isEqualTo(in - outSamples);
    assertThat(r.chunksReencoded()).isPositive();
    try (BlockReader br = BlockReader.open(out)) {
      Postings p = br.index().allPostings();
      while (p.next()) {
        IndexSeries s = br.index().series(p.at());
        for (int i = 0; i < s.chunkCount(); i++) {
          assertThat(br.chunks().chunk(s.chunkRef(i)).numSamples()).isLessThanOrEqualTo(120);
        }
      }
    }
  }

  @Test
  void identicalReplicasCollapseToOne(@TempDir Path dir) throws Exception {
    List<TestSeries> a = new SyntheticData(9).start(START).mix(3, 300);
    Path p1 = write(dir, a);
    Path p2 = write(dir, a);
    Compactor.CompactionResult r = new Compactor().compact(dir, List.of(p1, p2));
    assertThat(BlockFixtures.readAll(dir.resolve(r.meta().orElseThrow().ulid().toString())))
        .containsExactlyElementsOf(a);
    assertThat(r.chunksReencoded()).isZero();
    assertThat(r.duplicateSamplesDropped()).isEqualTo(a.stream().mapToLong(TestSeries::size).sum());
  }

  @Test
  void tombstonesAreAppliedAndRemoved(@TempDir Path dir) throws Exception {
    List<TestSeries> data = new SyntheticData(2).start(START).mix(2, 600);
    Path p = write(dir, data);
    // Delete a middle range of series 0 and all of series 1.
    long delMin = data.get(0).ts()[100];
    long delMax = data.get(0).ts()[300];
    Tombstones t;
    try (BlockReader b = BlockReader.open(p)) {
      long[] refs = Postings.expand(b.index().allPostings());
      t =
          Tombstones.empty()
              .with(refs[0], new Interval(delMin, delMax))
              .with(refs[1], new Interval(Long.MIN_VALUE, Long.MAX_VALUE));
    }
    t.write(p);
    List<TestSeries> expected = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      TestSeries s = data.get(i);
      if (i == 1) {
        continue;
      }
      if (i == 0) {
        TestSeries before = s.slice(Long.MIN_VALUE, delMin - 1);
        TestSeries after = s.slice(delMax + 1, Long.MAX_VALUE);
        long[] ts =
            java.util.stream.LongStream.concat(
                    java.util.Arrays.stream(before.ts()), java.util.Arrays.stream(after.ts()))
                .toArray();
        long[] vs =
            java.util.stream.LongStream.concat(
                    java.util.Arrays.stream(before.valueBits()),
                    java.util.Arrays.stream(after.valueBits()))
                .toArray();
        s = new TestSeries(s.labels(), ts, vs);
      }
      expected.add(s);
    }
    assertThat(BlockFixtures.readAll(p)).containsExactlyElementsOf(expected);
    Compactor.CompactionResult r = new Compactor().compact(dir, List.of(p));
    Path out = dir.resolve(r.meta().orElseThrow().ulid().toString());
    assertThat(BlockFixtures.readAll(out)).containsExactlyElementsOf(expected);
    assertThat(Tombstones.read(out).isEmpty()).isTrue();
    assertThat(r.meta().get().stats().numTombstones()).isZero();
  }

  @Test
  void trimRangeAndEmptyResult(@TempDir Path dir) throws Exception {
    List<TestSeries> data = new SyntheticData(5).start(START).mix(2, 480);
    Path p = write(dir, data);
    long min = START + 1_000_000;
    long max = START + 2_000_000;
    Compactor.CompactionResult r =
        new Compactor().compact(dir, List.of(p), Compactor.Request.DEFAULT.withTrim(min, max));
    BlockMeta m = r.meta().orElseThrow();
    assertThat(m.minTime()).isEqualTo(min);
    assertThat(m.maxTime()).isEqualTo(max);
    assertThat(BlockFixtures.readAll(dir.resolve(m.ulid().toString())))
        .containsExactlyElementsOf(slice(data, min, max - 1));

    Path empty = dir.resolve("empty");
    Files.createDirectories(empty);
    Compactor.CompactionResult none =
        new Compactor().compact(empty, List.of(p), Compactor.Request.DEFAULT.withTrim(0, 1000));
    assertThat(none.meta()).isEmpty();
    try (Stream<Path> s = Files.list(empty)) {
      assertThat(s).isEmpty();
    }
    assertThat(Ulid.isValid(m.ulid().toString())).isTrue();
  }
}
