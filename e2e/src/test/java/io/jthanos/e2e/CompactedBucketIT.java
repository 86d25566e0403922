package io.jthanos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jthanos.block.Blocks;
import io.jthanos.block.compact.testing.BucketBlocks;
import io.jthanos.block.generator.FleetGenerator;
import io.jthanos.block.generator.GeneratorConfig;
import io.jthanos.block.generator.Layout;
import io.jthanos.block.metadata.HashFunc;
import io.jthanos.block.metadata.Meta;
import io.jthanos.objstore.filesystem.FilesystemBucket;
import io.jthanos.testing.Peers;
import io.jthanos.testing.Ports;
import io.jthanos.testing.process.JavaProcess;
import io.jthanos.testing.prometheus.PrometheusServer;
import io.jthanos.testing.prometheus.Promtool;
import io.jthanos.testing.prometheus.ToolResult;
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
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compactor against the real things. A raw bucket of 2h blocks (fleet generator) is copied and
 * compacted by the compactor process (8h and 2d blocks, a 5m copy of the 2d block); then:
 *
 * <ul>
 *   <li>{@code promtool tsdb analyze} accepts every compacted block;
 *   <li>Debian's Prometheus 2.42 over the compacted blocks answers exactly as over the raw blocks;
 *   <li>the querier over a store gateway on the compacted bucket answers exactly as over one on the
 *       raw bucket, and with {@code max_source_resolution=5m} (the 5m block) keeps the block
 *       layer's accuracy rules: aligned max/min/count/sum over time exact, rate within 5%;
 *   <li>a second bucket with a 14d raw block, downsampled by the compactor to 5m and then 1h, keeps
 *       the same rules through the querier with {@code max_source_resolution=1h}.
 * </ul>
 */
class CompactedBucketIT {
  static final long H = 3_600_000L;

  /** 2024-03-10T00:00:00Z, a 2d boundary. */
  static final long END = 1_710_028_800_000L;

  /** A 14d boundary (2024-02-29) and 2 days after it. */
  static final long A14 = 1_709_164_800_000L;

  static final long END_B = A14 + 48 * H;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static final List<AutoCloseable> CLOSE = new ArrayList<>();
  static Path rawDir;
  static Path compactedDir;
  static Path bDir;
  static String rawQuery;
  static String compactedQuery;
  static String bQuery;
  static List<Meta> compactedBlocks;

  static String fs(Path dir) {
    return "type: FILESYSTEM\nconfig:\n  directory: " + dir + "\n";
  }

  static JavaProcess start(String main, String name, String... args) {
    JavaProcess p =
        JavaProcess.main(main)
            .jvmArgs("-XX:TieredStopAtLevel=1")
            .args(args)
            .logTo(tmp.resolve(name + ".log"))
            .start();
    CLOSE.add(p);
    return p;
  }

  static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  static void compact(Path bucket, String name) {
    JavaProcess c =
        start(
            "io.jthanos.compact.CompactMain",
            name,
            "--objstore.config=" + fs(bucket),
            "--data-dir=" + tmp.resolve(name + "-data"),
            "--http-address=127.0.0.1:" + Ports.freePort(),
            "--http-grace-period=0s",
            "--delete-delay=0s");
    assertThat(c.awaitExit(Duration.ofMinutes(3))).as(c.output()).isZero();
  }

  /** A store gateway over {@code bucket} and a querier over it; returns the querier's base URL. */
  static String serve(Path bucket, String name, int blocks) {
    int storeHttp = Ports.freePort();
    int grpc = Ports.freePort();
    JavaProcess store =
        start(
            "io.jthanos.store.StoreMain",
            name + "-store",
            "--http-address=127.0.0.1:" + storeHttp,
            "--grpc-address=127.0.0.1:" + grpc,
            "--objstore.config=" + fs(bucket),
            "--data-dir=" + tmp.resolve(name + "-store-data"),
            "--sync-block-duration=1s");
    store.awaitHttp("http://127.0.0.1:" + storeHttp + "/-/ready", 200, Duration.ofSeconds(90));
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () ->
                get("http://127.0.0.1:" + storeHttp, "/api/v1/blocks?view=loaded")
                        .path("data")
                        .path("blocks")
                        .size()
                    == blocks);
    int http = Ports.freePort();
    String base = "http://127.0.0.1:" + http;
    JavaProcess q =
        start(
            "io.jthanos.query.QueryMain",
            name + "-query",
            "--http-address=127.0.0.1:" + http,
            "--grpc-address=127.0.0.1:" + Ports.freePort(),
            "--endpoint-strict=127.0.0.1:" + grpc,
            "--endpoint.info-timeout=2s");
    q.awaitHttp(base + "/-/ready", 200, Duration.ofSeconds(90));
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(() -> get(base, "/api/v1/stores").toString().contains("127.0.0.1:" + grpc));
    return base;
  }

  static JsonNode get(String base, String pathAndQuery) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + pathAndQuery)).build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String sec(long ms) {
    return ms / 1000 + "." + String.format("%03d", ms % 1000);
  }

  static JsonNode range(String base, String q, long start, long end, long step, String res)
      throws Exception {
    JsonNode n =
        get(
            base,
            "/api/v1/query_range?query="
                + enc(q)
                + "&start="
                + sec(start)
                + "&end="
                + sec(end)
                + "&step="
                + sec(step)
                + (res == null ? "" : "&max_source_resolution=" + res));
    assertThat(n.path("status").asText()).as(q + ": " + n).isEqualTo("success");
    return n.path("data");
  }

  @BeforeAll
  static void setUp() throws Exception {
    Peers.prometheus();
    // Bucket A: 5 days of raw 2h blocks, compacted by the compactor.
    rawDir = tmp.resolve("raw");
    GeneratorConfig a =
        GeneratorConfig.defaults(END).withSeries(120).withDays(5).withInterval(30_000).withSeed(3);
    try (FilesystemBucket bkt = new FilesystemBucket(rawDir)) {
      new FleetGenerator(a).generateTo(bkt, tmp.resolve("gen-a"), HashFunc.NONE);
    }
    compactedDir = tmp.resolve("compacted");
    copyTree(rawDir, compactedDir);
    compact(compactedDir, "compact-a");
    try (FilesystemBucket bkt = new FilesystemBucket(compactedDir)) {
      compactedBlocks = new ArrayList<>(BucketBlocks.live(bkt).values());
    }

    // Bucket B: a 14d and a 2d raw block (the generator's compacted layout without its
    // downsampled copies); the compactor downsamples them.
    bDir = tmp.resolve("b");
    GeneratorConfig b =
        GeneratorConfig.defaults(END_B)
            .withSeries(60)
            .withDays(16)
            .withInterval(60_000)
            .withSeed(4)
            .withLayout(Layout.COMPACTED);
    try (FilesystemBucket bkt = new FilesystemBucket(bDir)) {
      new FleetGenerator(b).generateTo(bkt, tmp.resolve("gen-b"), HashFunc.NONE);
      for (Meta m : BucketBlocks.live(bkt).values()) {
        if (m.resolution() > 0) {
          Blocks.delete(bkt, m.ulid());
        }
      }
      assertThat(BucketBlocks.live(bkt)).hasSize(2);
    }
    compact(bDir, "compact-b");

    int rawBlocks;
    try (FilesystemBucket bkt = new FilesystemBucket(rawDir)) {
      rawBlocks = BucketBlocks.live(bkt).size();
    }
    rawQuery = serve(rawDir, "a-raw", rawBlocks);
    compactedQuery = serve(compactedDir, "a-compacted", compactedBlocks.size());
    try (FilesystemBucket bkt = new FilesystemBucket(bDir)) {
      bQuery = serve(bDir, "b", BucketBlocks.live(bkt).size());
    }
  }

  @AfterAll
  static void tearDown() throws Exception {
    for (int i = CLOSE.size() - 1; i >= 0; i--) {
      CLOSE.get(i).close();
    }
  }

  @Test
  void compactorMadeTheExpectedLayout() throws Exception {
    Map<String, Integer> shape = new HashMap<>();
    for (Meta m : compactedBlocks) {
      shape.merge((m.maxTime() - m.minTime()) / H + "h@" + m.resolution(), 1, Integer::sum);
    }
    // [END-5d, END-4d) and [END-4d, END-2d) are compacted (8h, then 1d and 2d); the last 2d window
    // waits for a newer block; the 2d block got its 5m copy.
    assertThat(shape)
        .containsEntry("48h@300000", 1)
        .containsEntry("48h@0", 1)
        .containsEntry("24h@0", 1);
    try (FilesystemBucket bkt = new FilesystemBucket(bDir)) {
      List<Long> res =
          BucketBlocks.live(bkt).values().stream().map(Meta::resolution).sorted().toList();
      assertThat(res).containsExactly(0L, 0L, 300_000L, 300_000L, 3_600_000L);
    }
  }

  @Test
  void promtoolAnalyzesEveryCompactedBlockAndPrometheusAnswersAsOnTheSources() throws Exception {
    Path rawProm = tmp.resolve("prom-raw");
    Path compProm = tmp.resolve("prom-compacted");
    Promtool promtool = Promtool.locate();
    try (FilesystemBucket raw = new FilesystemBucket(rawDir);
        FilesystemBucket comp = new FilesystemBucket(compactedDir)) {
      for (Meta m : BucketBlocks.live(raw).values()) {
        Blocks.download(raw, m.ulid(), rawProm.resolve(m.ulid().toString()));
      }
      int analyzed = 0;
      for (Meta m : compactedBlocks) {
        if (m.resolution() != 0) {
          continue;
        }
        Blocks.download(comp, m.ulid(), compProm.resolve(m.ulid().toString()));
        if (m.block().compaction().level() > 1) {
          ToolResult r = promtool.analyze(compProm, m.ulid().toString());
          assertThat(r.ok()).as(r.stderr()).isTrue();
          assertThat(r.stdout()).contains("Block ID: " + m.ulid()).contains("Series:");
          analyzed++;
        }
      }
      assertThat(analyzed).isGreaterThanOrEqualTo(3);
    }
    List<String> queries =
        List.of(
            "sum by (namespace) (rate(http_requests_total[5m]))",
            "max by (app) (process_resident_memory_bytes)",
            "count(go_goroutines)",
            "histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[10m])))",
            "increase(container_cpu_usage_seconds_total{namespace=\"payments\"}[1h])");
    long start = END - 5 * 24 * H + H;
    try (PrometheusServer pr = prometheus(rawProm);
        PrometheusServer pc = prometheus(compProm)) {
      for (String q : queries) {
        JsonNode a = JSON.readTree(pr.queryRange(q, start, END - 1, 300_000)).path("data");
        JsonNode b = JSON.readTree(pc.queryRange(q, start, END - 1, 300_000)).path("data");
        assertThat(a.path("result").size()).as(q).isPositive();
        assertThat(b).as(q).isEqualTo(a);
      }
      JsonNode sa = JSON.readTree(pr.series("{__name__=\"go_goroutines\"}", start, END - 1));
      JsonNode sb = JSON.readTree(pc.series("{__name__=\"go_goroutines\"}", start, END - 1));
      assertThat(sb).isEqualTo(sa);
    }
  }

  static PrometheusServer prometheus(Path data) {
    PrometheusServer p =
        PrometheusServer.builder(data)
            .flag("--storage.tsdb.min-block-duration=2h")
            .flag("--storage.tsdb.max-block-duration=2h")
            .start();
    return p;
  }

  @Test
  void querierOverTheCompactedBucketAnswersAsOverTheRawBucket() throws Exception {
    List<String> queries =
        List.of(
            "sum by (namespace) (rate(http_requests_total[5m]))",
            "max by (app) (process_resident_memory_bytes)",
            "count(go_goroutines)",
            "topk(3, go_memstats_heap_alloc_bytes)",
            "histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[10m])))",
            "increase(container_cpu_usage_seconds_total{namespace=\"payments\"}[1h])",
            "count_over_time(http_requests_total[2h])");
    long start = END - 5 * 24 * H;
    for (String q : queries) {
      JsonNode a = range(rawQuery, q, start, END - 1, 600_000, null);
      JsonNode b = range(compactedQuery, q, start, END - 1, 600_000, null);
      assertThat(a.path("result").size()).as(q).isPositive();
      assertThat(b).as(q).isEqualTo(a);
    }
    String series = "/api/v1/series?match[]=" + enc("{__name__=\"process_open_fds\"}");
    assertThat(get(compactedQuery, series).path("data"))
        .isEqualTo(get(rawQuery, series).path("data"));
    assertThat(get(compactedQuery, "/api/v1/label/pod/values").path("data"))
        .isEqualTo(get(rawQuery, "/api/v1/label/pod/values").path("data"));
  }

  @Test
  void fiveMinuteBlocksKeepAccuracyThroughTheQuerier() throws Exception {
    // The 2d block [END-4d, END-2d) has a 5m copy.
    long w0 = END - 4 * 24 * H;
    Accuracy acc =
        accuracy(
            rawQuery, null, compactedQuery, "5m", w0 + H - 1, w0 + 47 * H - 1, H, "1h", H, 30_000);
    assertThat(acc.compared()).isPositive();
    assertThat(acc.maxRateRelErr()).isLessThan(0.05);
  }

  @Test
  void oneHourBlocksKeepAccuracyThroughTheQuerier() throws Exception {
    // The 14d block [A14-14d, A14) has a 1h copy made from its 5m copy.
    long w0 = A14 - 14 * 24 * H;
    Accuracy acc =
        accuracy(bQuery, "0s", bQuery, "1h", w0 + 24 * H - 1, A14 - 1, 6 * H, "6h", 24 * H, 60_000);
    assertThat(acc.compared()).isPositive();
    assertThat(acc.maxRateRelErr()).isLessThan(0.05);
  }

  record Accuracy(int compared, double maxRateRelErr) {}

  /**
   * Compares raw answers with downsampled ones at window ends aligned to the resolution: max and
   * min over time exact, sum over time exact for integer gauges, rate within 5% (and never
   * negative). {@code count_over_time} is left out: over downsampled data it counts aggregated
   * points, as in Thanos.
   */
  static Accuracy accuracy(
      String rawBase,
      String rawRes,
      String dsBase,
      String dsRes,
      long start,
      long end,
      long step,
      String window,
      long rateWindowMs,
      long intervalMs)
      throws Exception {
    String rateWindow = rateWindowMs / H + "h";
    int compared = 0;
    for (String q :
        List.of(
            "max_over_time(go_goroutines[" + window + "])",
            "min_over_time(process_open_fds[" + window + "])",
            "sum_over_time(process_resident_memory_bytes[" + window + "])")) {
      JsonNode a = range(rawBase, q, start, end, step, rawRes);
      JsonNode b = range(dsBase, q, start, end, step, dsRes);
      assertThat(a.path("result").size()).as(q).isPositive();
      assertThat(b).as(q).isEqualTo(a);
      compared += a.path("result").size();
    }
    String sel = "(http_requests_total[" + rateWindow + "])";
    Map<String, JsonNode> rawRate =
        bySeries(range(rawBase, "rate" + sel, start, end, step, rawRes));
    Map<String, JsonNode> dsRate = bySeries(range(dsBase, "rate" + sel, start, end, step, dsRes));
    // The 5% bound holds for steadily moving counters present over the whole window (no pod
    // churn inside it), as the block layer states it; every rate must be non-negative.
    Map<String, JsonNode> counts =
        bySeries(range(rawBase, "count_over_time" + sel, start, end, step, rawRes));
    Map<String, JsonNode> changes =
        bySeries(range(rawBase, "changes" + sel, start, end, step, rawRes));
    double expected = (double) rateWindowMs / intervalMs;
    assertThat(rawRate.keySet()).containsAll(dsRate.keySet());
    assertThat(dsRate.size()).isGreaterThanOrEqualTo((int) (0.9 * rawRate.size()));
    double worst = 0;
    for (Map.Entry<String, JsonNode> e : rawRate.entrySet()) {
      if (!dsRate.containsKey(e.getKey())) {
        continue;
      }
      Map<String, Double> x = values(e.getValue());
      Map<String, Double> y = values(dsRate.get(e.getKey()));
      Map<String, Double> n = values(counts.get(e.getKey()));
      Map<String, Double> c = values(changes.get(e.getKey()));
      for (Double d : y.values()) {
        assertThat(d).isGreaterThanOrEqualTo(0);
      }
      for (Map.Entry<String, Double> v : x.entrySet()) {
        Double d = y.get(v.getKey());
        double cnt = n.getOrDefault(v.getKey(), 0.0);
        if (d == null
            || v.getValue() == 0
            || cnt < expected - 1
            || c.getOrDefault(v.getKey(), 0.0) < 0.8 * cnt) {
          continue;
        }
        double rel = Math.abs(d - v.getValue()) / v.getValue();
        worst = Math.max(worst, rel);
        compared++;
      }
    }
    System.out.printf(
        "accuracy %s vs raw: %d points compared, steady-counter rate max relative error %.3f%%%n",
        dsRes, compared, worst * 100);
    return new Accuracy(compared, worst);
  }

  static Map<String, JsonNode> bySeries(JsonNode data) {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode s : data.path("result")) {
      out.put(s.path("metric").toString(), s.path("values"));
    }
    return out;
  }

  static Map<String, Double> values(JsonNode values) {
    Map<String, Double> out = new HashMap<>();
    Iterator<JsonNode> it = values.elements();
    while (it.hasNext()) {
      JsonNode p = it.next();
      out.put(p.get(0).asText(), Double.parseDouble(p.get(1).asText()));
    }
    return out;
  }
}
