package io.jthanos.promql.differential;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jthanos.promql.Engine;
import io.jthanos.promql.EngineOptions;
import io.jthanos.promql.PromqlException;
import io.jthanos.promql.PromqlSemantics;
import io.jthanos.promql.QueryOptions;
import io.jthanos.promql.QueryResult;
import io.jthanos.promql.json.PrometheusJson;
import io.jthanos.promql.promqltest.InMemoryStorage;
import io.jthanos.promql.value.FloatSeries;
import io.jthanos.promql.value.Matrix;
import io.jthanos.promql.value.Sample;
import io.jthanos.promql.value.Scalar;
import io.jthanos.promql.value.Value;
import io.jthanos.promql.value.Vector;
import io.jthanos.testing.prometheus.DumpSeries;
import io.jthanos.testing.prometheus.OpenMetricsWriter;
import io.jthanos.testing.prometheus.PrometheusServer;
import io.jthanos.testing.prometheus.Promtool;
import io.jthanos.tsdb.labels.Labels;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential test against the real Prometheus 2.42: generated data is written as OpenMetrics,
 * turned into blocks by {@code promtool tsdb create-blocks-from openmetrics} and served by a
 * Prometheus server; the same samples (read back with {@code promtool tsdb dump}, so both sides see
 * identical timestamps) are loaded into an {@link InMemoryStorage} and queried with our engine in
 * 2.x mode. Every query of {@link DifferentialQueries} runs as two instant queries and one range
 * query on both sides; results are compared value by value (relative tolerance 1e-9, NaN equal to
 * NaN, same label sets, same order where the query sorts). Where all values are bit-identical the
 * whole JSON response must also be byte-identical to Prometheus' (our {@link PrometheusJson}).
 */
class PrometheusDifferentialIT {
  static final long START = 1_700_000_000_000L;
  static final long END = START + 4 * 3_600_000L;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static PrometheusServer prom;
  static InMemoryStorage storage;
  static Engine engine;

  @BeforeAll
  static void setUp() {
    Promtool promtool = Promtool.locate();
    OpenMetricsWriter om = new OpenMetricsWriter();
    DifferentialData.generate(om, START, END);
    Path file = om.writeTo(tmp.resolve("data.om.txt"));
    Path dataDir = tmp.resolve("data");
    promtool.createBlocksFromOpenMetrics(file, dataDir, null);
    storage = new InMemoryStorage();
    for (DumpSeries s : promtool.dump(dataDir)) {
      Labels l = Labels.fromMap(s.labels());
      for (int i = 0; i < s.size(); i++) {
        storage.append(l, s.timestamps()[i], s.values()[i]);
      }
    }
    engine = new Engine(EngineOptions.builder().semantics(PromqlSemantics.PROMETHEUS_2).build());
    prom = PrometheusServer.builder(dataDir).retention("100y").start();
  }

  @AfterAll
  static void tearDown() {
    if (prom != null) {
      prom.close();
    }
  }

  /** One comparison's outcome. */
  record Outcome(boolean ok, boolean exactJson, String problem, int points, boolean bothFailed) {
    Outcome(boolean ok, boolean exactJson, String problem, int points) {
      this(ok, exactJson, problem, points, false);
    }
  }

  @Test
  void queriesAnswerLikePrometheus() throws Exception {
    List<String> queries = DifferentialQueries.all(START / 1000 + 5_400);
    long[] instants = {START + 3_600_000, START + 2 * 3_600_000 + 7_000, END + 150_000};
    long rangeStart = START + 10 * 60_000;
    long rangeEnd = END + 8 * 60_000;
    long step = 60_000;
    List<String> problems = new ArrayList<>();
    int comparisons = 0;
    int exact = 0;
    long points = 0;
    for (String q : queries) {
      for (long t : instants) {
        Outcome o = compare(q, t, t, 0);
        comparisons++;
        exact += o.exactJson ? 1 : 0;
        points += o.points;
        if (!o.ok) {
          problems.add("instant " + q + " @" + t + ": " + o.problem);
        }
      }
      for (long st : new long[] {step, 47_000}) {
        Outcome o = compare(q, rangeStart, rangeEnd, st);
        comparisons++;
        exact += o.exactJson ? 1 : 0;
        points += o.points;
        if (!o.ok) {
          problems.add("range " + q + " step " + st + ": " + o.problem);
        }
      }
    }
    System.out.printf(
        "differential vs Prometheus 2.42: %d queries, %d comparisons, %d mismatches,"
            + " %d byte-identical JSON answers, %d points compared%n",
        queries.size(), comparisons, problems.size(), exact, points);
    problems.forEach(System.out::println);
    assertThat(queries.size()).isGreaterThanOrEqualTo(200);
    assertThat(points).isGreaterThan(100_000);
    assertThat(problems).isEmpty();
    // Most answers are bit-identical, which proves the JSON encoding end to end.
    assertThat(exact).isGreaterThan(comparisons / 2);
  }

  @Test
  void randomQueriesAnswerLikePrometheus() throws Exception {
    List<String> queries =
        new RandomQueries(Long.getLong("promql.random.seed", 20260122L))
            .generate(Integer.getInteger("promql.random.queries", 300));
    List<String> problems = new ArrayList<>();
    int failedOnBothSides = 0;
    long points = 0;
    for (String q : queries) {
      Outcome a = compare(q, START + 2 * 3_600_000 + 7_000, START + 2 * 3_600_000 + 7_000, 0);
      Outcome b = compare(q, START + 10 * 60_000, END + 8 * 60_000, 120_000);
      for (Outcome o : List.of(a, b)) {
        points += o.points;
        if (!o.ok) {
          problems.add((o == a ? "instant " : "range ") + q + ": " + o.problem);
        } else if (o.points == 0 && o.problem == null && o.bothFailed) {
          failedOnBothSides++;
        }
      }
    }
    System.out.printf(
        "random differential vs Prometheus 2.42: %d queries, %d mismatches, %d answers failing on"
            + " both sides, %d points compared%n",
        queries.size(), problems.size(), failedOnBothSides, points);
    problems.forEach(System.out::println);
    assertThat(problems).isEmpty();
    assertThat(points).isGreaterThan(10_000);
  }

  private static String seconds(long ms) {
    return PrometheusServer.seconds(ms);
  }

  private Outcome compare(String q, long start, long end, long step) throws Exception {
    boolean instant = step == 0;
    String path =
        instant
            ? "/api/v1/query?query=" + enc(q) + "&time=" + seconds(start)
            : "/api/v1/query_range?query="
                + enc(q)
                + "&start="
                + seconds(start)
                + "&end="
                + seconds(end)
                + "&step="
                + seconds(step);
    HttpResponse<String> resp = prom.request(path);
    JsonNode theirs = JSON.readTree(resp.body());
    QueryResult ours;
    try {
      ours =
          instant
              ? engine.instantQuery(storage, q, start, QueryOptions.DEFAULT).exec()
              : engine.rangeQuery(storage, q, start, end, step, QueryOptions.DEFAULT).exec();
    } catch (PromqlException e) {
      if ("error".equals(theirs.path("status").asText())) {
        String type = theirs.path("errorType").asText();
        if (!type.equals(e.type().wireName())) {
          return new Outcome(false, false, "error types differ: " + type + " vs " + e.type(), 0);
        }
        return new Outcome(true, false, null, 0, true);
      }
      return new Outcome(false, false, "we failed: " + e.getMessage(), 0);
    }
    if (!"success".equals(theirs.path("status").asText())) {
      return new Outcome(false, false, "Prometheus failed: " + resp.body(), 0);
    }
    JsonNode data = theirs.get("data");
    Value v = ours.value();
    String type = data.get("resultType").asText();
    if (!type.equals(v.resultType())) {
      return new Outcome(false, false, "result types differ: " + type + " vs " + v.resultType(), 0);
    }
    Comparison c = new Comparison();
    Value aligned =
        switch (v) {
          case Scalar s -> c.scalar(data.get("result"), s);
          case Vector vec -> c.vector(data.get("result"), vec, sorts(q));
          case Matrix m -> c.matrix(data.get("result"), m);
          default -> throw new IllegalStateException("unexpected " + v);
        };
    if (c.problem != null) {
      return new Outcome(false, false, c.problem, c.points);
    }
    boolean exactJson = false;
    if (c.bitIdentical) {
      String ourJson = PrometheusJson.successToString(aligned, List.of(), List.of());
      if (!ourJson.equals(resp.body().strip())) {
        return new Outcome(
            false,
            false,
            "JSON differs:\n  ours:   " + ourJson + "\n  theirs: " + resp.body(),
            c.points);
      }
      exactJson = true;
    }
    return new Outcome(true, exactJson, null, c.points);
  }

  /** Queries whose instant results come in a defined order. */
  private static boolean sorts(String q) {
    return q.startsWith("sort(") || q.startsWith("sort_desc(");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Compares Prometheus' JSON result with ours and aligns ours to Prometheus' series order. */
  static final class Comparison {
    String problem;
    boolean bitIdentical = true;
    int points;

    Scalar scalar(JsonNode r, Scalar s) {
      checkPoint(r, s.timestamp(), s.value(), "scalar");
      return s;
    }

    Vector vector(JsonNode r, Vector v, boolean ordered) {
      if (r.size() != v.samples().size()) {
        problem =
            "vector sizes differ: theirs "
                + r.size()
                + " ours "
                + v.samples().size()
                + "\n  theirs: "
                + r
                + "\n  ours:   "
                + v.samples();
        return v;
      }
      Map<Labels, Sample> byLabels = new HashMap<>();
      v.samples().forEach(s -> byLabels.put(s.labels(), s));
      List<Sample> aligned = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        JsonNode e = r.get(i);
        Labels l = labels(e.get("metric"));
        Sample s = byLabels.get(l);
        if (s == null) {
          problem = "series " + l + " missing from ours: " + v.samples();
          return v;
        }
        aligned.add(s);
        checkPoint(e.get("value"), s.timestamp(), s.value(), l.toString());
        if (ordered && !v.samples().get(i).labels().equals(l)) {
          // Ties may legitimately come in another order: only the values must be in order.
          if (Double.compare(v.samples().get(i).value(), s.value()) != 0) {
            problem = "order differs at " + i + ": theirs " + l + " ours " + v.samples().get(i);
          }
        }
        if (problem != null) {
          return v;
        }
      }
      return new Vector(aligned);
    }

    Matrix matrix(JsonNode r, Matrix m) {
      if (r.size() != m.series().size()) {
        problem =
            "matrix sizes differ: theirs "
                + r.size()
                + " ours "
                + m.series().size()
                + "\n  theirs: "
                + labelsOf(r)
                + "\n  ours:   "
                + m.series().stream().map(FloatSeries::labels).toList();
        return m;
      }
      for (int i = 0; i < r.size(); i++) {
        JsonNode e = r.get(i);
        Labels l = labels(e.get("metric"));
        FloatSeries fs = m.series().get(i);
        if (!fs.labels().equals(l)) {
          problem = "series " + i + " differs: theirs " + l + " ours " + fs.labels();
          return m;
        }
        JsonNode values = e.path("values");
        if (values.size() != fs.size()) {
          problem =
              l
                  + ": point counts differ: theirs "
                  + values.size()
                  + " ours "
                  + fs.size()
                  + " "
                  + values
                  + " vs "
                  + fs;
          return m;
        }
        for (int k = 0; k < fs.size() && problem == null; k++) {
          checkPoint(values.get(k), fs.timestamps()[k], fs.values()[k], l.toString());
        }
        if (problem != null) {
          return m;
        }
      }
      return m;
    }

    private static List<Labels> labelsOf(JsonNode r) {
      List<Labels> out = new ArrayList<>();
      r.forEach(e -> out.add(labels(e.get("metric"))));
      return out;
    }

    private void checkPoint(JsonNode p, long t, double v, String what) {
      points++;
      long theirT = Math.round(p.get(0).asDouble() * 1000);
      double theirV = parse(p.get(1).asText());
      if (theirT != t) {
        problem = what + ": timestamps differ: theirs " + theirT + " ours " + t;
        return;
      }
      if (Double.doubleToLongBits(theirV) != Double.doubleToLongBits(v)) {
        bitIdentical = false;
      }
      if (!close(theirV, v)) {
        problem = what + " @" + t + ": values differ: theirs " + p.get(1).asText() + " ours " + v;
      }
    }
  }

  static boolean close(double a, double b) {
    if (Double.isNaN(a) || Double.isNaN(b)) {
      return Double.isNaN(a) && Double.isNaN(b);
    }
    if (a == b) {
      return true;
    }
    if (Double.isInfinite(a) || Double.isInfinite(b)) {
      return false;
    }
    double diff = Math.abs(a - b);
    return diff <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) || diff < 1e-300;
  }

  static double parse(String s) {
    return switch (s) {
      case "NaN" -> Double.NaN;
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(s);
    };
  }

  static Labels labels(JsonNode metric) {
    Map<String, String> m = new HashMap<>();
    metric.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
    return Labels.fromMap(m);
  }
}
