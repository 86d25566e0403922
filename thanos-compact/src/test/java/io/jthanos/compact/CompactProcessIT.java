package io.jthanos.compact;

import static io.jthanos.block.compact.testing.BucketBlocks.H;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jthanos.block.Blocks;
import io.jthanos.block.compact.testing.BucketBlocks;
import io.jthanos.block.metadata.MarkerType;
import io.jthanos.block.metadata.Meta;
import io.jthanos.objstore.filesystem.FilesystemBucket;
import io.jthanos.testing.Ports;
import io.jthanos.testing.process.JavaProcess;
import io.jthanos.tsdb.testing.SyntheticData;
import io.jthanos.tsdb.testing.TestSeries;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compactor as a real process over a FILESYSTEM bucket. */
class CompactProcessIT {
  static final long T0 = 1_703_116_800_000L;
  static final Map<String, String> EXT = Map.of("cluster", "eu1");
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  Path bucketDir;
  FilesystemBucket bkt;

  @BeforeEach
  void setUp() throws Exception {
    bucketDir = tmp.resolve("bucket");
    bkt = new FilesystemBucket(bucketDir);
  }

  static List<TestSeries> data(long seed, int hours, long interval) {
    return new SyntheticData(seed)
        .start(T0)
        .interval(interval)
        .gaps(0)
        .mix(2, (int) (hours * H / interval));
  }

  void upload(Map<String, String> labels, List<TestSeries> series, int blocks) {
    for (int i = 0; i < blocks; i++) {
      BucketBlocks.upload(
          bkt, tmp.resolve("up"), labels, series, T0 + i * 2 * H, T0 + (i + 1) * 2 * H);
    }
  }

  String objstore() {
    return "--objstore.config=type: FILESYSTEM\nconfig:\n  directory: " + bucketDir;
  }

  JavaProcess start(int port, String... extra) {
    List<String> args = new ArrayList<>();
    args.add(objstore());
    args.add("--data-dir=" + tmp.resolve("data"));
    args.add("--http-address=127.0.0.1:" + port);
    args.add("--http-grace-period=0s");
    args.addAll(List.of(extra));
    return JavaProcess.main(CompactMain.class.getName())
        .jvmArgs(TestJvm.ARGS)
        .args(args)
        .logTo(tmp.resolve("compact-" + System.nanoTime() + ".log"))
        .start();
  }

  static String get(String url) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  static HttpResponse<String> post(String url, String form) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static double metric(String body, String name, String labelPart) {
    Pattern p =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.eE+-]+|NaN)$");
    Matcher m = p.matcher(body);
    double sum = Double.NaN;
    while (m.find()) {
      String labels = m.group(1) == null ? "" : m.group(1);
      if (labelPart == null || labels.contains(labelPart)) {
        double v = Double.parseDouble(m.group(2));
        sum = Double.isNaN(sum) ? v : sum + v;
      }
    }
    return sum;
  }

  @Test
  void oneShotRunCompactsTheBucketAndExits() throws Exception {
    List<TestSeries> series = data(1, 24, 60_000);
    upload(EXT, series, 12);
    try (JavaProcess p = start(Ports.freePort(), "--delete-delay=0s")) {
      assertThat(p.awaitExit(Duration.ofSeconds(120))).as(p.output()).isZero();
      assertThat(p.output()).contains("compaction iterations done");
    }
    assertThat(BucketBlocks.live(bkt)).hasSize(6);
    assertThat(BucketBlocks.blockIds(bkt)).hasSize(6);
    var content = BucketBlocks.read(bkt, tmp.resolve("read"), 0, EXT);
    assertThat(content.doubled()).isZero();
    assertThat(content.series()).isEqualTo(BucketBlocks.byLabels(series));
  }

  @Test
  void haReplicasDeduplicatedWithReplicaLabelHoldOneCopy() throws Exception {
    List<TestSeries> a = data(2, 12, 30_000);
    List<TestSeries> b = new ArrayList<>();
    for (TestSeries s : a) {
      long[] ts = s.ts().clone();
      double[] vs = new double[ts.length];
      for (int i = 0; i < ts.length; i++) {
        ts[i] += 2_000;
        vs[i] = s.value(i) + 1;
      }
      b.add(TestSeries.of(s.labels(), ts, vs));
    }
    upload(Map.of("cluster", "eu1", "replica", "0"), a, 6);
    upload(Map.of("cluster", "eu1", "replica", "1"), b, 6);
    try (JavaProcess p =
        start(
            Ports.freePort(),
            "--delete-delay=0s",
            "--deduplication.replica-label=replica",
            "--deduplication.func=penalty")) {
      assertThat(p.awaitExit(Duration.ofSeconds(120))).as(p.output()).isZero();
    }
    var live = BucketBlocks.live(bkt);
    assertThat(live.values()).allSatisfy(m -> assertThat(m.labels()).isEqualTo(EXT));
    var content = BucketBlocks.read(bkt, tmp.resolve("read"), 0, null);
    assertThat(content.doubled()).isZero();
    assertThat(content.samples())
        .isEqualTo(BucketBlocks.samples(BucketBlocks.slice(a, T0, T0 + 12 * H)));
    assertThat(content.series())
        .isEqualTo(BucketBlocks.byLabels(BucketBlocks.slice(a, T0, T0 + 12 * H)));
  }

  @Test
  void waitModeServesMetricsBlocksApiAndUi() throws Exception {
    List<TestSeries> series = data(3, 24, 60_000);
    upload(EXT, series, 12);
    int port = Ports.freePort();
    String base = "http://127.0.0.1:" + port;
    try (JavaProcess p =
        start(
            port,
            "--wait",
            "--wait-interval=1h",
            "--bucket-web-label=cluster",
            "--block-viewer.global.sync-block-interval=1s")) {
      p.awaitHttp(base + "/-/ready", 200, Duration.ofSeconds(60));
      Awaitility.await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> metric(get(base + "/metrics"), "thanos_compact_iterations_total", null) == 1);
      String metrics = get(base + "/metrics");
      for (String name :
          List.of(
              "thanos_compact_group_compactions_total",
              "thanos_compact_group_compaction_runs_started_total",
              "thanos_compact_group_compaction_runs_completed_total",
              "thanos_compact_group_vertical_compactions_total",
              "thanos_compact_todo_compactions",
              "thanos_compact_downsample_total",
              "thanos_compact_downsample_failures_total",
              "thanos_compact_garbage_collection_total",
              "thanos_compact_iterations_total",
              "thanos_compact_halted",
              "thanos_compact_blocks_marked_total",
              "thanos_blocks_meta_synced")) {
        assertThat(metrics).contains(name);
      }
      assertThat(metric(metrics, "thanos_compact_group_compactions_total", "resolution=\"0\""))
          .isEqualTo(2);
      assertThat(metric(metrics, "thanos_compact_halted", null)).isZero();

      // Loaded view: what the compactor synced last (the compactions' sources, marked but kept
      // for the 48h delete delay, are hidden as duplicates of the new blocks).
      JsonNode loaded = JSON.readTree(get(base + "/api/v1/blocks?view=loaded"));
      assertThat(loaded.path("status").asText()).isEqualTo("success");
      assertThat(loaded.path("data").path("label").asText()).isEqualTo("cluster");
      assertThat(loaded.path("data").path("blocks").size()).isEqualTo(6);
      // Global view: every block of the bucket, refreshed on its own loop.
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  JSON.readTree(get(base + "/api/v1/blocks")).path("data").path("blocks").size()
                      == 14);
      JsonNode first =
          JSON.readTree(get(base + "/api/v1/blocks")).path("data").path("blocks").get(0);
      assertThat(first.path("thanos").path("labels").path("cluster").asText()).isEqualTo("eu1");
      String id = first.path("ulid").asText();

      HttpResponse<String> marked =
          post(base + "/api/v1/blocks/mark", "id=" + id + "&action=NO_COMPACTION&detail=by+test");
      assertThat(marked.statusCode()).as(marked.body()).isEqualTo(200);
      var mark =
          Blocks.readMarker(bkt, io.jthanos.tsdb.block.Ulid.parse(id), MarkerType.NO_COMPACT);
      assertThat(mark).isPresent();
      assertThat(mark.get().toJson()).contains("by test").contains("manual");
      HttpResponse<String> bad = post(base + "/api/v1/blocks/mark", "id=nope&action=DELETION");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("bad_data").contains("is not valid");

      assertThat(get(base + "/blocks")).contains("blocks.js");
      assertThat(get(base + "/loaded")).contains("blocks.js");
      assertThat(get(base + "/static/blocks.js")).contains("timeline");
    }
  }

  @Test
  void criticalErrorHaltsCompactionButKeepsServing() throws Exception {
    List<TestSeries> series = data(4, 4, 60_000);
    BucketBlocks.upload(bkt, tmp.resolve("up"), EXT, series, T0, T0 + 2 * H);
    BucketBlocks.upload(bkt, tmp.resolve("up"), EXT, series, T0 + H, T0 + 3 * H);
    int port = Ports.freePort();
    String base = "http://127.0.0.1:" + port;
    try (JavaProcess p =
        start(port, "--wait", "--wait-interval=1s", "--disable-admin-operations")) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(() -> metric(get(base + "/metrics"), "thanos_compact_halted", null) == 1);
      assertThat(p.output()).contains("critical error detected; halting");
      assertThat(p.isAlive()).isTrue();
      String metrics = get(base + "/metrics");
      assertThat(metric(metrics, "thanos_compact_iterations_total", null)).isZero();
      assertThat(metric(metrics, "thanos_compact_group_compactions_failures_total", null))
          .isEqualTo(1);
      Meta any = BucketBlocks.live(bkt).firstEntry().getValue();
      HttpResponse<String> refused =
          post(base + "/api/v1/blocks/mark", "id=" + any.ulid() + "&action=DELETION");
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.body()).contains("Admin operations are disabled");
      assertThat(BucketBlocks.live(bkt)).hasSize(2);
    }
  }

  @Test
  void criticalErrorWithoutWaitFailsTheProcess() throws Exception {
    List<TestSeries> series = data(5, 4, 60_000);
    BucketBlocks.upload(bkt, tmp.resolve("up"), EXT, series, T0, T0 + 2 * H);
    BucketBlocks.upload(bkt, tmp.resolve("up"), EXT, series, T0 + H, T0 + 3 * H);
    try (JavaProcess p = start(Ports.freePort())) {
      assertThat(p.awaitExit(Duration.ofSeconds(120))).isEqualTo(1);
      assertThat(p.output()).contains("pre compaction overlap check");
    }
  }
}
