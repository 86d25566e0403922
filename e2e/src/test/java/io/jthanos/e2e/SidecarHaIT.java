package io.jthanos.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jthanos.testing.Ports;
import io.jthanos.testing.process.JavaProcess;
import io.jthanos.testing.prometheus.PrometheusServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * High availability end to end: two Debian Prometheus 2.42 replicas ({@code replica="A"|"B"}, both
 * scraping both), a real {@code thanos sidecar} process next to each, and one real {@code thanos
 * query} process with {@code --query.replica-label=replica} over the two sidecars. With
 * deduplication there is one series per target and answers equal a single Prometheus'; without it
 * both replicas come back; with one replica stopped the querier still answers, with a warning.
 */
class SidecarHaIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path tmp;

  private static String config(String replica, int portA, int portB, Path rules) {
    return "global:\n"
        + "  scrape_interval: 1s\n"
        + "  evaluation_interval: 1s\n"
        + "  external_labels:\n"
        + "    cluster: ha\n"
        + "    replica: "
        + replica
        + "\n"
        + "rule_files:\n"
        + "  - "
        + rules
        + "\n"
        + "scrape_configs:\n"
        + "  - job_name: prometheus\n"
        + "    static_configs:\n"
        + "      - targets: ['127.0.0.1:"
        + portA
        + "', '127.0.0.1:"
        + portB
        + "']\n";
  }

  private static JavaProcess sidecar(Path log, PrometheusServer prom, int http, int grpc) {
    return JavaProcess.main("io.jthanos.sidecar.SidecarCommand")
        .args(
            "--prometheus.url=" + prom.baseUri(),
            "--http-address=127.0.0.1:" + http,
            "--grpc-address=127.0.0.1:" + grpc,
            "--prometheus.get_config_interval=1s",
            "--http-grace-period=1s",
            "--grpc-grace-period=1s")
        .logTo(log)
        .start();
  }

  /**
   * The latest first-sample timestamp over every {@code up} series of both replicas: from then on
   * both hold every series.
   */
  private static long firstCommonSample(PrometheusServer... replicas) throws Exception {
    long latest = Long.MIN_VALUE;
    for (PrometheusServer p : replicas) {
      JsonNode result =
          get(p.baseUri() + "/api/v1/query?query=" + enc("up{job=\"prometheus\"}[1h]"))
              .path("data")
              .path("result");
      if (result.size() < 2) {
        return Long.MAX_VALUE;
      }
      for (JsonNode s : result) {
        long first = Math.round(s.path("values").path(0).path(0).asDouble() * 1000);
        latest = Math.max(latest, first);
      }
    }
    return latest;
  }

  private static JsonNode get(String url) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String seconds(long ms) {
    return PrometheusServer.seconds(ms);
  }

  /** Result series as labels (without {@code cluster}, which only the querier adds) to values. */
  private static Map<String, String> series(JsonNode data) {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode s : data.path("result")) {
      Map<String, String> labels = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = s.path("metric").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getKey().equals("cluster")) {
          labels.put(e.getKey(), e.getValue().asText());
        }
      }
      out.put(labels.toString(), (s.has("value") ? s.get("value") : s.get("values")).toString());
    }
    return out;
  }

  @Test
  void oneQuerierOverTwoSidecarsDeduplicatesReplicas() throws Exception {
    int portA = Ports.freePort();
    int portB = Ports.freePort();
    Path rules = tmp.resolve("rules.yml");
    java.nio.file.Files.writeString(
        rules,
        "groups:\n  - name: ha\n    rules:\n      - alert: HaAlwaysFiring\n        expr: vector(1)\n"
            + "        labels:\n          severity: none\n");
    PrometheusServer promB = null;
    List<AutoCloseable> open = new ArrayList<>();
    try {
      PrometheusServer promA =
          PrometheusServer.builder(tmp.resolve("a"))
              .port(portA)
              .config(config("A", portA, portB, rules))
              .start();
      open.add(promA);
      promB =
          PrometheusServer.builder(tmp.resolve("b"))
              .port(portB)
              .config(config("B", portA, portB, rules))
              .start();
      long started = System.currentTimeMillis();
      int grpcA = Ports.freePort();
      int grpcB = Ports.freePort();
      int httpA = Ports.freePort();
      int httpB = Ports.freePort();
      JavaProcess sidecarA = sidecar(tmp.resolve("sidecar-a.log"), promA, httpA, grpcA);
      open.add(sidecarA);
      JavaProcess sidecarB = sidecar(tmp.resolve("sidecar-b.log"), promB, httpB, grpcB);
      open.add(sidecarB);
      int qhttp = Ports.freePort();
      JavaProcess querier =
          JavaProcess.main("io.jthanos.query.QueryMain")
              .args(
                  "--http-address=127.0.0.1:" + qhttp,
                  "--grpc-address=127.0.0.1:" + Ports.freePort(),
                  "--endpoint-strict=127.0.0.1:" + grpcA,
                  "--endpoint-strict=127.0.0.1:" + grpcB,
                  "--query.replica-label=replica",
                  "--query.promql-semantics=2",
                  "--endpoint.info-timeout=1s",
                  "--http-grace-period=1s",
                  "--grpc-grace-period=1s")
              .logTo(tmp.resolve("querier.log"))
              .start();
      open.add(querier);
      String q = "http://127.0.0.1:" + qhttp;
      sidecarA.awaitHttp("http://127.0.0.1:" + httpA + "/-/ready", 200, WAIT);
      sidecarB.awaitHttp("http://127.0.0.1:" + httpB + "/-/ready", 200, WAIT);
      querier.awaitHttp(q + "/-/ready", 200, WAIT);

      // Both replicas have scraped both targets for a while.
      long window = 10_000;
      PrometheusServer replicaB = promB;
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  System.currentTimeMillis() - started > window + 5_000
                      && get(q
                              + "/api/v1/query?query="
                              + enc("count(up{job=\"prometheus\"} == 1)")
                              + "&dedup=false")
                          .path("data")
                          .path("result")
                          .path(0)
                          .path("value")
                          .path(1)
                          .asText()
                          .equals("4")
                      && System.currentTimeMillis() - firstCommonSample(promA, replicaB) > 8_000);
      long t = System.currentTimeMillis() - 2_000;
      // The replicas start scraping at different moments: compare only the part of the window
      // where both hold every series, or the deduplicated answer rightly starts earlier.
      long from = Math.max(t - window, firstCommonSample(promA, promB) + 1_000);

      // One series per target, labelled like a single Prometheus' (plus external labels).
      JsonNode dedup = get(q + "/api/v1/query?query=up&time=" + seconds(t)).path("data");
      JsonNode single =
          get(promA.baseUri() + "/api/v1/query?query=up&time=" + seconds(t)).path("data");
      assertThat(dedup.path("result")).hasSize(2);
      for (JsonNode s : dedup.path("result")) {
        assertThat(s.path("metric").has("replica")).isFalse();
        assertThat(s.path("metric").path("cluster").asText()).isEqualTo("ha");
      }
      assertThat(series(dedup)).isEqualTo(series(single));

      JsonNode both = get(q + "/api/v1/query?query=up&dedup=false&time=" + seconds(t)).path("data");
      assertThat(both.path("result")).hasSize(4);

      // Range answers equal the single Prometheus' too.
      String range = "&start=" + seconds(from) + "&end=" + seconds(t) + "&step=2";
      for (String expr : List.of("up", "sum by (instance) (up)", "count(prometheus_build_info)")) {
        JsonNode a = get(q + "/api/v1/query_range?query=" + enc(expr) + range);
        JsonNode b = get(promA.baseUri() + "/api/v1/query_range?query=" + enc(expr) + range);
        assertThat(a.path("status").asText()).isEqualTo("success");
        assertThat(a.has("warnings")).isFalse();
        assertThat(series(a.path("data"))).as(expr).isEqualTo(series(b.path("data")));
      }

      // Rules, alerts, targets, metadata and exemplars reach Prometheus through the sidecars.
      await()
          .atMost(WAIT)
          .until(() -> get(q + "/api/v1/alerts").path("data").path("alerts").size() > 0);
      JsonNode groups = get(q + "/api/v1/rules").path("data").path("groups");
      assertThat(groups).hasSize(1);
      assertThat(groups.get(0).path("name").asText()).isEqualTo("ha");
      JsonNode alert = groups.get(0).path("rules").get(0);
      assertThat(alert.path("name").asText()).isEqualTo("HaAlwaysFiring");
      assertThat(alert.path("labels").path("cluster").asText()).isEqualTo("ha");
      assertThat(alert.path("labels").has("replica")).isFalse();
      JsonNode alerts = get(q + "/api/v1/alerts").path("data").path("alerts");
      for (JsonNode a : alerts) {
        assertThat(a.path("labels").path("alertname").asText()).isEqualTo("HaAlwaysFiring");
        assertThat(a.path("labels").has("replica")).isFalse();
        assertThat(a.path("state").asText()).isEqualTo("firing");
      }
      JsonNode targets = get(q + "/api/v1/targets").path("data").path("activeTargets");
      // Both replicas scrape the same two targets: deduplicated, they are shown once each.
      assertThat(targets.size()).isEqualTo(2);
      for (JsonNode tg : targets) {
        assertThat(tg.path("labels").has("replica")).isFalse();
        assertThat(tg.path("labels").path("cluster").asText()).isEqualTo("ha");
        assertThat(tg.path("health").asText()).isEqualTo("up");
      }
      assertThat(
              get(q + "/api/v1/metadata?metric=prometheus_build_info")
                  .path("data")
                  .has("prometheus_build_info"))
          .isTrue();
      JsonNode ex =
          get(
              q
                  + "/api/v1/query_exemplars?query=up&start="
                  + seconds(t - window)
                  + "&end="
                  + seconds(t));
      assertThat(ex.path("status").asText()).isEqualTo("success");

      // Replica B goes away: still answering, with a warning about its sidecar.
      promB.close();
      promB = null;
      JsonNode partial = get(q + "/api/v1/query?query=" + enc("count(up)"));
      assertThat(partial.path("status").asText()).isEqualTo("success");
      assertThat(partial.path("data").path("result").path(0).path("value").path(1).asText())
          .isEqualTo("2");
      assertThat(partial.path("warnings").toString()).contains("127.0.0.1:" + grpcB);
    } finally {
      for (int i = open.size() - 1; i >= 0; i--) {
        try {
          open.get(i).close();
        } catch (Exception e) {
          // keep closing the rest
        }
      }
      if (promB != null) {
        promB.close();
      }
    }
  }
}
