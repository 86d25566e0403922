package io.jthanos.block.generator;

import io.jthanos.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The simulated Kubernetes fleet: pod slots grouped in deployments across namespaces, each slot a
 * sequence of pods (churn replaces a pod with a newly named one), each pod exposing the same set of
 * series (request counters by method and code, a latency histogram, process and Go runtime gauges,
 * container CPU and memory, {@code up}, {@code build_info}). Containers restart now and then,
 * resetting counters without renaming the series.
 *
 * <p>Everything derives from the seed through {@link #mix} hashing, so any sample can be computed
 * in any order.
 */
final class FleetModel {
  static final long DAY = 86_400_000L;

  static final String[] NAMESPACES = {
    "payments", "checkout", "catalog", "search", "identity", "observability", "ingress", "batch"
  };
  static final String[] APPS = {
    "api",
    "web",
    "worker",
    "gateway",
    "cache",
    "auth",
    "billing",
    "cart",
    "orders",
    "inventory",
    "pricing",
    "recommend",
    "indexer",
    "query",
    "session",
    "notify",
    "mailer",
    "scheduler",
    "exporter",
    "proxy",
    "ledger",
    "fraud",
    "shipping",
    "reviews"
  };

  /** The latency histogram's buckets ({@code le}), as Prometheus client defaults. */
  static final double[] LE = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  static final String[] LE_LABELS = {
    "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"
  };

  /** (method, code, share of GET/200 traffic) of {@code http_requests_total}. */
  static final String[][] REQUEST_VARIANTS = {
    {"GET", "200"}, {"GET", "404"}, {"GET", "500"}, {"POST", "200"}, {"POST", "500"}
  };

  static final double[] REQUEST_SHARE = {1.0, 0.02, 0.004, 0.3, 0.002};

  /** The metrics every pod exposes. */
  enum Metric {
    UP("up", Kind.CONSTANT, 1),
    BUILD_INFO("app_build_info", Kind.CONSTANT, 1),
    HTTP_REQUESTS("http_requests_total", Kind.COUNTER, REQUEST_VARIANTS.length),
    HTTP_DURATION_BUCKET("http_request_duration_seconds_bucket", Kind.COUNTER, LE_LABELS.length),
    HTTP_DURATION_SUM("http_request_duration_seconds_sum", Kind.COUNTER, 1),
    HTTP_DURATION_COUNT("http_request_duration_seconds_count", Kind.COUNTER, 1),
    PROCESS_CPU("process_cpu_seconds_total", Kind.COUNTER, 1),
    PROCESS_RSS("process_resident_memory_bytes", Kind.GAUGE, 1),
    PROCESS_FDS("process_open_fds", Kind.GAUGE, 1),
    GO_GOROUTINES("go_goroutines", Kind.GAUGE, 1),
    GO_HEAP_ALLOC("go_memstats_heap_alloc_bytes", Kind.GAUGE, 1),
    CONTAINER_CPU("container_cpu_usage_seconds_total", Kind.COUNTER, 1),
    CONTAINER_MEMORY("container_memory_working_set_bytes", Kind.GAUGE, 1),
    HTTP_IN_FLIGHT("http_requests_in_flight", Kind.GAUGE, 1),
    GO_GC_COUNT("go_gc_duration_seconds_count", Kind.COUNTER, 1),
    GO_INFO("go_info", Kind.CONSTANT, 1),
    GO_THREADS("go_threads", Kind.GAUGE, 1),
    PROCESS_MAX_FDS("process_max_fds", Kind.CONSTANT, 1),
    PROCESS_START_TIME("process_start_time_seconds", Kind.CONSTANT, 1);

    final String name;
    final Kind kind;
    final int variants;

    Metric(String name, Kind kind, int variants) {
      this.name = name;
      this.kind = kind;
      this.variants = variants;
    }
  }

  enum Kind {
    CONSTANT,
    COUNTER,
    GAUGE
  }

  static final int SERIES_PER_POD;

  static {
    int n = 0;
    for (Metric m : Metric.values()) {
      n += m.variants;
    }
    SERIES_PER_POD = n;
  }

  /** One pod: a slot's incarnation between {@code start} and {@code end}. */
  record Pod(
      int slot,
      int incarnation,
      String namespace,
      String app,
      String name,
      String instance,
      long start,
      long end,
      long phase,
      long key,
      long[] restarts,
      double requestRate,
      double latencyScale,
      double cores,
      double memory) {

    /** Number of container restarts at or before {@code t}. */
    int restartsUpTo(long t) {
      int i = Arrays.binarySearch(restarts, t);
      return i >= 0 ? i + 1 : -i - 1;
    }
  }

  /** One series of one pod. */
  record SeriesDef(int id, Labels labels, Pod pod, Metric metric, int variant, long key) {}

  final GeneratorConfig cfg;
  final List<Pod> pods = new ArrayList<>();

  /** Every series of every pod overlapping the data range, sorted by labels. */
  final List<SeriesDef> series;

  FleetModel(GeneratorConfig cfg) {
    this.cfg = cfg;
    int slots = Math.max(1, Math.round((float) cfg.series() / SERIES_PER_POD));
    long start = cfg.startMs();
    long end = cfg.endMs();
    for (int s = 0; s < slots; s++) {
      int deployment = s / 3;
      String ns = NAMESPACES[deployment % NAMESPACES.length];
      String app = APPS[(deployment / NAMESPACES.length) % APPS.length];
      int round = deployment / (NAMESPACES.length * APPS.length);
      if (round > 0) {
        app = app + "-" + round;
      }
      long slotKey = mix(cfg.seed(), 0x5107, s);
      double r = u(mix(slotKey, 1));
      double rate = 0.01 + 5 * r * r * r * r; // requests per second: most pods are quiet
      double latency = 0.02 + 0.3 * u(mix(slotKey, 2));
      double cores = 0.05 + 1.5 * u(mix(slotKey, 3));
      double memory = (64 + 960 * u(mix(slotKey, 4))) * 1024 * 1024;
      // The first pod started some time before the data begins.
      long podStart = start - (long) (DAY * (0.5 + 5 * u(mix(slotKey, 5))));
      int inc = 0;
      while (podStart < end) {
        long podKey = mix(slotKey, 100 + inc);
        long podEnd;
        if (cfg.churn() > 0) {
          double life = -Math.log(1 - u(mix(podKey, 1))) / cfg.churn(); // days, exponential
          podEnd = podStart + Math.max(cfg.intervalMs() * 10, (long) (life * DAY));
        } else {
          podEnd = Long.MAX_VALUE;
        }
        if (podEnd > start) {
          long[] restarts = restarts(podKey, Math.max(podStart, start), Math.min(podEnd, end));
          String name = app + "-" + hex(mix(podKey, 2), 10) + "-" + alnum(mix(podKey, 3), 5);
          long ip = mix(podKey, 4);
          String instance =
              "10."
                  + (ip & 0xff)
                  + "."
                  + ((ip >>> 8) & 0xff)
                  + "."
                  + (1 + ((ip >>> 16) & 0xfd))
                  + ":8080";
          long phase = Math.floorMod(mix(podKey, 6), cfg.intervalMs());
          pods.add(
              new Pod(
                  s, inc, ns, app, name, instance, podStart, podEnd, phase, podKey, restarts, rate,
                  latency, cores, memory));
        }
        if (podEnd == Long.MAX_VALUE) {
          break;
        }
        podStart = podEnd;
        inc++;
      }
    }
    List<SeriesDef> all = new ArrayList<>();
    int id = 0;
    for (Pod p : pods) {
      for (Metric m : Metric.values()) {
        for (int v = 0; v < m.variants; v++) {
          all.add(
              new SeriesDef(
                  id++, labels(p, m, v), p, m, v, mix(p.key(), 1000 + m.ordinal() * 64 + v)));
        }
      }
    }
    all.sort((a, b) -> Labels.compare(a.labels(), b.labels()));
    this.series = List.copyOf(all);
  }

  /** Container restarts: about one every 10 days per pod. */
  private static long[] restarts(long podKey, long from, long to) {
    List<Long> out = new ArrayList<>();
    long t = from;
    for (int i = 0; ; i++) {
      double gapDays = -Math.log(1 - u(mix(podKey, 50 + i))) * 10;
      t += (long) (gapDays * DAY);
      if (t >= to) {
        break;
      }
      out.add(t);
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  private static Labels labels(Pod p, Metric m, int variant) {
    List<String> nv = new ArrayList<>(20);
    nv.add("__name__");
    nv.add(m.name);
    nv.add("namespace");
    nv.add(p.namespace());
    nv.add("app");
    nv.add(p.app());
    nv.add("pod");
    nv.add(p.name());
    nv.add("container");
    nv.add(p.app());
    nv.add("instance");
    nv.add(p.instance());
    nv.add("job");
    nv.add(p.namespace() + "/" + p.app());
    switch (m) {
      case HTTP_REQUESTS -> {
        nv.add("method");
        nv.add(REQUEST_VARIANTS[variant][0]);
        nv.add("code");
        nv.add(REQUEST_VARIANTS[variant][1]);
      }
      case HTTP_DURATION_BUCKET -> {
        nv.add("le");
        nv.add(LE_LABELS[variant]);
      }
      case BUILD_INFO -> {
        nv.add("version");
        nv.add("1." + (p.slot() % 7) + "." + (p.incarnation() % 4));
      }
      case GO_INFO -> {
        nv.add("version");
        nv.add("go1.22." + (p.slot() % 5));
      }
      default -> {}
    }
    return Labels.of(nv.toArray(new String[0]));
  }

  // ------------------------------------------------------------------ hashing

  /** SplitMix64 finaliser over a combination of inputs. */
  static long mix(long a, long b) {
    long z = a * 0x9E3779B97F4A7C15L + b;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static long mix(long a, long b, long c) {
    return mix(mix(a, b), c);
  }

  /** Uniform in [0, 1). */
  static double u(long h) {
    return (h >>> 11) * 0x1.0p-53;
  }

  private static String hex(long h, int n) {
    String s = Long.toHexString(h | Long.MIN_VALUE);
    return s.substring(s.length() - n);
  }

  private static String alnum(long h, int n) {
    String chars = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder sb = new StringBuilder(n);
    long x = h;
    for (int i = 0; i < n; i++) {
      sb.append(chars.charAt((int) Math.floorMod(x, chars.length())));
      x = Long.divideUnsigned(x, chars.length());
    }
    return sb.toString();
  }
}
