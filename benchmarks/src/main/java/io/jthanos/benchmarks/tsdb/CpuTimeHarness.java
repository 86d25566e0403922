package io.jthanos.benchmarks.tsdb;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Measures the same operations as the TSDB JMH benchmarks in <em>thread CPU time</em> instead of
 * wall-clock time, so figures stay meaningful on a shared, loaded machine (JMH's wall-clock scores
 * include the time the thread waits for a core). Prints the median of the measured rounds.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.jthanos.benchmarks.tsdb.CpuTimeHarness [name...]
 * </pre>
 */
public final class CpuTimeHarness {
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

  private CpuTimeHarness() {}

  /** Runs {@code op} warm-up then measured rounds; returns median CPU ns per round. */
  static double median(Callable<?> op, int warmup, int rounds) throws Exception {
    for (int i = 0; i < warmup; i++) {
      op.call();
    }
    long[] t = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      long a = MX.getCurrentThreadCpuTime();
      op.call();
      t[i] = MX.getCurrentThreadCpuTime() - a;
    }
    Arrays.sort(t);
    return t[rounds / 2];
  }

  public static void main(String[] args) throws Exception {
    List<String> which =
        args.length > 0 ? List.of(args) : List.of("xor", "postings", "merge", "index-open");
    Blackhole bh =
        new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    if (which.contains("xor")) {
      XorBenchmark x = new XorBenchmark();
      x.setup();
      double enc =
          median(
              () -> {
                x.encode(bh);
                return null;
              },
              200,
              51);
      double dec = median(x::decode, 200, 51);
      System.out.printf("xor encode: %.2f ns/sample (CPU)%n", enc / XorBenchmark.SAMPLES);
      System.out.printf("xor decode: %.2f ns/sample (CPU)%n", dec / XorBenchmark.SAMPLES);
    }
    if (which.contains("postings")) {
      for (int spread : new int[] {2_000_000, 20_000_000}) {
        PostingsBenchmark p = new PostingsBenchmark();
        p.spread = spread;
        p.setup();
        double i = median(p::intersect, 30, 21);
        double m = median(p::merge, 30, 21);
        System.out.printf(
            "postings 1M x 1M (spread %d): intersect %.2f ms, merge %.2f ms (CPU)%n",
            spread, i / 1e6, m / 1e6);
      }
    }
    if (which.contains("merge")) {
      MergeBenchmark m = new MergeBenchmark();
      m.setup();
      MergeBenchmark.Rates r = new MergeBenchmark.Rates();
      try {
        double non =
            median(
                () -> {
                  long v = m.nonOverlapping(r);
                  m.clean();
                  return v;
                },
                5,
                7);
        long bytes = r.chunkBytes / 12;
        System.out.printf(
            "merge non-overlapping: %.1f MB/s of chunk data (%d bytes, %.1f ms CPU)%n",
            bytes / (non / 1e9) / 1e6, bytes, non / 1e6);
        double ver =
            median(
                () -> {
                  long v = m.vertical(r);
                  m.clean();
                  return v;
                },
                5,
                7);
        System.out.printf(
            "merge vertical: %.1f M samples/s (%d samples, %.1f ms CPU)%n",
            m.overlappingSamples / (ver / 1e9) / 1e6, m.overlappingSamples, ver / 1e6);
      } finally {
        m.tearDown();
      }
    }
    if (which.contains("index-open")) {
      IndexOpenBenchmark b = new IndexOpenBenchmark();
      b.setup();
      double o = median(b::open, 5, 11);
      System.out.printf("index open (1M series): %.1f ms (CPU)%n", o / 1e6);
    }
  }
}
