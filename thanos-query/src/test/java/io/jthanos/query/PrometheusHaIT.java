package io.jthanos.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jthanos.promql.differential.DifferentialData;
import io.jthanos.promql.differential.DifferentialQueries;
import io.jthanos.storeapi.ComponentType;
import io.jthanos.storeapi.InfoService;
import io.jthanos.storeapi.StoreServer;
import io.jthanos.storeapi.testing.BlockSetQueryable;
import io.jthanos.storeapi.testing.LoopbackServer;
import io.jthanos.testing.Ports;
import io.jthanos.testing.process.JavaProcess;
import io.jthanos.testing.prometheus.OpenMetricsWriter;
import io.jthanos.testing.prometheus.PrometheusServer;
import io.jthanos.testing.prometheus.Promtool;
import io.jthanos.tsdb.labels.Labels;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * High availability against the real thing: two Debian Prometheus 2.42 servers over identical
 * promtool blocks, external labels {@code replica="A"}/{@code "B"}, each replica's blocks served
 * over StoreAPI, and the querier (2.x PromQL semantics) over both. With deduplication every query
 * of the PromQL differential set answers as Prometheus itself does; without it both copies come
 * back; with one endpoint gone the answer carries a warning (or fails with abort).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusHaIT {
  static final long START = 1_700_000_000_000L;
  static final long END = START + 4 * 3_600_000L;
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path tmp;
  static PrometheusServer promA;
  static PrometheusServer promB;
  static BlockSetQueryable blocks;
  static LoopbackServer storeA;
  static LoopbackServer storeB;
  static JavaProcess querier;
  static String base;

  @BeforeAll
  static void setUp() throws IOException {
    Promtool promtool = Promtool.locate();
    OpenMetricsWriter om = new OpenMetricsWriter();
    DifferentialData.generate(om, START, END);
    Path file = om.writeTo(tmp.resolve("data.om.txt"));
    Path blocksDir = tmp.resolve("blocks");
    promtool.createBlocksFromOpenMetrics(file, blocksDir, null);
    // Each Prometheus gets its own copy (it may compact its blocks); the StoreAPI side a third.
    Path dirA = copy(blocksDir, tmp.resolve("prom-a"));
    Path dirB = copy(blocksDir, tmp.resolve("prom-b"));
    promA = PrometheusServer.builder(dirA).config(config("A")).start();
    promB = PrometheusServer.builder(dirB).config(config("B")).start();
    blocks = BlockSetQueryable.open(blocksDir);
    storeA = store("A");
    storeB = store("B");
    int http = Ports.freePort();
    base = "http://127.0.0.1:" + http;
    querier =
        JavaProcess.main("io.jthanos.query.QueryMain")
            .args(
                "--http-address=127.0.0.1:" + http,
                "--grpc-address=127.0.0.1:" + Ports.freePort(),
                "--endpoint-strict=" + storeA.target(),
                "--endpoint-strict=" + storeB.target(),
                "--query.replica-label=replica",
                "--query.promql-semantics=2",
                "--endpoint.info-timeout=1s")
            .logTo(tmp.resolve("querier.log"))
            .start();
    querier.awaitHttp(base + "/-/ready", 200, Duration.ofSeconds(60));
    Awaits.healthyEndpoints(base, 2);
  }

  static String config(String replica) {
    return "global:\n  external_labels:\n    replica: " + replica + "\n";
  }

  static LoopbackServer store(String replica) {
    StoreServer s =
        StoreServer.builder(blocks)
            .externalLabels(Labels.of("replica", replica))
            .timeRange(blocks::minTime, blocks::maxTime)
            .build();
    return LoopbackServer.start(s, InfoService.builder(ComponentType.SIDECAR).store(s).build());
  }

  static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
    return to;
  }

  @AfterAll
  static void tearDown() {
    for (AutoCloseable c : new AutoCloseable[] {querier, storeA, storeB, promA, promB, blocks}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception ignored) {
          // keep closing the others
        }
      }
    }
  }

  static JsonNode get(String base, String pathAndQuery) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + pathAndQuery)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String secs(long ms) {
    return PrometheusServer.seconds(ms);
  }

  @Test
  @Order(1)
  void dedupAnswersEqualPrometheusForTheDifferentialQuerySet() throws Exception {
    List<String> queries = DifferentialQueries.all(START / 1000 + 5_400);
    long instant = START + 2 * 3_600_000 + 7_000;
    long rangeStart = START + 10 * 60_000;
    long rangeEnd = END + 8 * 60_000;
    List<String> problems = new ArrayList<>();
    long points = 0;
    for (String q : queries) {
      String inst = "/api/v1/query?query=" + enc(q) + "&time=" + secs(instant);
      String range =
          "/api/v1/query_range?query="
              + enc(q)
              + "&start="
              + secs(rangeStart)
              + "&end="
              + secs(rangeEnd)
              + "&step=60";
      for (String path : List.of(inst, range)) {
        JsonNode theirs = get(promA.baseUri().toString(), path);
        JsonNode ours = get(base, path);
        String p = compare(theirs, ours, q.startsWith("sort"));
        if (p != null) {
          problems.add(path + ": " + p);
        }
        points += count(theirs);
      }
    }
    System.out.printf(
        "querier (dedup over 2 replicas) vs Prometheus 2.42: %d queries, %d mismatches, %d points%n",
        queries.size(), problems.size(), points);
    problems.stream().limit(20).forEach(System.out::println);
    assertThat(queries.size()).isGreaterThanOrEqualTo(200);
    assertThat(points).isGreaterThan(50_000);
    assertThat(problems).isEmpty();
  }

  @Test
  @Order(2)
  void withoutDedupBothReplicasAreReturned() throws Exception {
    String path = "/api/v1/query?dedup=false&query=memory_bytes&time=" + secs(START + 3_600_000);
    JsonNode theirs = get(promA.baseUri().toString(), path);
    JsonNode ours = get(base, path);
    int n = theirs.get("data").get("result").size();
    assertThat(n).isPositive();
    assertThat(ours.get("data").get("result")).hasSize(2 * n);
    List<String> replicas = new ArrayList<>();
    ours.get("data")
        .get("result")
        .forEach(s -> replicas.add(s.get("metric").get("replica").asText()));
    assertThat(replicas).containsOnly("A", "B");
    assertThat(replicas.stream().filter("A"::equals).count()).isEqualTo(n);
  }

  /** Replays every request of Grafana's Prometheus data source (fixtures) as POST and GET. */
  @Test
  @Order(3)
  void grafanaRequests() throws Exception {
    String text;
    try (var in = PrometheusHaIT.class.getResourceAsStream("/grafana/requests.txt")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    long start = START + 3_600_000;
    long end = START + 3 * 3_600_000;
    List<String> problems = new ArrayList<>();
    int replayed = 0;
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.trim().split(" ", 5);
      String params =
          (f.length > 4 ? f[4] : "")
              .replace("{startMs}", Long.toString(start))
              .replace("{endMs}", Long.toString(end))
              .replace("{start}", secs(start))
              .replace("{end}", secs(end))
              .replace("{time}", secs(end));
      List<String> methods = f[2].equals("POST") ? List.of("POST", "GET") : List.of("GET");
      for (String method : methods) {
        HttpRequest.Builder rb =
            HttpRequest.newBuilder(
                    URI.create(
                        base
                            + f[3]
                            + (method.equals("GET") && !params.isEmpty() ? "?" + params : "")))
                .header("User-Agent", "Grafana/11.0.0")
                .header("X-Grafana-Org-Id", "1");
        if (method.equals("POST")) {
          rb.header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(params));
        }
        HttpResponse<String> r = HTTP.send(rb.build(), HttpResponse.BodyHandlers.ofString());
        replayed++;
        String problem = check(f[1], f[3], params, r);
        if (problem != null) {
          problems.add(f[0] + " " + method + ": " + problem);
        }
      }
    }
    problems.forEach(System.out::println);
    assertThat(replayed).isGreaterThanOrEqualTo(30);
    assertThat(problems).isEmpty();
  }

  static String check(String mode, String path, String params, HttpResponse<String> r)
      throws Exception {
    if (r.statusCode() != 200) {
      return "status " + r.statusCode() + ": " + r.body();
    }
    JsonNode ours = JSON.readTree(r.body());
    if (!"success".equals(ours.path("status").asText())) {
      return "not success: " + r.body();
    }
    JsonNode data = ours.get("data");
    switch (mode) {
      case "prom" -> {
        JsonNode theirs = get(promA.baseUri().toString(), path + "?" + params);
        if (data.isArray() || data.isObject() && !data.has("resultType")) {
          return sameSet(theirs.get("data"), data)
              ? null
              : "data " + theirs.get("data") + " vs " + data;
        }
        return compare(theirs, ours, false);
      }
      case "buildinfo" -> {
        return data.has("version") && data.has("goVersion") && !data.has("features")
            ? null
            : "buildinfo " + data;
      }
      case "rules" -> {
        return data.get("groups").isArray() ? null : "rules " + data;
      }
      case "alerts" -> {
        return data.get("alerts").isArray() ? null : "alerts " + data;
      }
      default -> {
        return data.isArray() ? null : "expected a list: " + data;
      }
    }
  }

  static boolean sameSet(JsonNode a, JsonNode b) {
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      java.util.Set<JsonNode> x = new java.util.HashSet<>();
      a.forEach(x::add);
      for (JsonNode n : b) {
        if (!x.contains(n)) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  @Test
  @Order(4)
  void oneReplicaDownWarnsOrAborts() throws Exception {
    String target = storeB.target();
    storeB.close();
    storeB = null;
    String path =
        "/api/v1/query?query=" + enc("sum(memory_bytes)") + "&time=" + secs(START + 3_600_000);
    JsonNode theirs = get(promA.baseUri().toString(), path);
    JsonNode warn = get(base, path);
    assertThat(compare(theirs, warn, false)).isNull();
    assertThat(warn.get("warnings").toString()).contains(target);
    JsonNode abort = get(base, path + "&partial_response=false");
    assertThat(abort.get("status").asText()).isEqualTo("error");
    assertThat(abort.get("error").asText()).contains(target);
  }

  static long count(JsonNode resp) {
    JsonNode d = resp.path("data");
    long n = 0;
    for (JsonNode s : d.path("result")) {
      n += s.has("values") ? s.get("values").size() : 1;
    }
    return n;
  }

  /**
   * Null when equal: same status/type, same series (any order unless sorted), values within 1e-9.
   */
  static String compare(JsonNode theirs, JsonNode ours, boolean ordered) {
    String ts = theirs.path("status").asText();
    String os = ours.path("status").asText();
    if (!ts.equals(os)) {
      return "status "
          + ts
          + " vs "
          + os
          + " ("
          + ours.path("error").asText()
          + theirs.path("error").asText()
          + ")";
    }
    if (ts.equals("error")) {
      return theirs.path("errorType").asText().equals(ours.path("errorType").asText())
          ? null
          : "error types " + theirs.path("errorType") + " vs " + ours.path("errorType");
    }
    JsonNode td = theirs.get("data");
    JsonNode od = ours.get("data");
    if (!td.get("resultType").equals(od.get("resultType"))) {
      return "result types differ";
    }
    JsonNode tr = td.get("result");
    JsonNode or = od.get("result");
    String type = td.get("resultType").asText();
    if (type.equals("scalar") || type.equals("string")) {
      return same(tr.get(1).asText(), or.get(1).asText()) && tr.get(0).equals(or.get(0))
          ? null
          : "scalar " + tr + " vs " + or;
    }
    if (tr.size() != or.size()) {
      return "series count " + tr.size() + " vs " + or.size();
    }
    Map<JsonNode, JsonNode> mine = new HashMap<>();
    for (JsonNode s : or) {
      mine.put(s.get("metric"), s);
    }
    Iterator<JsonNode> oi = or.iterator();
    for (JsonNode t : tr) {
      JsonNode o = ordered ? oi.next() : mine.get(t.get("metric"));
      if (o == null || !o.get("metric").equals(t.get("metric"))) {
        return "missing series " + t.get("metric");
      }
      if (type.equals("vector")) {
        if (!t.get("value").get(0).equals(o.get("value").get(0))
            || !same(t.get("value").get(1).asText(), o.get("value").get(1).asText())) {
          return "value of " + t.get("metric") + ": " + t.get("value") + " vs " + o.get("value");
        }
      } else {
        JsonNode tv = t.get("values");
        JsonNode ov = o.get("values");
        if (tv.size() != ov.size()) {
          return "points of " + t.get("metric") + ": " + tv.size() + " vs " + ov.size();
        }
        for (int i = 0; i < tv.size(); i++) {
          if (!tv.get(i).get(0).equals(ov.get(i).get(0))
              || !same(tv.get(i).get(1).asText(), ov.get(i).get(1).asText())) {
            return "point " + i + " of " + t.get("metric") + ": " + tv.get(i) + " vs " + ov.get(i);
          }
        }
      }
    }
    return null;
  }

  static boolean same(String a, String b) {
    if (a.equals(b)) {
      return true;
    }
    double x = Double.parseDouble(a.replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
    double y = Double.parseDouble(b.replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
    if (Double.isNaN(x) && Double.isNaN(y)) {
      return true;
    }
    return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
  }
}
