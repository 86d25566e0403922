package io.jthanos.promql.differential;

import io.jthanos.testing.prometheus.OpenMetricsWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Deterministic test data for the differential test: counters with resets, gauges (negative,
 * fractional, huge and tiny values, NaN and infinities), classic histograms, a join ("info")
 * metric, series with gaps and irregular scrape intervals. Written as gauge families (OpenMetrics
 * needs one family per name; the type does not matter to PromQL).
 */
public final class DifferentialData {
  private DifferentialData() {}

  static final String[] JOBS = {"api", "web", "db"};
  static final String[] INSTANCES = {"i-0", "i-1", "i-2", "i-3"};
  static final double[] BUCKETS = {0.05, 0.1, 0.5, 1, Double.POSITIVE_INFINITY};

  private static Map<String, String> labels(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  /** Sample times from start to end every {@code interval} ms with up to {@code jitter} ms. */
  private static long[] times(Random rnd, long start, long end, long interval, long jitter) {
    int n = (int) ((end - start) / interval);
    long[] ts = new long[n];
    for (int i = 0; i < n; i++) {
      ts[i] = start + i * interval + (jitter == 0 ? 0 : rnd.nextLong(jitter));
    }
    return ts;
  }

  /** Receives the generated samples, family by family. */
  public interface Sink {
    void family(String name);

    void sample(String name, Map<String, String> labels, double value, long timestampMs);
  }

  /** Writes the data as OpenMetrics (one gauge family per metric name). */
  public static void generate(OpenMetricsWriter om, long start, long end) {
    generate(
        new Sink() {
          @Override
          public void family(String name) {
            om.family(name, "gauge");
          }

          @Override
          public void sample(String name, Map<String, String> labels, double v, long t) {
            om.sample(name, labels, v, t);
          }
        },
        start,
        end);
  }

  public static void generate(Sink om, long start, long end) {
    Random rnd = new Random(42);

    om.family("http_requests_total");
    for (String job : JOBS) {
      for (String inst : INSTANCES) {
        for (String method : List.of("get", "post")) {
          for (String code : List.of("200", "500")) {
            Map<String, String> l =
                labels("job", job, "instance", inst, "method", method, "code", code);
            double rate = code.equals("200") ? 1 + rnd.nextInt(20) : rnd.nextDouble();
            double v = rnd.nextInt(1000);
            long[] ts = times(rnd, start, end, 15_000, inst.equals("i-3") ? 3_000 : 0);
            for (long t : ts) {
              if (rnd.nextInt(400) == 0) {
                v = rnd.nextInt(5); // counter reset
              } else {
                v += rate * 15 * rnd.nextDouble();
              }
              om.sample("http_requests_total", l, Math.floor(v * 8) / 8, t);
            }
          }
        }
      }
    }

    om.family("memory_bytes");
    for (String job : JOBS) {
      for (String inst : INSTANCES) {
        Map<String, String> l = labels("job", job, "instance", inst);
        double v = 1e8 + rnd.nextInt(100_000_000);
        for (long t : times(rnd, start, end, 30_000, 0)) {
          v += rnd.nextGaussian() * 1e6;
          om.sample("memory_bytes", l, Math.rint(v), t);
        }
      }
    }

    om.family("temperature_celsius");
    for (String room : List.of("attic", "cellar", "kitchen", "lab", "roof")) {
      Map<String, String> l = labels("job", "sensors", "room", room);
      double v = rnd.nextInt(40) - 10;
      for (long t : times(rnd, start, end, 20_000, 5_000)) {
        v += rnd.nextGaussian() * 0.3;
        om.sample("temperature_celsius", l, Math.round(v * 100) / 100.0, t);
      }
    }

    om.family("request_duration_seconds_bucket");
    for (String job : List.of("api", "web")) {
      for (String inst : List.of("i-0", "i-1")) {
        double[] counts = new double[BUCKETS.length];
        long[] ts = times(rnd, start, end, 15_000, 0);
        double[][] series = new double[BUCKETS.length][ts.length];
        for (int i = 0; i < ts.length; i++) {
          double added = 0;
          for (int b = 0; b < BUCKETS.length; b++) {
            added += rnd.nextInt(b == 0 ? 3 : 5);
            counts[b] += added;
            series[b][i] = counts[b];
          }
        }
        for (int b = 0; b < BUCKETS.length; b++) {
          String le = Double.isInfinite(BUCKETS[b]) ? "+Inf" : Double.toString(BUCKETS[b]);
          le = le.endsWith(".0") ? le.substring(0, le.length() - 2) : le;
          Map<String, String> l = labels("job", job, "instance", inst, "le", le);
          for (int i = 0; i < ts.length; i++) {
            om.sample("request_duration_seconds_bucket", l, series[b][i], ts[i]);
          }
        }
      }
    }

    om.family("build_info");
    for (String job : JOBS) {
      for (String inst : INSTANCES) {
        Map<String, String> l =
            labels("job", job, "instance", inst, "version", "v1." + inst.charAt(2) + "." + job);
        for (long t : times(rnd, start, end, 60_000, 0)) {
          om.sample("build_info", l, 1, t);
        }
      }
    }

    om.family("sparse_metric");
    for (String inst : List.of("a", "b")) {
      Map<String, String> l = labels("instance", inst);
      for (long t : times(rnd, start, end, 45_000, 10_000)) {
        long minute = (t - start) / 60_000;
        boolean present = inst.equals("a") ? (minute / 40) % 2 == 0 : (minute % 50) < 7;
        if (present) {
          om.sample("sparse_metric", l, (t - start) / 1000.0, t);
        }
      }
    }

    om.family("weird_gauge");
    double[] specials = {
      Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0, -0.0, 1e-20, 3.5e21
    };
    for (String kind : List.of("special", "mixed")) {
      Map<String, String> l = labels("kind", kind);
      int i = 0;
      for (long t : times(rnd, start, end, 60_000, 0)) {
        double v =
            kind.equals("special")
                ? specials[(i / 7) % specials.length]
                : (i % 11 == 0 ? Double.NaN : Math.sin(i / 10.0) * 1e-7);
        om.sample("weird_gauge", l, v, t);
        i++;
      }
    }

    om.family("label_source");
    for (String src : List.of("foo-bar-01", "foo-baz-02", "qux_03", "")) {
      Map<String, String> l =
          src.isEmpty()
              ? labels("path", "/a/b/c")
              : labels("src", src, "path", "/x/" + src.replace('-', '/'));
      for (long t : times(rnd, start, end, 60_000, 0)) {
        om.sample("label_source", l, src.length(), t);
      }
    }
  }
}
