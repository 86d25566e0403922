package io.jthanos.tsdb.testing;

import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.util.LongList;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates realistic monitoring data, deterministic for a seed: integer counters with small
 * increments (and rare resets), gauges with few significant digits, classic histogram buckets
 * ({@code _bucket} with {@code le}, {@code _sum}, {@code _count}), a few noisy floats; scrape
 * timestamps with millisecond jitter, gaps, and series of different lengths. Random floats would
 * measure the generator instead of the codec; these shapes are what Prometheus stores.
 */
public final class SyntheticData {
  private final SplittableRandom r;
  private long start = 1_704_067_200_000L; // 2024-01-01T00:00:00Z
  private long interval = 15_000;
  private int jitterMs = 3;
  private double gapProbability = 0.002;

  public SyntheticData(long seed) {
    this.r = new SplittableRandom(seed);
  }

  public SyntheticData start(long ms) {
    this.start = ms;
    return this;
  }

  public SyntheticData interval(long ms) {
    this.interval = ms;
    return this;
  }

  public SyntheticData jitter(int ms) {
    this.jitterMs = ms;
    return this;
  }

  /** Probability per scrape that a gap (1-40 missed scrapes) starts. */
  public SyntheticData gaps(double p) {
    this.gapProbability = p;
    return this;
  }

  /** Scrape timestamps for {@code n} scrapes, with jitter and gaps. */
  public long[] timestamps(int n) {
    LongList out = new LongList(n);
    long t = start + r.nextInt(0, (int) Math.min(interval, 10_000));
    for (int i = 0; i < n; i++) {
      if (r.nextDouble() < gapProbability) {
        int skip = 1 + r.nextInt(40);
        i += skip;
        t += skip * interval;
        if (i >= n) {
          break;
        }
      }
      out.add(t + (jitterMs > 0 ? r.nextInt(-jitterMs, jitterMs + 1) : 0));
      t += interval;
    }
    long[] ts = out.toArray();
    // Jitter must not reorder samples.
    for (int i = 1; i < ts.length; i++) {
      if (ts[i] <= ts[i - 1]) {
        ts[i] = ts[i - 1] + 1;
      }
    }
    return ts;
  }

  public double[] counter(int n) {
    double[] v = new double[n];
    double x = r.nextInt(0, 10_000);
    int rate = 1 + r.nextInt(20);
    for (int i = 0; i < n; i++) {
      if (r.nextDouble() < 0.0005) {
        x = 0; // restart
      }
      x += r.nextInt(0, rate + 1);
      v[i] = x;
    }
    return v;
  }

  public double[] gauge(int n) {
    double[] v = new double[n];
    double x = r.nextDouble() * 100;
    for (int i = 0; i < n; i++) {
      if (r.nextInt(4) == 0) {
        x += (r.nextDouble() - 0.5) * 2;
      }
      v[i] = Math.round(x * 10) / 10.0;
    }
    return v;
  }

  public double[] noisy(int n) {
    double[] v = new double[n];
    double x = r.nextDouble();
    for (int i = 0; i < n; i++) {
      x = x * 0.9 + r.nextDouble() * 0.1;
      v[i] = x;
    }
    return v;
  }

  /** Cumulative bucket counters for the bucket upper bounds, plus sum and count. */
  public List<double[]> histogram(int n, int buckets) {
    double[][] b = new double[buckets][n];
    double[] sum = new double[n];
    double[] count = new double[n];
    double s = 0;
    long[] cum = new long[buckets];
    for (int i = 0; i < n; i++) {
      int obs = r.nextInt(0, 30);
      for (int k = 0; k < obs; k++) {
        double x = Math.abs(r.nextGaussian()) * 0.3;
        s += x;
        int idx = Math.min(buckets - 1, (int) (x * buckets));
        for (int j = idx; j < buckets; j++) {
          cum[j]++;
        }
      }
      for (int j = 0; j < buckets; j++) {
        b[j][i] = cum[j];
      }
      sum[i] = Math.round(s * 1000) / 1000.0;
      count[i] = cum[buckets - 1];
    }
    List<double[]> out = new ArrayList<>();
    for (double[] x : b) {
      out.add(x);
    }
    out.add(sum);
    out.add(count);
    return out;
  }

  /**
   * A realistic mix for {@code targets} scrape targets: per target two counters with several label
   * values, a gauge, a noisy float and a histogram; {@code scrapes} samples per series (before
   * gaps). Sorted by labels.
   */
  public List<TestSeries> mix(int targets, int scrapes) {
    List<TestSeries> out = new ArrayList<>();
    String[] les = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"};
    for (int tgt = 0; tgt < targets; tgt++) {
      String inst = "host-" + tgt + ".example.org:9100";
      for (String method : new String[] {"GET", "POST"}) {
        for (String code : new String[] {"200", "500"}) {
          long[] ts = timestamps(scrapes);
          out.add(
              TestSeries.of(
                  Labels.of(
                      "__name__",
                      "http_requests_total",
                      "instance",
                      inst,
                      "job",
                      "api",
                      "method",
                      method,
                      "code",
                      code),
                  ts,
                  counter(ts.length)));
        }
      }
      long[] ts = timestamps(scrapes);
      out.add(
          TestSeries.of(
              Labels.of("__name__", "temperature_celsius", "instance", inst, "job", "api"),
              ts,
              gauge(ts.length)));
      ts = timestamps(scrapes);
      out.add(
          TestSeries.of(
              Labels.of("__name__", "load_ratio", "instance", inst, "job", "api"),
              ts,
              noisy(ts.length)));
      ts = timestamps(scrapes);
      List<double[]> h = histogram(ts.length, les.length);
      for (int j = 0; j < les.length; j++) {
        out.add(
            TestSeries.of(
                Labels.of(
                    "__name__",
                    "request_duration_seconds_bucket",
                    "instance",
                    inst,
                    "job",
                    "api",
                    "le",
                    les[j]),
                ts,
                h.get(j)));
      }
      out.add(
          TestSeries.of(
              Labels.of("__name__", "request_duration_seconds_sum", "instance", inst, "job", "api"),
              ts,
              h.get(les.length)));
      out.add(
          TestSeries.of(
              Labels.of(
                  "__name__", "request_duration_seconds_count", "instance", inst, "job", "api"),
              ts,
              h.get(les.length + 1)));
    }
    out.sort((a, b) -> Labels.compare(a.labels(), b.labels()));
    return out;
  }
}
