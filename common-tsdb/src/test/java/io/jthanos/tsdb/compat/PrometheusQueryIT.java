package io.jthanos.tsdb.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jthanos.testing.prometheus.DumpSeries;
import io.jthanos.testing.prometheus.PrometheusServer;
import io.jthanos.testing.prometheus.Promtool;
import io.jthanos.testing.prometheus.PromtoolDump;
import io.jthanos.testing.prometheus.ToolResult;
import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.BlockWriter;
import io.jthanos.tsdb.compact.Compactor;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.storage.Values;
import io.jthanos.tsdb.testing.BlockFixtures;
import io.jthanos.tsdb.testing.PromtoolFixtures;
import io.jthanos.tsdb.testing.TestSeries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proven against a real Prometheus 2.42: a server started on a data directory holding only our
 * blocks answers queries with our data; so do our compacted (merged) blocks, which also pass
 * promtool analyze and dump.
 */
class PrometheusQueryIT {
  static final long START = 1_704_067_200_000L;
  static final long H2 = 7_200_000L;
  static final long LOOKBACK = 300_000L;
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static Promtool promtool;

  @BeforeAll
  static void peers() {
    promtool = Promtool.locate();
  }

  static List<TestSeries> slice(List<TestSeries> data, long mint, long maxt) {
    List<TestSeries> out = new ArrayList<>();
    for (TestSeries s : data) {
      TestSeries sl = s.slice(mint, maxt);
      if (sl.size() > 0) {
        out.add(sl);
      }
    }
    return out;
  }

  @Test
  void prometheusServesOurBlocks() throws Exception {
    List<TestSeries> data = PromtoolFixtures.variedData(31, START, 6);
    Path dataDir = tmp.resolve("ours");
    for (int i = 0; i < 3; i++) {
      long min = START + i * H2;
      BlockFixtures.writeBlock(
          BlockWriter.builder(dataDir).timeRange(min, min + H2), slice(data, min, min + H2 - 1));
    }
    assertServes(dataDir, data, START, START + 3 * H2);
  }

  @Test
  void mergedBlocksPassAnalyzeDumpAndServeQueries() throws Exception {
    // Two overlapping replicas with shared (duplicate) and own samples, plus an adjacent block.
    List<TestSeries> a = PromtoolFixtures.variedData(41, START, 3);
    List<TestSeries> b = new ArrayList<>();
    for (TestSeries s : slice(a, START + 3_600_000, START + 3 * 3_600_000)) {
      long[] ts = new long[2 * s.size()];
      long[] vs = new long[2 * s.size()];
      for (int i = 0; i < s.size(); i++) {
        ts[2 * i] = s.ts()[i];
        vs[2 * i] = s.valueBits()[i];
        ts[2 * i + 1] = s.ts()[i] + 1;
        vs[2 * i + 1] = Double.doubleToRawLongBits(i % 7);
      }
      b.add(new TestSeries(s.labels(), ts, vs));
    }
    Path work = tmp.resolve("merge-in");
    Path pa = work.resolve(BlockFixtures.writeBlock(work, a).ulid().toString());
    Path pb = work.resolve(BlockFixtures.writeBlock(work, b).ulid().toString());
    Path dataDir = tmp.resolve("merged");
    Files.createDirectories(dataDir);
    Compactor.CompactionResult r = new Compactor().compact(dataDir, List.of(pa, pb));
    BlockMeta m = r.meta().orElseThrow();

    List<TestSeries> expected = union(a, b);
    long inSamples =
        a.stream().mapToLong(TestSeries::size).sum() + b.stream().mapToLong(TestSeries::size).sum();
    long outSamples = expected.stream().mapToLong(TestSeries::size).sum();
    assertThat(m.stats().numSamples()).isEqualTo(outSamples);
    assertThat(inSamples - outSamples).isEqualTo(r.duplicateSamplesDropped()).isPositive();

    ToolResult analyze = promtool.analyze(dataDir, m.ulid().toString());
    assertThat(analyze.exitCode()).as(analyze.stderr()).isZero();
    List<DumpSeries> dump = promtool.dump(dataDir);
    assertThat(dump).containsExactlyInAnyOrderElementsOf(PromtoolFixtures.toDump(expected));
    assertThat(dump.stream().mapToLong(DumpSeries::size).sum()).isEqualTo(outSamples);
    assertServes(dataDir, expected, m.minTime(), m.maxTime());
  }

  static List<TestSeries> union(List<TestSeries> first, List<TestSeries> second) {
    Map<Labels, TreeMap<Long, Long>> m = new LinkedHashMap<>();
    for (List<TestSeries> l : List.of(first, second)) {
      for (TestSeries s : l) {
        TreeMap<Long, Long> t = m.computeIfAbsent(s.labels(), k -> new TreeMap<>());
        for (int i = 0; i < s.size(); i++) {
          t.putIfAbsent(s.ts()[i], s.valueBits()[i]);
        }
      }
    }
    List<TestSeries> out = new ArrayList<>();
    m.forEach(
        (l, t) ->
            out.add(
                new TestSeries(
                    l,
                    t.keySet().stream().mapToLong(Long::longValue).toArray(),
                    t.values().stream().mapToLong(Long::longValue).toArray())));
    out.sort((x, y) -> Labels.compare(x.labels(), y.labels()));
    return out;
  }

  /** Starts Prometheus on the directory and compares query_range and raw range queries. */
  static void assertServes(Path dataDir, List<TestSeries> data, long min, long max)
      throws Exception {
    Map<Labels, TestSeries> byLabels = new HashMap<>();
    data.forEach(s -> byLabels.put(s.labels(), s));
    List<String> selectors =
        List.of(
            "http_requests_total",
            "temperature_celsius",
            "request_duration_seconds_bucket{le=~\"0.1|\\\\+Inf\"}",
            "cpu_seconds_noisy",
            "kube_pod_info{namespace=\"ns-3\"}",
            "load_ratio{instance!~\"host-1.*\"}");
    try (PrometheusServer prom = PrometheusServer.builder(dataDir).start()) {
      for (String sel : selectors) {
        long step = 15_000;
        long start = min + 45_000;
        long end = Math.min(max, start + 10_999 * step);
        JsonNode res = data(prom.queryRange(sel, start, end, step));
        assertThat(res.get("resultType").asText()).isEqualTo("matrix");
        assertThat(res.get("result").size()).as(sel).isPositive();
        for (JsonNode series : res.get("result")) {
          Labels l = labels(series.get("metric"));
          TestSeries s = byLabels.get(l);
          assertThat(s).as("series %s from Prometheus", l).isNotNull();
          Map<Long, Double> got = points(series.get("values"));
          Map<Long, Double> want = new TreeMap<>();
          for (long t = start; t <= end; t += step) {
            int i = lastAtOrBefore(s.ts(), t);
            if (i >= 0 && s.ts()[i] >= t - LOOKBACK && !Values.isStaleNaN(s.value(i))) {
              want.put(t, s.value(i));
            }
          }
          assertThat(new TreeMap<>(got)).as("query_range %s for %s", sel, l).isEqualTo(want);
        }
        // Raw samples through a range selector at the end of the data.
        long at = max - 1;
        long range = at - min + 1;
        JsonNode raw = data(prom.query(sel.replace("\\\\", "\\\\") + "[" + range + "ms]", at));
        int seen = 0;
        for (JsonNode series : raw.get("result")) {
          Labels l = labels(series.get("metric"));
          TestSeries s = byLabels.get(l).slice(at - range, at);
          Map<Long, Double> want = new TreeMap<>();
          for (int i = 0; i < s.size(); i++) {
            if (!Values.isStaleNaN(s.value(i))) {
              want.put(s.ts()[i], s.value(i));
            }
          }
          assertThat(new TreeMap<>(points(series.get("values"))))
              .as("raw %s for %s", sel, l)
              .isEqualTo(want);
          seen++;
        }
        assertThat(seen).as(sel).isPositive();
      }
    }
  }

  static int lastAtOrBefore(long[] ts, long t) {
    int lo = 0;
    int hi = ts.length - 1;
    int res = -1;
    while (lo <= hi) {
      int m = (lo + hi) >>> 1;
      if (ts[m] <= t) {
        res = m;
        lo = m + 1;
      } else {
        hi = m - 1;
      }
    }
    return res;
  }

  static JsonNode data(String body) throws Exception {
    JsonNode n = JSON.readTree(body);
    assertThat(n.get("status").asText()).as(body).isEqualTo("success");
    return n.get("data");
  }

  static Labels labels(JsonNode metric) {
    Map<String, String> m = new HashMap<>();
    metric.properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
    return Labels.fromMap(m);
  }

  /** Points keyed by ms; NaN compared as NaN (Double.equals treats NaN == NaN). */
  static Map<Long, Double> points(JsonNode values) {
    Map<Long, Double> out = new TreeMap<>();
    for (JsonNode p : values) {
      long t = Math.round(p.get(0).asDouble() * 1000);
      double v = PromtoolDump.parseGoFloat(p.get(1).asText());
      out.put(t, Double.isNaN(v) ? Double.NaN : v);
    }
    return out;
  }
}
