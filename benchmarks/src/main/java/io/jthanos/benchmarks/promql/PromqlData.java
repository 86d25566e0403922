package io.jthanos.benchmarks.promql;

import io.jthanos.promql.promqltest.InMemoryStorage;
import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.BlockWriter;
import io.jthanos.tsdb.labels.Labels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * Benchmark data: {@code x{job="job-<i % 10>", instance="host-<i, 5 digits>"}} counters scraped
 * every {@code intervalMs} for {@code durationMs}, with a few ms of scrape jitter and occasional
 * counter resets, either in memory (primitive arrays) or as a TSDB block (XOR chunks of 120
 * samples).
 */
public final class PromqlData {
  public static final long START = 1_700_006_400_000L;
  public static final int JOBS = 10;

  private PromqlData() {}

  /** Calls {@code sink} with each series' samples, deterministically. */
  interface Sink {
    void series(Labels labels, long[] ts, double[] vs) throws IOException;
  }

  static void generate(int series, long durationMs, long intervalMs, Sink sink) {
    Random rnd = new Random(7);
    int n = (int) (durationMs / intervalMs);
    long[] ts = new long[n];
    double[] vs = new double[n];
    try {
      for (int s = 0; s < series; s++) {
        Labels l =
            Labels.of(
                "__name__",
                "x",
                "job",
                "job-" + (s % JOBS),
                "instance",
                String.format("host-%05d", s));
        double v = rnd.nextInt(10_000);
        double rate = 1 + rnd.nextInt(100);
        for (int i = 0; i < n; i++) {
          ts[i] = START + i * intervalMs + (rnd.nextInt(8) == 0 ? rnd.nextInt(5) : 0);
          v = rnd.nextInt(20_000) == 0 ? 0 : v + Math.floor(rate * rnd.nextDouble());
          vs[i] = v;
        }
        sink.series(l, ts, vs);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The data in an {@link InMemoryStorage}. */
  public static InMemoryStorage inMemory(int series, long durationMs, long intervalMs) {
    InMemoryStorage st = new InMemoryStorage();
    generate(
        series,
        durationMs,
        intervalMs,
        (l, ts, vs) -> {
          for (int i = 0; i < ts.length; i++) {
            st.append(l, ts[i], vs[i]);
          }
        });
    return st;
  }

  /** Writes the data as one block under {@code parent}; returns the block directory. */
  public static Path block(Path parent, int series, long durationMs, long intervalMs) {
    try (BlockWriter w =
        BlockWriter.builder(parent).timeRange(START, START + durationMs + 60_000).build()) {
      generate(series, durationMs, intervalMs, w::addSeries);
      BlockMeta m = w.commit();
      return parent.resolve(m.ulid().toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
