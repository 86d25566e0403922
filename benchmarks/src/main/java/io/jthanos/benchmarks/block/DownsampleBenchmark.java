package io.jthanos.benchmarks.block;

import io.jthanos.block.downsample.BlockDownsampler;
import io.jthanos.block.downsample.Downsampler;
import io.jthanos.block.downsample.Resolutions;
import io.jthanos.block.generator.FleetGenerator;
import io.jthanos.block.generator.GeneratorConfig;
import io.jthanos.block.generator.Layout;
import io.jthanos.block.metadata.Meta;
import io.jthanos.tsdb.block.BlockFiles;
import io.jthanos.tsdb.block.BlockReader;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.chunkenc.Chunk;
import io.jthanos.tsdb.index.IndexSeries;
import io.jthanos.tsdb.index.Postings;
import io.jthanos.tsdb.storage.ChunkMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Downsampling throughput in raw samples per second, one thread, over a generated 2d block of the
 * fleet mix (the block the compactor downsamples first): {@code series} decodes the raw XOR chunks
 * of every series from memory and builds the 5m aggregate chunks; {@code block} runs the whole
 * block through {@link BlockDownsampler} (index and chunk reads, aggregate chunks, index and
 * meta.json writes to disk). Scores are raw samples/s (one operation = one raw sample).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
public class DownsampleBenchmark {
  @Param({"15000"})
  long intervalMs;

  @Param({"680"})
  int series;

  private Path dir;
  private BlockReader raw;
  private Meta rawMeta;
  private List<List<Chunk>> chunks;
  private long samples;
  private final Downsampler downsampler = new Downsampler();
  private final List<ChunkMeta> out = new ArrayList<>();
  private int next;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    dir = Files.createTempDirectory("dsbench");
    long end = 1710028800000L; // a 2d boundary
    GeneratorConfig cfg =
        GeneratorConfig.defaults(end)
            .withSeries(series)
            .withDays(2)
            .withInterval(intervalMs)
            .withLayout(Layout.COMPACTED);
    Path keep = dir.resolve("raw");
    new FleetGenerator(cfg)
        .generate(
            dir.resolve("work"),
            (d, m) -> {
              if (m.resolution() == 0) {
                copy(d, keep);
              }
            });
    raw = BlockReader.open(keep);
    rawMeta = Meta.of(raw.meta());
    chunks = new ArrayList<>();
    Postings p = raw.index().allPostings();
    while (p.next()) {
      IndexSeries s = raw.index().series(p.at());
      List<Chunk> cs = new ArrayList<>();
      for (int i = 0; i < s.chunkCount(); i++) {
        Chunk c = raw.chunks().chunk(s.chunkRef(i));
        cs.add(c);
        samples += c.numSamples();
      }
      chunks.add(cs);
    }
    System.out.printf("%n%d series, %d raw samples%n", chunks.size(), samples);
  }

  static void copy(Path from, Path to) throws IOException {
    try (var s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    raw.close();
    BlockFiles.deleteRecursively(dir);
  }

  /** All series of the block to 5m, from memory; score x samples per op = samples/s. */
  @Benchmark
  public void series(Blackhole bh) {
    for (List<Chunk> cs : chunks) {
      out.clear();
      downsampler.reset();
      for (Chunk c : cs) {
        downsampler.addRawChunk(c);
      }
      downsampler.flushRaw(Resolutions.RES_5M, out);
      bh.consume(out.size());
    }
  }

  /** The whole block to a 5m block on disk. */
  @Benchmark
  public void block(Blackhole bh) throws IOException {
    Path target = dir.resolve("out");
    BlockDownsampler.Result r =
        BlockDownsampler.downsample(
            raw, rawMeta, target, Resolutions.RES_5M, Ulid.of(1, 0, next++));
    bh.consume(r.inputSamples());
    BlockFiles.deleteRecursively(r.dir());
  }

  /** Raw samples in the block: divide the per-op score's inverse by this. */
  public long samples() {
    return samples;
  }
}
