package io.jthanos.tsdb.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.testing.prometheus.DumpSeries;
import io.jthanos.testing.prometheus.Promtool;
import io.jthanos.testing.prometheus.ToolResult;
import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.BlockReader;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.chunkenc.Chunk;
import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.chunkenc.XorEncoder;
import io.jthanos.tsdb.chunkenc.XorIterator;
import io.jthanos.tsdb.index.IndexReader;
import io.jthanos.tsdb.index.IndexSeries;
import io.jthanos.tsdb.index.IndexWriter;
import io.jthanos.tsdb.index.Postings;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.testing.BlockFixtures;
import io.jthanos.tsdb.testing.PromtoolFixtures;
import io.jthanos.tsdb.testing.TestSeries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proven against Debian's promtool 2.42: blocks it writes, read by our reader. */
class PromtoolCompatibilityTest {
  static final long START = 1_704_067_200_000L; // 2024-01-01T00:00:00Z
  @TempDir static Path tmp;
  static Promtool promtool;
  static Path promDir;
  static List<DumpSeries> promDump;

  @BeforeAll
  static void backfillWithPromtool() throws IOException {
    promtool = Promtool.locate();
    List<TestSeries> data = PromtoolFixtures.variedData(11, START, 5);
    Path om = PromtoolFixtures.openMetrics(data).writeTo(tmp.resolve("data.om"));
    promDir = tmp.resolve("prom");
    promtool.createBlocksFromOpenMetrics(om, promDir, null);
    promDump = promtool.dump(promDir);
  }

  static List<Path> blocks(Path dataDir) throws IOException {
    try (Stream<Path> s = Files.list(dataDir)) {
      return s.filter(p -> Ulid.isValid(p.getFileName().toString())).sorted().toList();
    }
  }

  /** Series of several non-overlapping blocks, concatenated per label set. */
  static List<TestSeries> readBlocks(List<Path> blockDirs) {
    Map<Labels, List<TestSeries>> parts = new LinkedHashMap<>();
    for (Path b : blockDirs) {
      for (TestSeries s : BlockFixtures.readAll(b)) {
        parts.computeIfAbsent(s.labels(), k -> new ArrayList<>()).add(s);
      }
    }
    List<TestSeries> out = new ArrayList<>();
    parts.forEach(
        (l, ps) -> {
          ps.sort((a, c) -> Long.compare(a.ts()[0], c.ts()[0]));
          int n = ps.stream().mapToInt(TestSeries::size).sum();
          long[] ts = new long[n];
          long[] vs = new long[n];
          int k = 0;
          for (TestSeries p : ps) {
            System.arraycopy(p.ts(), 0, ts, k, p.size());
            System.arraycopy(p.valueBits(), 0, vs, k, p.size());
            k += p.size();
          }
          out.add(new TestSeries(l, ts, vs));
        });
    return out;
  }

  @Test
  void promtoolBlocksReadByOurReaderEqualPromtoolDump() throws IOException {
    List<Path> blocks = blocks(promDir);
    assertThat(blocks).hasSizeGreaterThanOrEqualTo(3);
    List<DumpSeries> ours = PromtoolFixtures.toDump(readBlocks(blocks));
    assertThat(promDump).isNotEmpty();
    assertThat(ours).hasSameSizeAs(promDump);
    assertThat(ours).containsExactlyInAnyOrderElementsOf(promDump);
    long samples = 0;
    for (Path b : blocks) {
      try (BlockReader r = BlockReader.open(b)) {
        samples += r.meta().stats().numSamples();
      }
    }
    assertThat(samples).isEqualTo(promDump.stream().mapToLong(DumpSeries::size).sum());
  }

  @Test
  void ourIndexWriterReproducesPromtoolIndexByteForByte() throws IOException {
    for (Path b : blocks(promDir)) {
      Path out = tmp.resolve("rewritten-" + b.getFileName() + ".index");
      try (IndexReader ix = IndexReader.open(b.resolve("index"));
          IndexWriter w = new IndexWriter(out)) {
        w.addSymbols(ix.symbols());
        Postings p = ix.allPostings();
        while (p.next()) {
          IndexSeries s = ix.series(p.at());
          w.addSeries(s.labels(), s.chunks());
        }
        w.finish();
      }
      assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(b.resolve("index")));
    }
  }

  @Test
  void ourMetaJsonIsFormattedLikePromtools() throws IOException {
    for (Path b : blocks(promDir)) {
      String original = Files.readString(b.resolve("meta.json"));
      assertThat(BlockMeta.read(b).toJson()).isEqualTo(original);
    }
  }

  @Test
  void blocksWeWritePassAnalyzeAndDumpExactlyWhatWeWrote() throws IOException {
    Path ourDir = tmp.resolve("ours");
    List<TestSeries> data = PromtoolFixtures.variedData(23, START, 2);
    BlockMeta meta = BlockFixtures.writeBlock(ourDir, data);
    ToolResult analyze = promtool.analyze(ourDir, meta.ulid().toString());
    assertThat(analyze.exitCode()).as(analyze.stderr()).isZero();
    assertThat(analyze.stdout())
        .contains("Block ID: " + meta.ulid())
        .contains("Series: " + data.size());
    assertThat(promtool.dump(ourDir))
        .containsExactlyInAnyOrderElementsOf(PromtoolFixtures.toDump(data));
    // A time-bounded dump returns exactly the samples in range.
    long mint = START + 1_800_000;
    long maxt = START + 3_600_000;
    List<DumpSeries> expected = new ArrayList<>();
    for (TestSeries s : data) {
      TestSeries sl = s.slice(mint, maxt);
      if (sl.size() > 0) {
        expected.add(PromtoolFixtures.toDump(sl));
      }
    }
    assertThat(promtool.dump(ourDir, mint, maxt)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void xorChunksWeEncodeAreByteIdenticalToPromtools() throws IOException {
    long chunks = 0;
    for (Path b : blocks(promDir)) {
      try (BlockReader r = BlockReader.open(b)) {
        Postings p = r.index().allPostings();
        while (p.next()) {
          IndexSeries s = r.index().series(p.at());
          for (int i = 0; i < s.chunkCount(); i++) {
            Chunk c = r.chunks().chunk(s.chunkRef(i));
            XorIterator it = (XorIterator) c.iterator(null);
            XorEncoder enc = new XorEncoder();
            while (it.next() == ValueType.FLOAT) {
              enc.appendBits(it.atT(), it.atVBits());
            }
            byte[] original = new byte[c.data().remaining()];
            c.data().get(original);
            assertThat(enc.bytes()).as("chunk %d of %s", i, s.labels()).isEqualTo(original);
            chunks++;
          }
        }
      }
    }
    assertThat(chunks).isGreaterThan(1000);
  }
}
