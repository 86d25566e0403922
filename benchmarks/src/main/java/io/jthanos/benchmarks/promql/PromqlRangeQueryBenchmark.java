package io.jthanos.benchmarks.promql;

import io.jthanos.promql.Engine;
import io.jthanos.promql.EngineOptions;
import io.jthanos.promql.QueryOptions;
import io.jthanos.promql.value.Value;
import io.jthanos.tsdb.block.BlockReader;
import io.jthanos.tsdb.storage.Queryable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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

/**
 * {@code sum by (job) (rate(x[5m]))} as a range query over a day of data from 2,000 series scraped
 * every 15 s (11.5 M samples), single-threaded, from memory (primitive arrays: the engine alone) or
 * from a TSDB block (XOR decoding included). Samples/s = stored samples in the range / time per
 * query. Run with {@code -prof gc} for allocated bytes per query ({@code gc.alloc.rate.norm}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx8g"})
public class PromqlRangeQueryBenchmark {
  @Param({"memory", "block"})
  public String storage;

  @Param({"2000"})
  public int series;

  /** Scrape interval of the data (ms): 15 s, or 60 s for a quarter of the samples. */
  @Param({"15000"})
  public long interval;

  /** Query resolution (ms). */
  @Param({"60000"})
  public long step;

  @Param({"sum by (job) (rate(x[5m]))"})
  public String query;

  private static final long DAY = 86_400_000L;
  private Queryable queryable;
  private BlockReader block;
  private Path dir;
  private Engine engine;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    engine = new Engine(EngineOptions.defaults());
    if (storage.equals("memory")) {
      queryable = PromqlData.inMemory(series, DAY, interval);
    } else {
      dir = Files.createTempDirectory("jthanos-promql-bench-");
      block = BlockReader.open(PromqlData.block(dir, series, DAY, interval));
      queryable = block;
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (block != null) {
      block.close();
    }
    if (dir != null) {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Benchmark
  public Value rangeQuery() {
    return engine
        .rangeQuery(
            queryable, query, PromqlData.START, PromqlData.START + DAY, step, QueryOptions.DEFAULT)
        .exec()
        .value();
  }
}
