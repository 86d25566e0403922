package io.jthanos.tsdb.testing;

import io.jthanos.testing.prometheus.DumpSeries;
import io.jthanos.testing.prometheus.OpenMetricsWriter;
import io.jthanos.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Bridges in-memory test series and the promtool fixtures of test-support. */
public final class PromtoolFixtures {
  private PromtoolFixtures() {}

  /**
   * OpenMetrics text for the series: one family per metric ({@code _total} makes a counter, {@code
   * _bucket/_sum/_count} a histogram, anything else a gauge), families contiguous.
   */
  public static OpenMetricsWriter openMetrics(List<TestSeries> series) {
    Map<String, List<TestSeries>> byFamily = new LinkedHashMap<>();
    Map<String, String> types = new TreeMap<>();
    for (TestSeries s : series) {
      String name = s.labels().metricName();
      String family;
      String type;
      if (name.endsWith("_total")) {
        family = name.substring(0, name.length() - 6);
        type = "counter";
      } else if (name.endsWith("_bucket") || name.endsWith("_sum") || name.endsWith("_count")) {
        family = name.substring(0, name.lastIndexOf('_'));
        type = "histogram";
      } else {
        family = name;
        type = "gauge";
      }
      byFamily.computeIfAbsent(family, k -> new ArrayList<>()).add(s);
      types.put(family, type);
    }
    OpenMetricsWriter w = new OpenMetricsWriter();
    for (Map.Entry<String, List<TestSeries>> e : byFamily.entrySet()) {
      w.family(e.getKey(), types.get(e.getKey()));
      for (TestSeries s : e.getValue()) {
        Map<String, String> l = s.labels().withoutMetricName().toMap();
        for (int i = 0; i < s.size(); i++) {
          w.sample(s.labels().metricName(), l, s.value(i), s.ts()[i]);
        }
      }
    }
    return w;
  }

  public static DumpSeries toDump(TestSeries s) {
    return new DumpSeries(new java.util.TreeMap<>(s.labels().toMap()), s.ts(), s.values());
  }

  public static List<DumpSeries> toDump(List<TestSeries> s) {
    return s.stream().map(PromtoolFixtures::toDump).toList();
  }

  public static TestSeries fromDump(DumpSeries d) {
    return TestSeries.of(Labels.fromMap(d.labels()), d.timestamps(), d.values());
  }

  /**
   * Varied data for compatibility tests: the realistic mix, a family with many label values, a long
   * high-resolution series, NaNs, all over {@code hours} hours from {@code start}.
   */
  public static List<TestSeries> variedData(long seed, long start, int hours) {
    SyntheticData g = new SyntheticData(seed).start(start);
    int scrapes = hours * 240;
    List<TestSeries> out = new ArrayList<>(g.mix(6, scrapes));
    // Many label values, short series.
    for (int i = 0; i < 250; i++) {
      long[] ts = new SyntheticData(seed * 1000 + i).start(start + i * 60_000L).timestamps(40);
      out.add(
          TestSeries.of(
              Labels.of(
                  "__name__",
                  "kube_pod_info",
                  "pod",
                  "pod-" + i + "-" + Long.toHexString(seed * 31 + i),
                  "namespace",
                  "ns-" + (i % 7)),
              ts,
              g.gauge(ts.length)));
    }
    // Long, high-resolution series with NaNs.
    long[] ts =
        new SyntheticData(seed + 1)
            .start(start)
            .interval(1000)
            .jitter(0)
            .gaps(0.0005)
            .timestamps(hours * 3600);
    double[] vs = g.noisy(ts.length);
    for (int i = 0; i < vs.length; i += 997) {
      vs[i] = Double.NaN;
    }
    out.add(TestSeries.of(Labels.of("__name__", "cpu_seconds_noisy", "core", "0"), ts, vs));
    out.sort((a, b) -> Labels.compare(a.labels(), b.labels()));
    return out;
  }
}
