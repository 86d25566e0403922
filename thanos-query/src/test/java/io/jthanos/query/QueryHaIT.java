package io.jthanos.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jthanos.storeapi.ComponentType;
import io.jthanos.storeapi.InfoService;
import io.jthanos.storeapi.StoreServer;
import io.jthanos.storeapi.testing.ContractData;
import io.jthanos.storeapi.testing.InMemoryChunkQueryable;
import io.jthanos.storeapi.testing.LoopbackServer;
import io.jthanos.testing.Ports;
import io.jthanos.testing.process.JavaProcess;
import io.jthanos.tsdb.labels.Labels;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The querier as a real process over two StoreAPI endpoints holding identical data with external
 * labels {@code replica="A"}/{@code "B"}: deduplication, the API's envelope and errors, the stores
 * list, and partial response when one endpoint dies.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QueryHaIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static LoopbackServer a;
  static LoopbackServer b;
  static JavaProcess querier;
  static String base;

  @TempDir static Path tmp;

  static LoopbackServer endpoint(String replica) {
    InMemoryChunkQueryable source = new InMemoryChunkQueryable(ContractData.inMemory(120));
    StoreServer store =
        StoreServer.builder(source)
            .externalLabels(Labels.of("cluster", "eu1", "replica", replica))
            .timeRange(() -> ContractData.T0, () -> ContractData.T_END)
            .build();
    InfoService info =
        InfoService.builder(ComponentType.SIDECAR)
            .store(store)
            .rules()
            .targets()
            .metricMetadata()
            .exemplars(() -> ContractData.T0, () -> ContractData.T_END)
            .status()
            .build();
    return LoopbackServer.start(
        store,
        info,
        new FakePeerApis.Rules(replica),
        new FakePeerApis.Targets(replica),
        new FakePeerApis.Metadata(),
        new FakePeerApis.Exemplars(replica),
        new FakePeerApis.Status());
  }

  @BeforeAll
  static void start() {
    a = endpoint("A");
    b = endpoint("B");
    int http = Ports.freePort();
    base = "http://127.0.0.1:" + http;
    querier =
        JavaProcess.main("io.jthanos.query.QueryMain")
            .args(
                "--http-address=127.0.0.1:" + http,
                "--grpc-address=127.0.0.1:" + Ports.freePort(),
                "--endpoint-strict=" + a.target(),
                "--endpoint-strict=" + b.target(),
                "--query.replica-label=replica",
                "--endpoint.info-timeout=1s")
            .logTo(tmp.resolve("querier.log"))
            .start();
    querier.awaitHttp(base + "/-/ready", 200, Duration.ofSeconds(60));
    Awaits.healthyEndpoints(base, 2);
  }

  @AfterAll
  static void stop() {
    if (querier != null) {
      querier.close();
    }
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  static HttpResponse<String> get(String pathAndQuery) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + pathAndQuery)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String path, String form) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String secs(long ms) {
    return String.valueOf(ms / 1000);
  }

  static JsonNode ok(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode n = JSON.readTree(r.body());
    assertThat(n.get("status").asText()).isEqualTo("success");
    return n;
  }

  @Test
  @Order(1)
  void dedupReturnsEachSeriesOnceWithoutReplicaLabel() throws Exception {
    JsonNode n =
        ok(
            post(
                "/api/v1/query",
                "query=" + enc("contract_up") + "&time=" + secs(ContractData.T_END)));
    JsonNode result = n.get("data").get("result");
    assertThat(result).hasSize(3);
    for (JsonNode s : result) {
      assertThat(s.get("metric").has("replica")).isFalse();
      assertThat(s.get("metric").get("cluster").asText()).isEqualTo("eu1");
    }
    assertThat(n.has("warnings")).isFalse();
  }

  @Test
  @Order(2)
  void withoutDedupBothCopies() throws Exception {
    JsonNode n =
        ok(
            get(
                "/api/v1/query?dedup=false&query="
                    + enc("contract_up")
                    + "&time="
                    + secs(ContractData.T_END)));
    JsonNode result = n.get("data").get("result");
    assertThat(result).hasSize(6);
    List<String> replicas = new ArrayList<>();
    result.forEach(s -> replicas.add(s.get("metric").get("replica").asText()));
    assertThat(replicas).containsOnly("A", "B");
  }

  @Test
  @Order(3)
  void rangeQueryDedupHasOnePointPerStep() throws Exception {
    long start = ContractData.T0 + 600_000;
    long end = ContractData.T_END;
    JsonNode n =
        ok(
            post(
                "/api/v1/query_range",
                "query="
                    + enc("sum by (job) (rate(contract_requests_total[5m]))")
                    + "&start="
                    + secs(start)
                    + "&end="
                    + secs(end)
                    + "&step=60"));
    JsonNode result = n.get("data").get("result");
    assertThat(result).hasSize(1);
    assertThat(result.get(0).get("values").size()).isEqualTo((int) ((end - start) / 60_000) + 1);
  }

  @Test
  @Order(4)
  void metadataApis() throws Exception {
    JsonNode series = ok(get("/api/v1/series?match[]=" + enc("contract_up{job=\"api\"}")));
    assertThat(series.get("data")).hasSize(2);
    JsonNode seriesRaw =
        ok(get("/api/v1/series?dedup=false&match[]=" + enc("contract_up{job=\"api\"}")));
    assertThat(seriesRaw.get("data")).hasSize(4);
    JsonNode labels = ok(get("/api/v1/labels"));
    List<String> names = new ArrayList<>();
    labels.get("data").forEach(x -> names.add(x.asText()));
    assertThat(names).contains("__name__", "job", "instance", "cluster").doesNotContain("replica");
    JsonNode values = ok(get("/api/v1/label/job/values?match[]=contract_up"));
    assertThat(values.get("data").toString()).isEqualTo("[\"api\",\"db\"]");
    JsonNode stores = ok(get("/api/v1/stores"));
    assertThat(stores.get("data").get("sidecar")).hasSize(2);
    for (JsonNode s : stores.get("data").get("sidecar")) {
      assertThat(s.get("lastError").isNull()).isTrue();
      assertThat(s.get("labelSets").get(0).get("cluster").asText()).isEqualTo("eu1");
      assertThat(s.get("minTime").asLong()).isEqualTo(ContractData.T0);
    }
  }

  @Test
  @Order(5)
  void fanoutApis() throws Exception {
    JsonNode rules = ok(get("/api/v1/rules"));
    JsonNode groups = rules.get("data").get("groups");
    assertThat(groups).hasSize(1);
    assertThat(groups.get(0).get("rules")).hasSize(2);
    JsonNode alertRule = groups.get(0).get("rules").get(0);
    assertThat(alertRule.get("type").asText()).isEqualTo("alerting");
    assertThat(alertRule.get("state").asText()).isEqualTo("firing");
    assertThat(alertRule.get("labels").has("replica")).isFalse();
    assertThat(alertRule.get("lastEvaluation").asText()).isEqualTo("2023-11-14T22:13:20Z");
    JsonNode recOnly = ok(get("/api/v1/rules?type=record"));
    assertThat(recOnly.get("data").get("groups").get(0).get("rules").get(0).get("type").asText())
        .isEqualTo("recording");
    JsonNode alerts = ok(get("/api/v1/alerts"));
    assertThat(alerts.get("data").get("alerts").get(0).get("state").asText()).isEqualTo("firing");
    JsonNode targets = ok(get("/api/v1/targets"));
    assertThat(targets.get("data").get("activeTargets")).hasSize(1);
    assertThat(targets.get("data").get("activeTargets").get(0).get("health").asText())
        .isEqualTo("up");
    assertThat(targets.get("data").get("activeTargets").get(0).get("labels").has("replica"))
        .isFalse();
    JsonNode both = ok(get("/api/v1/targets?dedup=false"));
    assertThat(both.get("data").get("activeTargets")).hasSize(2);
    JsonNode md = ok(get("/api/v1/metadata"));
    assertThat(md.get("data").get("contract_requests_total").get(0).get("type").asText())
        .isEqualTo("counter");
    assertThat(md.get("data").get("contract_requests_total")).hasSize(1);
    // Grafana's exemplar probe: milliseconds and a query that is just a metric name.
    JsonNode ex =
        ok(post("/api/v1/query_exemplars", "query=test&start=1700000000000&end=1700001800000"));
    assertThat(ex.get("data")).hasSize(1);
    assertThat(ex.get("data").get(0).get("exemplars").get(0).get("value").asText())
        .isEqualTo("1.5");
    JsonNode tsdb = ok(get("/api/v1/status/tsdb"));
    assertThat(tsdb.get("data").get("headStats").get("numSeries").asLong()).isEqualTo(26);
    assertThat(tsdb.get("data").get("seriesCountByMetricName").get(0).get("value").asLong())
        .isEqualTo(6);
  }

  @Test
  @Order(6)
  void badRequestsGetTheEnvelopeAndTheQuerierKeepsServing() throws Exception {
    assertError(post("/api/v1/query", "query=" + enc("sum(")), 400, "bad_data");
    assertError(get("/api/v1/query?query=up&time=abc"), 400, "bad_data");
    assertError(get("/api/v1/query_range?query=up&start=10&end=5&step=1"), 400, "bad_data");
    assertError(get("/api/v1/query_range?query=up&start=0&end=100&step=0"), 400, "bad_data");
    HttpResponse<String> tooMany = get("/api/v1/query_range?query=up&start=0&end=11001&step=1");
    assertError(tooMany, 400, "bad_data");
    assertThat(tooMany.body()).contains("11,000 points");
    assertError(get("/api/v1/query?query=up&dedup=maybe"), 400, "bad_data");
    assertError(get("/api/v1/query?query=up&max_source_resolution=-5m"), 400, "bad_data");
    assertError(get("/api/v1/series"), 400, "bad_data");
    String huge = "query=up&pad=" + "x".repeat(11 << 20);
    assertError(post("/api/v1/query", huge), 400, "bad_data");
    // Unknown parameters are ignored, as in Prometheus and Thanos.
    ok(get("/api/v1/query?query=1%2B1&time=4&nonsense=1&foo[]=bar"));
    JsonNode n = ok(post("/api/v1/query", "query=1%2B1&time=4"));
    assertThat(n.get("data").toString())
        .isEqualTo("{\"resultType\":\"scalar\",\"result\":[4,\"2\"]}");
  }

  static void assertError(HttpResponse<String> r, int status, String type) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode n = JSON.readTree(r.body());
    assertThat(n.get("status").asText()).isEqualTo("error");
    assertThat(n.get("errorType").asText()).isEqualTo(type);
    assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
  }

  @Test
  @Order(10)
  void oneEndpointDownWarnsOrAborts() throws Exception {
    String target = b.target();
    b.close();
    b = null;
    HttpResponse<String> warn =
        post("/api/v1/query", "query=" + enc("contract_up") + "&time=" + secs(ContractData.T_END));
    JsonNode n = ok(warn);
    assertThat(n.get("data").get("result")).hasSize(3);
    assertThat(n.get("warnings").toString()).contains(target);
    assertThat(warn.headers().firstValue("Cache-Control")).contains("no-store");

    HttpResponse<String> abort =
        post(
            "/api/v1/query",
            "partial_response=false&query="
                + enc("contract_up")
                + "&time="
                + secs(ContractData.T_END));
    assertThat(abort.statusCode()).isEqualTo(422);
    JsonNode e = JSON.readTree(abort.body());
    assertThat(e.get("status").asText()).isEqualTo("error");
    assertThat(e.get("errorType").asText()).isEqualTo("execution");
    assertThat(e.get("error").asText()).startsWith("expanding series: ");
    assertThat(e.get("error").asText()).contains(target);
    // Still serving.
    ok(get("/api/v1/query?query=1"));
  }
}
