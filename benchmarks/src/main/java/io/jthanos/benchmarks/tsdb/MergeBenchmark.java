package io.jthanos.benchmarks.tsdb;

import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.BlockWriter;
import io.jthanos.tsdb.compact.Compactor;
import io.jthanos.tsdb.testing.BlockFixtures;
import io.jthanos.tsdb.testing.SyntheticData;
import io.jthanos.tsdb.testing.TestSeries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The merge primitive ({@link Compactor}) end to end, including index writing and fsync: {@code
 * nonOverlapping} compacts three adjacent 2h blocks of 5,100 series (chunks copied verbatim) and
 * reports chunk bytes per second; {@code vertical} compacts two overlapping replicas of 1,700
 * series (every chunk decoded, merged, de-duplicated and re-encoded) and reports input samples per
 * second. One thread: figures are per core.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx4g"})
public class MergeBenchmark {
  static final long START = 1_704_067_200_000L;
  static final long H2 = 7_200_000L;

  Path root;
  Path out;
  List<Path> adjacent = new ArrayList<>();
  List<Path> overlapping = new ArrayList<>();
  long adjacentBytes;
  long overlappingSamples;

  /** Rates reported next to the primary score. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Rates {
    /** Chunk bytes written. */
    public long chunkBytes;

    /** Input samples merged. */
    public long samples;
  }

  static List<TestSeries> slice(List<TestSeries> data, long mint, long maxt) {
    List<TestSeries> res = new ArrayList<>();
    for (TestSeries s : data) {
      TestSeries sl = s.slice(mint, maxt);
      if (sl.size() > 0) {
        res.add(sl);
      }
    }
    return res;
  }

  @Setup(Level.Trial)
  public void setup() throws IOException {
    root = BenchDirs.fresh("jthanos-merge-bench-");
    Path in = root.resolve("in");
    List<TestSeries> data = new SyntheticData(1).start(START).mix(300, 3 * 480);
    for (int i = 0; i < 3; i++) {
      long min = START + i * H2;
      BlockMeta m =
          BlockFixtures.writeBlock(
              BlockWriter.builder(in).timeRange(min, min + H2), slice(data, min, min + H2 - 1));
      adjacent.add(in.resolve(m.ulid().toString()));
    }
    // Replica b: same targets, shifted by half a scrape, sharing the first hour exactly.
    List<TestSeries> a = new SyntheticData(2).start(START).mix(100, 480);
    List<TestSeries> b = new ArrayList<>();
    for (TestSeries s : a) {
      long[] ts = s.ts().clone();
      for (int i = 0; i < ts.length; i++) {
        if (ts[i] >= START + 3_600_000) {
          ts[i] += 7_500;
        }
      }
      b.add(new TestSeries(s.labels(), ts, s.valueBits()));
    }
    for (List<TestSeries> r : List.of(a, b)) {
      BlockMeta m = BlockFixtures.writeBlock(in, r);
      overlapping.add(in.resolve(m.ulid().toString()));
      overlappingSamples += m.stats().numSamples();
    }
    out = root.resolve("out");
    Files.createDirectories(out);
  }

  @TearDown(Level.Invocation)
  public void clean() throws IOException {
    BenchDirs.delete(out);
    Files.createDirectories(out);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    BenchDirs.delete(root);
  }

  @Benchmark
  public long nonOverlapping(Rates rates) throws IOException {
    Compactor.CompactionResult r = new Compactor().compact(out, adjacent);
    rates.chunkBytes += r.chunkBytesWritten();
    return r.chunksCopied();
  }

  @Benchmark
  public long vertical(Rates rates) throws IOException {
    Compactor.CompactionResult r = new Compactor().compact(out, overlapping);
    rates.samples += overlappingSamples;
    return r.chunksReencoded();
  }
}
