package io.jthanos.block.generator;

import io.jthanos.block.generator.FleetModel.Metric;
import io.jthanos.block.generator.FleetModel.Pod;
import io.jthanos.block.generator.FleetModel.SeriesDef;
import io.jthanos.tsdb.storage.Values;

/**
 * Produces the samples of the fleet's series, block by block in time order. Per series it keeps the
 * next scrape index and the counter value, so counters continue across blocks; everything else is a
 * pure function of (seed, pod, series, scrape index).
 *
 * <p>Scrapes of a pod share timestamps: a fixed phase within the interval, and now and then a few
 * milliseconds of jitter. When a pod goes away its series get a stale marker at the next scrape.
 */
final class SampleSource {
  private static final long DONE = Long.MAX_VALUE;
  private static final long UNSET = Long.MIN_VALUE;

  private final GeneratorConfig cfg;
  private final long interval;
  private final double intervalSec;
  private final long[] nextK;
  private final double[] value;
  private final int[] epoch;

  /** Output buffers of {@link #fill}. */
  long[] ts = new long[1024];

  double[] vs = new double[1024];
  int n;

  SampleSource(GeneratorConfig cfg, int seriesCount) {
    this.cfg = cfg;
    this.interval = cfg.intervalMs();
    this.intervalSec = interval / 1000.0;
    this.nextK = new long[seriesCount];
    this.value = new double[seriesCount];
    this.epoch = new int[seriesCount];
    java.util.Arrays.fill(nextK, UNSET);
  }

  /** Time of a pod's scrape {@code k} (k = 0 is the first scrape at or after the pod's start). */
  long scrapeTime(Pod p, long k) {
    long base =
        Math.floorDiv(p.start() - p.phase() + interval - 1, interval) * interval + p.phase();
    long t = base + k * interval;
    long h = FleetModel.mix(p.key(), 7, k);
    if (FleetModel.u(h) < 0.01) {
      long j = 1 + ((h >>> 1) & 3);
      t += (h & 1) == 0 ? j : -j;
    }
    return t;
  }

  private long firstK(Pod p, long from) {
    long base =
        Math.floorDiv(p.start() - p.phase() + interval - 1, interval) * interval + p.phase();
    long k = Math.max(0, Math.floorDiv(from - base, interval) - 1);
    while (scrapeTime(p, k) < from || scrapeTime(p, k) < p.start()) {
      k++;
    }
    return k;
  }

  /**
   * Fills {@link #ts}/{@link #vs} with the samples of series {@code s} in {@code [from, to)} and
   * returns their number. Must be called for consecutive ranges in time order.
   */
  int fill(SeriesDef s, long from, long to) {
    n = 0;
    Pod p = s.pod();
    int id = s.id();
    if (nextK[id] == DONE) {
      return 0;
    }
    long dataStart = cfg.startMs();
    long dataEnd = cfg.endMs();
    if (nextK[id] == UNSET) {
      long lo = Math.max(p.start(), dataStart);
      if (lo >= to) {
        return 0;
      }
      nextK[id] = firstK(p, lo);
      value[id] = initialValue(s, scrapeTime(p, nextK[id]));
      epoch[id] = p.restartsUpTo(scrapeTime(p, nextK[id]));
    }
    long k = nextK[id];
    while (true) {
      long t = scrapeTime(p, k);
      boolean gone = t >= p.end() || t >= dataEnd;
      if (!gone) {
        if (t >= to) {
          break;
        }
        add(t, next(s, id, k, t));
        k++;
        continue;
      }
      if (t >= p.end() && t < dataEnd) {
        // The pod went away: Prometheus marks its series stale at the next scrape.
        if (t >= to) {
          break;
        }
        add(t, Values.STALE_NAN);
      }
      k = DONE;
      break;
    }
    nextK[id] = k;
    return n;
  }

  private void add(long t, double v) {
    if (n == ts.length) {
      ts = java.util.Arrays.copyOf(ts, n * 2);
      vs = java.util.Arrays.copyOf(vs, n * 2);
    }
    ts[n] = t;
    vs[n] = v;
    n++;
  }

  private double daily(Pod p, long t) {
    double phase = 2 * Math.PI * FleetModel.u(FleetModel.mix(p.key(), 9));
    double day = (double) Math.floorMod(t, FleetModel.DAY) / FleetModel.DAY;
    return 0.6 + 0.4 * Math.sin(2 * Math.PI * day + phase);
  }

  private long requests(Pod p, long k, long t) {
    return (long)
        Math.floor(
            p.requestRate() * intervalSec * daily(p, t)
                + FleetModel.u(FleetModel.mix(p.key(), 11, k)));
  }

  /** The value of sample {@code k}; counters advance their state. */
  private double next(SeriesDef s, int id, long k, long t) {
    Pod p = s.pod();
    Metric m = s.metric();
    if (m.kind == FleetModel.Kind.COUNTER) {
      int e = p.restartsUpTo(t);
      if (e != epoch[id]) {
        epoch[id] = e;
        value[id] = 0; // container restart: the counter starts over
      }
      value[id] = counterAdd(value[id], increment(s, k, t), m);
      return value[id];
    }
    return gauge(s, k, t);
  }

  private static double counterAdd(double v, double inc, Metric m) {
    double r = v + inc;
    return switch (m) {
      case PROCESS_CPU -> round(r, 100);
      case CONTAINER_CPU, HTTP_DURATION_SUM -> round(r, 1000);
      default -> r;
    };
  }

  private double increment(SeriesDef s, long k, long t) {
    Pod p = s.pod();
    return switch (s.metric()) {
      case HTTP_REQUESTS ->
          s.variant() == 0
              ? requests(p, k, t)
              : Math.floor(
                  requests(p, k, t) * FleetModel.REQUEST_SHARE[s.variant()]
                      + FleetModel.u(FleetModel.mix(s.key(), k)));
      case HTTP_DURATION_BUCKET -> {
        long n = requests(p, k, t);
        if (s.variant() >= FleetModel.LE.length) {
          yield n;
        }
        double f = 1 - Math.exp(-FleetModel.LE[s.variant()] / p.latencyScale());
        yield Math.floor(n * f + FleetModel.u(FleetModel.mix(p.key(), 12, k)));
      }
      case HTTP_DURATION_COUNT -> requests(p, k, t);
      case GO_GC_COUNT -> FleetModel.u(FleetModel.mix(p.key(), 27, k)) < 0.3 ? 1 : 0;
      case HTTP_DURATION_SUM ->
          round(
              requests(p, k, t)
                  * p.latencyScale()
                  * (0.8 + 0.4 * FleetModel.u(FleetModel.mix(p.key(), 13, k))),
              1000);
      case PROCESS_CPU ->
          round(
              p.cores()
                  * intervalSec
                  * daily(p, t)
                  * (0.8 + 0.4 * FleetModel.u(FleetModel.mix(p.key(), 14, k))),
              100);
      case CONTAINER_CPU ->
          round(
              p.cores()
                  * 1.05
                  * intervalSec
                  * daily(p, t)
                  * (0.8 + 0.4 * FleetModel.u(FleetModel.mix(p.key(), 15, k))),
              1000);
      default -> throw new IllegalStateException("not a counter: " + s.metric());
    };
  }

  private double gauge(SeriesDef s, long k, long t) {
    Pod p = s.pod();
    return switch (s.metric()) {
      case UP, BUILD_INFO, GO_INFO -> 1;
      case PROCESS_MAX_FDS -> 1_048_576;
      case PROCESS_START_TIME -> round(p.start() / 1000.0, 100);
      case GO_THREADS -> 8 + Math.floor(8 * FleetModel.u(FleetModel.mix(p.key(), 25, k / 120)));
      case HTTP_IN_FLIGHT ->
          Math.floor(
              p.requestRate() * 0.05 * daily(p, t) + FleetModel.u(FleetModel.mix(p.key(), 26, k)));
      case PROCESS_RSS -> {
        long hold = 4 + ((p.key() >>> 3) & 15);
        yield sig(
            p.memory()
                * (0.9 + 0.1 * daily(p, t))
                * (0.97 + 0.06 * FleetModel.u(FleetModel.mix(p.key(), 20, k / hold))),
            3);
      }
      case CONTAINER_MEMORY ->
          sig(
              p.memory() * 1.1 * (0.95 + 0.1 * FleetModel.u(FleetModel.mix(p.key(), 21, k / 6))),
              4);
      case PROCESS_FDS -> 20 + Math.floor(12 * FleetModel.u(FleetModel.mix(p.key(), 22, k / 40)));
      case GO_GOROUTINES ->
          Math.floor(
              30
                  + 80
                      * daily(p, t)
                      * (0.8 + 0.4 * FleetModel.u(FleetModel.mix(p.key(), 23, k / 10))));
      case GO_HEAP_ALLOC ->
          Math.floor(p.memory() * 0.4 * (0.5 + 0.5 * FleetModel.u(FleetModel.mix(p.key(), 24, k))));
      default -> throw new IllegalStateException("not a gauge: " + s.metric());
    };
  }

  /** Counters of pods that started before the data: what they counted so far. */
  private double initialValue(SeriesDef s, long t) {
    Pod p = s.pod();
    if (s.metric().kind != FleetModel.Kind.COUNTER || p.start() >= cfg.startMs()) {
      return 0;
    }
    double uptime = (t - p.start()) / 1000.0;
    double reqs = Math.floor(p.requestRate() * 0.6 * uptime);
    return switch (s.metric()) {
      case HTTP_REQUESTS -> Math.floor(reqs * FleetModel.REQUEST_SHARE[s.variant()]);
      case HTTP_DURATION_BUCKET ->
          s.variant() >= FleetModel.LE.length
              ? reqs
              : Math.floor(reqs * (1 - Math.exp(-FleetModel.LE[s.variant()] / p.latencyScale())));
      case HTTP_DURATION_COUNT -> reqs;
      case GO_GC_COUNT -> Math.floor(uptime / 50);
      case HTTP_DURATION_SUM -> round(reqs * p.latencyScale(), 1000);
      case PROCESS_CPU -> round(p.cores() * 0.6 * uptime, 100);
      case CONTAINER_CPU -> round(p.cores() * 0.63 * uptime, 1000);
      default -> 0;
    };
  }

  static double round(double v, int scale) {
    return Math.round(v * scale) / (double) scale;
  }

  /** Rounds to {@code digits} significant digits (integers stay integers). */
  static double sig(double v, int digits) {
    if (v == 0) {
      return 0;
    }
    int d = (int) Math.floor(Math.log10(Math.abs(v))) + 1;
    int shift = d - digits;
    if (shift >= 0) {
      long p = 1;
      for (int i = 0; i < shift; i++) {
        p *= 10;
      }
      return (double) (Math.round(v / p) * p);
    }
    long p = 1;
    for (int i = 0; i < -shift; i++) {
      p *= 10;
    }
    return Math.round(v * p) / (double) p;
  }
}
