package io.jthanos.benchmarks.promql;

import io.jthanos.promql.Engine;
import io.jthanos.promql.EngineOptions;
import io.jthanos.promql.QueryOptions;
import io.jthanos.promql.promqltest.InMemoryStorage;
import io.jthanos.promql.value.Matrix;
import io.jthanos.tsdb.block.BlockReader;
import io.jthanos.tsdb.storage.Queryable;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * CPU time and allocated bytes of one range query, measured on the query's own thread with {@link
 * com.sun.management.ThreadMXBean} (so other load on the machine does not distort the samples/s per
 * core figure), for several data densities and step widths: allocation must follow the output
 * (steps x groups), not the samples scanned. Usage: {@code java -cp benchmarks.jar
 * io.jthanos.benchmarks.promql.PromqlCpuThroughput [series] [runs] [query]}.
 */
public final class PromqlCpuThroughput {
  private static final long DAY = 86_400_000L;

  private PromqlCpuThroughput() {}

  public static void main(String[] args) throws Exception {
    int series = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    String query = args.length > 2 ? args[2] : "sum by (job) (rate(x[5m]))";
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Engine engine = new Engine(EngineOptions.defaults());
    System.out.printf(
        Locale.ROOT,
        "%s, %d series x 1 day, median of %d runs after warm-up, CPU time of the query thread%n",
        query,
        series,
        runs);
    System.out.printf(
        Locale.ROOT,
        "%-7s %-9s %-6s %12s %10s %10s %14s %14s%n",
        "storage",
        "scrape",
        "step",
        "samples",
        "cpu ms",
        "wall ms",
        "samples/cpu-s",
        "alloc/query");
    Path tmp = Files.createTempDirectory("jthanos-promql-cpu-");
    try {
      for (long interval : new long[] {15_000, 60_000}) {
        InMemoryStorage mem = PromqlData.inMemory(series, DAY, interval);
        Path blockDir = PromqlData.block(tmp, series, DAY, interval);
        try (BlockReader block = BlockReader.open(blockDir)) {
          for (String storage : new String[] {"memory", "block"}) {
            Queryable q = storage.equals("memory") ? mem : block;
            for (long step : new long[] {60_000, 15_000}) {
              long samples = series * (DAY / interval);
              double[] cpu = new double[runs];
              double[] wall = new double[runs];
              long[] alloc = new long[runs];
              for (int i = -5; i < runs; i++) {
                long c0 = mx.getCurrentThreadCpuTime();
                long a0 = mx.getCurrentThreadAllocatedBytes();
                long w0 = System.nanoTime();
                Matrix m =
                    (Matrix)
                        engine
                            .rangeQuery(
                                q,
                                query,
                                PromqlData.START,
                                PromqlData.START + DAY,
                                step,
                                QueryOptions.DEFAULT)
                            .exec()
                            .value();
                long w1 = System.nanoTime();
                long a1 = mx.getCurrentThreadAllocatedBytes();
                long c1 = mx.getCurrentThreadCpuTime();
                if (m.series().isEmpty()) {
                  throw new IllegalStateException("empty result");
                }
                if (i >= 0) {
                  cpu[i] = (c1 - c0) / 1e6;
                  wall[i] = (w1 - w0) / 1e6;
                  alloc[i] = a1 - a0;
                }
              }
              double c = median(cpu);
              Arrays.sort(alloc);
              System.out.printf(
                  Locale.ROOT,
                  "%-7s %-9s %-6s %12d %10.1f %10.1f %14.1fM %12.2fMB%n",
                  storage,
                  interval / 1000 + "s",
                  step / 1000 + "s",
                  samples,
                  c,
                  median(wall),
                  samples / (c / 1e3) / 1e6,
                  alloc[runs / 2] / 1e6);
            }
          }
        }
      }
    } finally {
      try (Stream<Path> s = Files.walk(tmp)) {
        s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }
}
