package io.jthanos.benchmarks.tsdb;

import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.BlockWriter;
import io.jthanos.tsdb.index.IndexReader;
import io.jthanos.tsdb.labels.Labels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Opening the index of a block with 1M series: header, TOC, symbol table and postings offset table
 * checksums, sampled symbol and postings offsets. Labels are Kubernetes-like (1,000 metric names,
 * 20 jobs, 50 namespaces, 200k pods, 5 containers) plus a unique {@code id} per series, the worst
 * case for the postings offset table (1.2M entries). The block is built once and cached under the
 * bench dir. Run with {@code -prof gc} to see the bytes allocated per open.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx4g"})
public class IndexOpenBenchmark {
  static final int SERIES = 1_000_000;
  Path index;

  @Setup
  public void setup() throws IOException {
    Path dir = BenchDirs.root().resolve("jthanos-bench-index-1M-v1");
    Path marker = dir.resolve("block");
    if (!Files.exists(marker)) {
      BenchDirs.delete(dir);
      Files.createDirectories(dir);
      Labels[] all = new Labels[SERIES];
      for (int i = 0; i < SERIES; i++) {
        all[i] =
            Labels.of(
                "__name__", "metric_" + (i % 1000),
                "job", "job-" + (i % 20),
                "namespace", "ns-" + (i / 7 % 50),
                "pod", "pod-" + (i / 5),
                "container", "c" + (i % 5),
                "id", Integer.toHexString(i * 0x9E3779B1));
      }
      Arrays.sort(all, Labels::compare);
      try (BlockWriter w = BlockWriter.builder(dir).build()) {
        long[] ts = {
          1_704_067_200_000L, 1_704_067_215_000L, 1_704_067_230_000L, 1_704_067_245_000L
        };
        double[] vs = {1, 2, 3, 4};
        for (Labels l : all) {
          w.addSeries(l, ts, vs);
        }
        BlockMeta m = w.commit();
        Files.writeString(marker, m.ulid().toString());
      }
    }
    index = dir.resolve(Files.readString(marker).trim()).resolve("index");
    System.out.printf("%nindex %s: %.1f MiB%n", index, Files.size(index) / 1048576.0);
  }

  @Benchmark
  public int open() {
    try (IndexReader r = IndexReader.open(index)) {
      return r.labelNames().size() + r.symbolCount();
    }
  }
}
