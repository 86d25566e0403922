package io.jthanos.benchmarks.block;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link DownsampleBenchmark}'s operations measured in thread CPU time (median of rounds), so the
 * "per core" figure holds on a shared, loaded machine.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.jthanos.benchmarks.block.DownsampleCpuTime [series] [intervalMs]
 * </pre>
 */
public final class DownsampleCpuTime {
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

  private DownsampleCpuTime() {}

  interface Op {
    void run() throws Exception;
  }

  static long median(Op op, int warmup, int rounds) throws Exception {
    for (int i = 0; i < warmup; i++) {
      op.run();
    }
    long[] t = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      long a = MX.getCurrentThreadCpuTime();
      op.run();
      t[i] = MX.getCurrentThreadCpuTime() - a;
    }
    Arrays.sort(t);
    return t[rounds / 2];
  }

  public static void main(String[] args) throws Exception {
    DownsampleBenchmark b = new DownsampleBenchmark();
    b.series = args.length > 0 ? Integer.parseInt(args[0]) : 680;
    b.intervalMs = args.length > 1 ? Long.parseLong(args[1]) : 15_000;
    b.setup();
    Blackhole bh =
        new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    try {
      long series = median(() -> b.series(bh), 10, 15);
      long block = median(() -> b.block(bh), 5, 9);
      double n = b.samples();
      System.out.printf(
          "downsample raw->5m, series from memory: %.1f M raw samples/s per core (%.1f ns/sample, CPU)%n",
          n / series * 1e3, series / n);
      System.out.printf(
          "downsample raw->5m, whole block on disk: %.1f M raw samples/s per core (%.1f ns/sample, CPU)%n",
          n / block * 1e3, block / n);
    } finally {
      b.tearDown();
    }
  }
}
