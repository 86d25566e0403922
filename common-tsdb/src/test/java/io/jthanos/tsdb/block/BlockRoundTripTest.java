package io.jthanos.tsdb.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.index.IndexReader;
import io.jthanos.tsdb.index.IndexSeries;
import io.jthanos.tsdb.index.Postings;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.ChunkMeta;
import io.jthanos.tsdb.storage.ChunkQuerier;
import io.jthanos.tsdb.storage.ChunkSeriesSet;
import io.jthanos.tsdb.storage.LabelHints;
import io.jthanos.tsdb.storage.Querier;
import io.jthanos.tsdb.storage.SelectHints;
import io.jthanos.tsdb.storage.SeriesSet;
import io.jthanos.tsdb.testing.BlockFixtures;
import io.jthanos.tsdb.testing.SyntheticData;
import io.jthanos.tsdb.testing.TestSeries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockRoundTripTest {
  @TempDir static Path dir;
  static List<TestSeries> data;
  static Path blockDir;
  static BlockMeta meta;

  @BeforeAll
  static void writeBlock() {
    data = new SyntheticData(7).mix(12, 700);
    meta = BlockFixtures.writeBlock(dir, data);
    blockDir = dir.resolve(meta.ulid().toString());
  }

  @Test
  void everySampleComesBack() {
    assertThat(BlockFixtures.readAll(blockDir)).containsExactlyElementsOf(data);
  }

  @Test
  void layoutAndMeta() throws Exception {
    assertThat(blockDir.resolve("index")).isRegularFile();
    assertThat(blockDir.resolve("chunks/000001")).isRegularFile();
    assertThat(Files.readAllBytes(blockDir.resolve("tombstones")))
        .containsExactly(0x01, 0x30, 0xBA, 0x30, 0x01, 0, 0, 0, 0);
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly(meta.ulid().toString());
    }
    long samples = data.stream().mapToLong(TestSeries::size).sum();
    assertThat(meta.stats().numSamples()).isEqualTo(samples);
    assertThat(meta.stats().numFloatSamples()).isEqualTo(samples);
    assertThat(meta.stats().numSeries()).isEqualTo(data.size());
    assertThat(meta.minTime())
        .isEqualTo(data.stream().mapToLong(s -> s.ts()[0]).min().orElseThrow());
    assertThat(meta.maxTime())
        .isEqualTo(data.stream().mapToLong(s -> s.ts()[s.size() - 1]).max().orElseThrow() + 1);
    assertThat(meta.compaction().level()).isEqualTo(1);
    assertThat(meta.compaction().sources()).containsExactly(meta.ulid());
    assertThat(BlockMeta.read(blockDir)).isEqualTo(meta);
  }

  @Test
  void chunksAreCutAt120Samples() {
    try (BlockReader b = BlockReader.open(blockDir)) {
      IndexReader ix = b.index();
      Postings p = ix.allPostings();
      long chunks = 0;
      while (p.next()) {
        IndexSeries s = ix.series(p.at());
        for (int i = 0; i < s.chunkCount(); i++) {
          int n = b.chunks().chunk(s.chunkRef(i)).numSamples();
          assertThat(n).isBetween(1, 120);
          if (i < s.chunkCount() - 1) {
            assertThat(n).isEqualTo(120);
          }
          chunks++;
        }
      }
      assertThat(chunks).isEqualTo(meta.stats().numChunks());
    }
  }

  static List<TestSeries> brute(List<Matcher> ms, long mint, long maxt) {
    List<TestSeries> out = new ArrayList<>();
    for (TestSeries s : data) {
      if (ms.stream().allMatch(m -> m.matches(s.labels()))) {
        TestSeries sl = s.slice(mint, maxt);
        if (sl.size() > 0) {
          out.add(sl);
        }
      }
    }
    return out;
  }

  @Test
  void selectWithMatchersAgreesWithBruteForce() {
    List<List<Matcher>> cases =
        List.of(
            List.of(Matcher.equal("__name__", "http_requests_total")),
            List.of(
                Matcher.equal("__name__", "http_requests_total"), Matcher.notEqual("code", "200")),
            List.of(
                Matcher.regex("__name__", "request_duration_seconds_.*"), Matcher.equal("le", "")),
            List.of(Matcher.regex("le", "0.1|1|\\+Inf")),
            List.of(Matcher.notRegex("instance", "host-1.*"), Matcher.regex("__name__", ".+")),
            List.of(Matcher.equal("job", "api"), Matcher.notEqual("le", "")),
            List.of(Matcher.regex("method", "G.T")),
            List.of(Matcher.equal("nonexistent", "")),
            List.of(Matcher.equal("nonexistent", "x")),
            List.of(Matcher.notRegex("__name__", ".*")),
            List.of(Matcher.regex("instance", ".*3.*"), Matcher.notRegex("code", "5..")),
            List.of(Matcher.regex("code", ""), Matcher.equal("__name__", "load_ratio")));
    long mint = meta.minTime() + 3_600_000;
    long maxt = meta.minTime() + 2 * 3_600_000;
    try (BlockReader b = BlockReader.open(blockDir)) {
      for (List<Matcher> ms : cases) {
        assertThat(BlockFixtures.select(b, Long.MIN_VALUE, Long.MAX_VALUE, ms))
            .as("%s", ms)
            .containsExactlyElementsOf(brute(ms, Long.MIN_VALUE, Long.MAX_VALUE));
        assertThat(BlockFixtures.select(b, mint, maxt, ms))
            .as("%s in range", ms)
            .containsExactlyElementsOf(brute(ms, mint, maxt));
      }
    }
  }

  @Test
  void seekSkipsAcrossChunks() {
    TestSeries s = data.get(3);
    try (BlockReader b = BlockReader.open(blockDir);
        Querier q = b.querier(Long.MIN_VALUE, Long.MAX_VALUE);
        SeriesSet set = q.select(false, null, equalAll(s.labels()))) {
      assertThat(set.next()).isTrue();
      SampleIterator it = set.at().iterator(null);
      for (int i = 0; i < s.size(); i += 97) {
        assertThat(it.seek(s.ts()[i])).isEqualTo(ValueType.FLOAT);
        assertThat(it.atT()).isEqualTo(s.ts()[i]);
        assertThat(it.atV()).isEqualTo(s.value(i));
        // Seeking backwards does not move.
        assertThat(it.seek(s.ts()[0])).isEqualTo(ValueType.FLOAT);
        assertThat(it.atT()).isEqualTo(s.ts()[i]);
      }
      assertThat(it.seek(s.ts()[s.size() - 1] + 1)).isEqualTo(ValueType.NONE);
      assertThat(set.next()).isFalse();
    }
  }

  static List<Matcher> equalAll(Labels l) {
    List<Matcher> ms = new ArrayList<>();
    l.forEach((n, v) -> ms.add(Matcher.equal(n, v)));
    return ms;
  }

  @Test
  void labelNamesAndValues() {
    try (BlockReader b = BlockReader.open(blockDir);
        Querier q = b.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
      TreeSet<String> names = new TreeSet<>();
      data.forEach(s -> s.labels().forEach((n, v) -> names.add(n)));
      assertThat(q.labelNames(LabelHints.NONE, List.of()).values())
          .containsExactlyElementsOf(names);
      TreeSet<String> les = new TreeSet<>(Labels::compareStrings);
      data.forEach(
          s -> {
            if (s.labels().has("le")) {
              les.add(s.labels().get("le"));
            }
          });
      assertThat(q.labelValues("le", LabelHints.NONE, List.of()).values())
          .containsExactlyElementsOf(les);
      assertThat(
              q.labelValues("code", LabelHints.NONE, List.of(Matcher.equal("method", "POST")))
                  .values())
          .containsExactly("200", "500");
      assertThat(
              q.labelValues("__name__", LabelHints.NONE, List.of(Matcher.equal("le", "0.1")))
                  .values())
          .containsExactly("request_duration_seconds_bucket");
      assertThat(q.labelValues("__name__", new LabelHints(2), List.of()).values()).hasSize(2);
      assertThat(
              q.labelNames(LabelHints.NONE, List.of(Matcher.equal("__name__", "load_ratio")))
                  .values())
          .containsExactly("__name__", "instance", "job");
      assertThat(q.labelValues("nope", LabelHints.NONE, List.of()).values()).isEmpty();
    }
  }

  @Test
  void hintsLimitShardsAndSeriesFunc() {
    try (BlockReader b = BlockReader.open(blockDir);
        Querier q = b.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
      List<Matcher> all = List.of(Matcher.regex("__name__", ".+"));
      SelectHints h = SelectHints.range(Long.MIN_VALUE, Long.MAX_VALUE);
      int total = count(q.select(true, h, all));
      assertThat(total).isEqualTo(data.size());
      assertThat(
              count(
                  q.select(
                      true,
                      new SelectHints(
                          Long.MIN_VALUE,
                          Long.MAX_VALUE,
                          0,
                          "",
                          0,
                          List.of(),
                          false,
                          5,
                          0,
                          0,
                          false),
                      all)))
          .isEqualTo(5);
      int sharded = 0;
      for (int shard = 0; shard < 3; shard++) {
        try (SeriesSet set =
            q.select(
                true,
                new SelectHints(
                    Long.MIN_VALUE, Long.MAX_VALUE, 0, "", 0, List.of(), false, 0, shard, 3, false),
                all)) {
          while (set.next()) {
            assertThat(Long.remainderUnsigned(set.at().labels().hash(), 3)).isEqualTo(shard);
            sharded++;
          }
        }
      }
      assertThat(sharded).isEqualTo(total);
      assertThat(count(q.select(true, h.withFunc("series"), all))).isEqualTo(total);
    }
  }

  private static int count(SeriesSet set) {
    try (set) {
      int n = 0;
      while (set.next()) {
        n++;
      }
      return n;
    }
  }

  @Test
  void chunkQuerierPassesThroughOrTrims() {
    TestSeries s = data.get(0);
    long mint = s.ts()[150];
    long maxt = s.ts()[400];
    try (BlockReader b = BlockReader.open(blockDir);
        ChunkQuerier q = b.chunkQuerier(mint, maxt);
        ChunkSeriesSet set = q.select(true, null, equalAll(s.labels()))) {
      assertThat(set.next()).isTrue();
      List<ChunkMeta> chunks = new ArrayList<>();
      Iterator<ChunkMeta> it = set.at().chunks();
      it.forEachRemaining(chunks::add);
      assertThat(chunks.get(0).minTime()).isEqualTo(mint);
      assertThat(chunks.get(chunks.size() - 1).maxTime()).isEqualTo(maxt);
      long n = chunks.stream().mapToLong(c -> c.chunk().numSamples()).sum();
      assertThat(n).isEqualTo(251);
    }
    try (BlockReader b = BlockReader.open(blockDir);
        ChunkQuerier q = b.chunkQuerier(mint, maxt);
        ChunkSeriesSet set =
            q.select(
                true,
                new SelectHints(mint, maxt, 0, "", 0, List.of(), false, 0, 0, 0, true),
                equalAll(s.labels()))) {
      assertThat(set.next()).isTrue();
      ChunkMeta first = set.at().chunks().next();
      assertThat(first.minTime()).isLessThan(mint);
      assertThat(first.chunk().numSamples()).isEqualTo(120);
    }
  }

  @Test
  void smallMappingWindowsReadTheSame() {
    try (IndexReader big = IndexReader.open(blockDir.resolve("index"));
        IndexReader small = IndexReader.open(blockDir.resolve("index"), 10, 64)) {
      assertThat(small.labelNames()).isEqualTo(big.labelNames());
      assertThat(small.symbols()).isEqualTo(big.symbols());
      for (String n : big.labelNames()) {
        assertThat(small.labelValues(n)).isEqualTo(big.labelValues(n));
      }
      long[] refs = Postings.expand(big.allPostings());
      assertThat(Postings.expand(small.allPostings())).containsExactly(refs);
      for (long ref : refs) {
        IndexSeries a = big.series(ref);
        IndexSeries c = small.series(ref);
        assertThat(c.labels()).isEqualTo(a.labels());
        assertThat(c.chunks()).isEqualTo(a.chunks());
      }
    }
  }

  @Test
  void writerRejectsMisuseAndCleansUp(@TempDir Path tmp) throws Exception {
    try (BlockWriter w = BlockWriter.builder(tmp).build()) {
      w.addSeries(Labels.of("a", "2"), new long[] {1}, new double[] {1});
      assertThatThrownBy(() -> w.addSeries(Labels.of("a", "1"), new long[] {1}, new double[] {1}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("out of order");
      assertThatThrownBy(
              () -> w.addSeries(Labels.of("a", "3"), new long[] {2, 2}, new double[] {1, 1}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("out-of-order sample");
      assertThat(w.tempDir()).isDirectory();
    }
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s).isEmpty();
    }
    try (BlockWriter w = BlockWriter.builder(tmp).build()) {
      assertThatThrownBy(w::commit).isInstanceOf(IllegalStateException.class);
    }
    try (BlockWriter w = BlockWriter.builder(tmp).timeRange(0, 7_200_000).build()) {
      BlockMeta m = w.commit();
      assertThat(m.stats().numSeries()).isZero();
      assertThat(BlockFixtures.readAll(tmp.resolve(m.ulid().toString()))).isEmpty();
    }
  }
}
