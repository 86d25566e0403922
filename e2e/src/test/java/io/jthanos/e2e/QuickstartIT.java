package io.jthanos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jthanos.testing.Peers;
import io.jthanos.testing.Ports;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./quickstart.sh} as a user runs it, in a fresh clone of this checkout (reusing the built
 * jars and ~/.m2): the stack comes up, the generated history answers raw and downsampled, the two
 * Prometheus replicas answer live through their sidecars and deduplicate, and Ctrl-C leaves no
 * process behind. A second run with {@code prometheus} hidden from PATH runs the rest, and {@code
 * ./quickstart.sh down} stops a stack whose script was killed. The history is kept small here
 * ({@code QUICKSTART_HISTORY_DAYS}/{@code QUICKSTART_HISTORY_SERIES}); the default is two weeks.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuickstartIT {
  private static final Duration READY = Duration.ofSeconds(200);
  private static final Duration WAIT = Duration.ofSeconds(90);

  /**
   * Prometheus block duration here (the default is 2m): a replica cuts its first block once its
   * head spans 1.5 times that, and the sidecar ships it at its next 30s sync.
   */
  private static final String BLOCK_DURATION = "30s";

  /** Until both sidecars have shipped a block: a first block, plus a sync, plus slack. */
  private static final Duration SHIPPED = Duration.ofSeconds(180);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** 4 days always hold one complete 2-day range, which the generator ships with a 5m copy. */
  private static final int HISTORY_DAYS = 4;

  /**
   * Metric names in the dashboard's expressions (every jthanos metric has one of these prefixes).
   */
  private static final Pattern METRIC =
      Pattern.compile("\\b((?:thanos|http|grpc|jvm|process)_[a-z0-9_]+)");

  private static final List<String> PORTS =
      List.of(
          "QUERY_HTTP",
          "QUERY_GRPC",
          "STORE_HTTP",
          "STORE_GRPC",
          "COMPACT_HTTP",
          "PROMETHEUS_A",
          "SIDECAR_A_GRPC",
          "SIDECAR_A_HTTP",
          "PROMETHEUS_B",
          "SIDECAR_B_GRPC",
          "SIDECAR_B_HTTP");

  @TempDir static Path tmp;
  static Path clone;
  static final Map<String, Integer> ports = new LinkedHashMap<>();

  @BeforeAll
  static void freshClone() throws IOException {
    clone = tmp.resolve("jthanos");
    FreshClone.create(
        FreshClone.repoRoot(), clone, List.of("sidecar", "query", "store", "compact", "tools"));
    Set<Integer> taken = new HashSet<>();
    for (String name : PORTS) {
      int p;
      do {
        p = Ports.freePort();
      } while (!taken.add(p));
      ports.put(name, p);
    }
  }

  @AfterEach
  void cleanUp() {
    QuickstartRun.killAll(clone);
  }

  private static Map<String, String> env(String path) {
    return env(path, 100);
  }

  private static Map<String, String> env(String path, int historySeries) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", path);
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("QUICKSTART_HISTORY_DAYS", Integer.toString(HISTORY_DAYS));
    env.put("QUICKSTART_HISTORY_SERIES", Integer.toString(historySeries));
    env.put("QUICKSTART_BLOCK_DURATION", BLOCK_DURATION);
    env.put("QUICKSTART_JAVA_OPTS", "-Xmx384m -XX:+UseSerialGC");
    ports.forEach((name, port) -> env.put("QUICKSTART_PORT_" + name, Integer.toString(port)));
    return env;
  }

  private static String query() {
    return "http://127.0.0.1:" + ports.get("QUERY_HTTP");
  }

  @Test
  @Order(1)
  void withPrometheusCtrlCStopsEverything() throws Exception {
    Peers.prometheus();
    try (QuickstartRun qs =
        QuickstartRun.start(clone, env(System.getenv("PATH")), tmp.resolve("quickstart-1.log"))) {
      qs.awaitOutput("^jthanos quickstart is ready\\.$", READY);
      String out = qs.output();
      assertThat(out)
          .as("reuses the built jars")
          .doesNotContain("building")
          .contains("Query UI          " + query() + "/")
          .contains("seeding data/bucket with " + HISTORY_DAYS + " days of generated history")
          .doesNotContain("prometheus is not on PATH");
      assertThat(qs.pidFiles().keySet())
          .containsExactlyInAnyOrder(
              "quickstart",
              "prometheus-A",
              "prometheus-B",
              "sidecar-A",
              "sidecar-B",
              "store",
              "compact",
              "query");
      Set<String> started = QuickstartRun.processesOf(clone);
      assertThat(started).hasSizeGreaterThanOrEqualTo(8);

      assertStores(Set.of("sidecar", "store"));
      assertHistoryRawAndDownsampled();

      // Live data from both replicas through their sidecars: every target of the scrape config,
      // once per replica without deduplication, once with it.
      Set<String> jobs =
          Set.of("prometheus", "thanos-sidecar", "thanos-query", "thanos-store", "thanos-compact");
      JsonNode raw =
          await(
              "up from both replicas, every target up",
              () -> vector("up", "dedup=false"),
              r -> r.size() == 14 && allOne(r) && jobsOf(r).equals(jobs));
      assertThat(labelValues(raw, "replica")).containsExactlyInAnyOrder("A", "B");
      assertThat(labelValues(raw, "cluster")).containsExactly("quickstart");
      JsonNode dedup = vector("up", "dedup=true");
      assertThat(dedup).hasSize(7);
      assertThat(labelValues(dedup, "replica")).isEmpty();
      assertThat(jobsOf(dedup)).isEqualTo(jobs);

      // Each replica's sidecar ships the blocks its Prometheus cuts to the bucket.
      awaitShippedBlocks(Set.of("A", "B"));
      for (String r : List.of("A", "B")) {
        String metrics =
            text("http://127.0.0.1:" + ports.get("SIDECAR_" + r + "_HTTP") + "/metrics");
        Matcher m =
            Pattern.compile("(?m)^thanos_shipper_uploads_total(?:\\{[^}]*})? (\\S+)$")
                .matcher(metrics);
        assertThat(m.find()).as("thanos_shipper_uploads_total of sidecar " + r).isTrue();
        assertThat(Double.parseDouble(m.group(1))).as("uploads of sidecar " + r).isPositive();
      }

      // Every metric the Grafana dashboard of docker/ uses is exposed by the processes (the
      // replicas scrape them under the compose file's job names), and each panel evaluates.
      Set<String> wanted = new TreeSet<>();
      for (String expr : DockerFilesTest.dashboardExpressions()) {
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
          wanted.add(m.group(1));
        }
      }
      await(
          "every metric of the dashboard",
          () -> get(query() + "/api/v1/label/__name__/values").path("data"),
          names -> {
            Set<String> have = new HashSet<>();
            names.forEach(n -> have.add(n.asText()));
            return have.containsAll(wanted);
          });
      for (String expr : DockerFilesTest.dashboardExpressions()) {
        JsonNode r =
            get(query() + "/api/v1/query?query=" + enc(expr.replace("$__rate_interval", "1m")));
        assertThat(r.path("status").asText()).as(expr + " -> " + r).isEqualTo("success");
      }

      // Ctrl-C: the script stops everything it started and exits.
      qs.signal("INT");
      int code = qs.awaitExit(Duration.ofSeconds(90));
      assertThat(code).as(qs.dump()).isEqualTo(130);
      assertThat(qs.output()).contains("quickstart: stopped");
      assertThat(QuickstartRun.processesOf(clone)).as("processes left after Ctrl-C").isEmpty();
      for (String p : started) {
        long pid = Long.parseLong(p.substring(0, p.indexOf(' ')));
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
            .as("still alive: " + p)
            .isFalse();
      }
      assertThat(qs.pidFiles()).isEmpty();
    }
  }

  @Test
  @Order(2)
  void withoutPrometheusAndDownAfterTheScriptDied() throws Exception {
    String path = pathWithout("prometheus", tmp.resolve("path-without-prometheus"));
    // Another history size: the bucket is re-seeded with blocks under the ids the first run's
    // store gateway cached (the generator names blocks by seed and time range).
    try (QuickstartRun qs =
        QuickstartRun.start(clone, env(path, 120), tmp.resolve("quickstart-2.log"))) {
      qs.awaitOutput("^jthanos quickstart is ready\\.$", READY);
      assertThat(qs.output())
          .contains("prometheus is not on PATH")
          .contains("sudo apt-get install prometheus")
          .contains("seeding data/bucket with " + HISTORY_DAYS + " days of generated history")
          .doesNotContain("building");
      assertThat(qs.pidFiles().keySet())
          .containsExactlyInAnyOrder("quickstart", "store", "compact", "query");
      assertStores(Set.of("store"));
      assertHistoryRawAndDownsampled();

      // The script dies without cleaning up (kill -9): the stack keeps running ...
      Map<String, Long> pids = qs.pidFiles();
      qs.signal("KILL");
      qs.awaitExit(WAIT);
      for (String name : List.of("store", "compact", "query")) {
        assertThat(ProcessHandle.of(pids.get(name)).map(ProcessHandle::isAlive).orElse(false))
            .as(name + " outlives the killed script")
            .isTrue();
      }
      // ... and a second start says so, in one message.
      QuickstartRun.Result again = QuickstartRun.run(clone, env(path), tmp.resolve("again.log"));
      assertThat(again.code()).isEqualTo(1);
      assertThat(again.output())
          .contains("a quickstart stack is already running")
          .contains("./quickstart.sh down");
      // ./quickstart.sh down stops it.
      QuickstartRun.Result down =
          QuickstartRun.run(clone, env(path), tmp.resolve("down.log"), "down");
      assertThat(down.code()).as(down.output()).isZero();
      assertThat(down.output()).contains("quickstart: stopped");
      assertThat(QuickstartRun.processesOf(clone)).as("processes left after down").isEmpty();
      assertThat(QuickstartRun.pidFiles(clone)).isEmpty();
      QuickstartRun.Result nothing =
          QuickstartRun.run(clone, env(path), tmp.resolve("down-2.log"), "down");
      assertThat(nothing.code()).isZero();
      assertThat(nothing.output()).contains("nothing is running");
    }
  }

  @Test
  @Order(3)
  void portInUseIsOneClearMessage() throws Exception {
    int port = ports.get("STORE_GRPC");
    try (ServerSocket busy = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      QuickstartRun.Result r =
          QuickstartRun.run(clone, env(System.getenv("PATH")), tmp.resolve("busy.log"));
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.output().strip().lines())
          .as(r.output())
          .containsExactly(
              "quickstart: error: port "
                  + port
                  + " on 127.0.0.1 (store gateway gRPC) is already in use; free it, or pick"
                  + " another port with QUICKSTART_PORT_STORE_GRPC=<port>");
      assertThat(QuickstartRun.processesOf(clone)).isEmpty();
      assertThat(QuickstartRun.pidFiles(clone)).isEmpty();
    }
  }

  // --- checks ------------------------------------------------------------------------------------

  /**
   * The querier's endpoints are up and of the expected types as soon as the script says ready (it
   * waits for them: the querier's own readiness does not).
   */
  private static void assertStores(Set<String> types) throws Exception {
    JsonNode stores = get(query() + "/api/v1/stores").path("data");
    Set<String> seen = new TreeSet<>();
    stores.fieldNames().forEachRemaining(seen::add);
    assertThat(seen).as(stores.toString()).isEqualTo(types);
    for (JsonNode list : stores) {
      for (JsonNode s : list) {
        assertThat(s.path("lastError").isNull()).as(stores.toString()).isTrue();
      }
    }
    if (types.contains("sidecar")) {
      assertThat(stores.path("sidecar")).hasSize(2);
    }
  }

  /** Waits until the bucket holds a block shipped by the sidecar of each replica. */
  private static void awaitShippedBlocks(Set<String> replicas) throws Exception {
    Path bucket = clone.resolve("data/bucket");
    long deadline = System.nanoTime() + SHIPPED.toNanos();
    Set<String> shipped = new TreeSet<>();
    while (true) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(bucket)) {
        for (Path dir : ds) {
          Path meta = dir.resolve("meta.json");
          if (!Files.isRegularFile(meta)) {
            continue; // an upload in progress: meta.json comes last
          }
          JsonNode t = JSON.readTree(meta.toFile()).path("thanos");
          if ("quickstart".equals(t.path("labels").path("cluster").asText())
              && "sidecar".equals(t.path("source").asText())) {
            shipped.add(t.path("labels").path("replica").asText());
          }
        }
      }
      if (shipped.containsAll(replicas)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "after " + SHIPPED + " the bucket holds sidecar blocks of replicas " + shipped);
      }
      Thread.sleep(1000); // polling interval
    }
  }

  /**
   * The generated history answers from raw data (samples every 15s) and, asking for at most 5m
   * resolution, from the 5m downsampled copy (one sample per 5 minutes).
   */
  private static void assertHistoryRawAndDownsampled() throws Exception {
    long[] range = downsampledBlockRange(300_000);
    double at = (range[0] + (range[1] - range[0]) / 2) / 1000.0;
    String selector = "container_memory_working_set_bytes[1h]";

    JsonNode raw = matrix(selector, at, "max_source_resolution=0s");
    assertThat(raw).isNotEmpty();
    int rawSamples = 0;
    for (JsonNode s : raw) {
      assertThat(s.path("metric").path("cluster").asText()).isEqualTo("fleet-1");
      rawSamples = Math.max(rawSamples, s.path("values").size());
      assertThat(maxGapSeconds(s)).isLessThan(20);
    }
    assertThat(rawSamples).as("raw samples in an hour at 15s").isGreaterThanOrEqualTo(200);

    JsonNode down = matrix(selector, at, "max_source_resolution=5m");
    assertThat(down).isNotEmpty();
    for (JsonNode s : down) {
      assertThat(s.path("values").size()).isBetween(1, 13);
      JsonNode v = s.path("values");
      for (int i = 1; i < v.size(); i++) {
        double gap = v.get(i).get(0).asDouble() - v.get(i - 1).get(0).asDouble();
        assertThat(gap).as("5m downsampled spacing").isBetween(299.0, 301.0);
      }
    }
  }

  /** minTime/maxTime (ms) of a block of the given resolution not marked for deletion. */
  private static long[] downsampledBlockRange(long resolution) throws IOException {
    Path bucket = clone.resolve("data/bucket");
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(bucket)) {
      for (Path dir : ds) {
        Path meta = dir.resolve("meta.json");
        if (!Files.isRegularFile(meta) || Files.exists(dir.resolve("deletion-mark.json"))) {
          continue;
        }
        JsonNode m = JSON.readTree(meta.toFile());
        if (m.path("thanos").path("downsample").path("resolution").asLong() == resolution) {
          return new long[] {m.path("minTime").asLong(), m.path("maxTime").asLong()};
        }
      }
    }
    throw new AssertionError("no block of resolution " + resolution + " in " + bucket);
  }

  private static double maxGapSeconds(JsonNode series) {
    JsonNode v = series.path("values");
    double max = 0;
    for (int i = 1; i < v.size(); i++) {
      max = Math.max(max, v.get(i).get(0).asDouble() - v.get(i - 1).get(0).asDouble());
    }
    return max;
  }

  private static boolean allOne(JsonNode vector) {
    for (JsonNode s : vector) {
      if (!"1".equals(s.path("value").get(1).asText())) {
        return false;
      }
    }
    return true;
  }

  private static Set<String> jobsOf(JsonNode vector) {
    return labelValues(vector, "job");
  }

  private static Set<String> labelValues(JsonNode vector, String label) {
    Set<String> out = new TreeSet<>();
    for (JsonNode s : vector) {
      JsonNode v = s.path("metric").path(label);
      if (!v.isMissingNode()) {
        out.add(v.asText());
      }
    }
    return out;
  }

  // --- HTTP --------------------------------------------------------------------------------------

  private static JsonNode vector(String expr, String params) throws Exception {
    JsonNode r = get(query() + "/api/v1/query?query=" + enc(expr) + "&" + params);
    assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("success");
    return r.path("data").path("result");
  }

  private static JsonNode matrix(String expr, double time, String params) throws Exception {
    JsonNode r = get(query() + "/api/v1/query?query=" + enc(expr) + "&time=" + time + "&" + params);
    assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("success");
    assertThat(r.path("warnings")).as("every block answers: " + r.path("warnings")).isEmpty();
    assertThat(r.path("data").path("resultType").asText()).isEqualTo("matrix");
    return r.path("data").path("result");
  }

  private static String text(String url) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static JsonNode get(String url) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  interface Probe {
    JsonNode get() throws Exception;
  }

  /** Polls until {@code ok} holds; fails with the last answer after {@link #WAIT}. */
  private static JsonNode await(String what, Probe probe, Predicate<JsonNode> ok) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String last = "nothing";
    while (true) {
      try {
        JsonNode n = probe.get();
        if (ok.test(n)) {
          return n;
        }
        last = n.toString();
      } catch (IOException e) {
        last = e.toString();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; last: " + last);
      }
      Thread.sleep(500); // polling interval
    }
  }

  /** A PATH where {@code program} is not found: its directories are replaced by link farms. */
  private static String pathWithout(String program, Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    int i = 0;
    for (String d : System.getenv("PATH").split(":")) {
      Path p = Path.of(d.isEmpty() ? "." : d);
      if (!Files.isExecutable(p.resolve(program))) {
        out.add(d);
        continue;
      }
      Path farm = Files.createDirectories(dir.resolve("d" + i++));
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
        for (Path f : ds) {
          if (!f.getFileName().toString().equals(program)) {
            Files.createSymbolicLink(farm.resolve(f.getFileName()), f);
          }
        }
      }
      out.add(farm.toString());
    }
    return String.join(":", out);
  }
}
