package io.jthanos.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.jthanos.storeapi.ComponentType;
import io.jthanos.storeapi.InfoService;
import io.jthanos.storeapi.StoreServer;
import io.jthanos.storeapi.testing.ContractData;
import io.jthanos.storeapi.testing.InMemoryChunkQueryable;
import io.jthanos.storeapi.testing.LoopbackServer;
import io.jthanos.testing.Ports;
import io.jthanos.testing.process.JavaProcess;
import io.jthanos.testing.tls.TestCertificates;
import io.jthanos.tsdb.labels.Labels;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Web and transport options with real processes: a route prefix, CORS off, the tenant header
 * forwarded as {@code thanos-tenant}, client TLS with snappy to the endpoint, and a second querier
 * stacked on the first one's StoreAPI.
 */
class QueryWebIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  static final List<String> tenants = new CopyOnWriteArrayList<>();

  @TempDir static Path tmp;
  static LoopbackServer endpoint;
  static JavaProcess first;
  static JavaProcess second;
  static String base1;
  static String base2;

  @BeforeAll
  static void start() {
    TestCertificates certs = TestCertificates.create(tmp);
    StoreServer store =
        StoreServer.builder(new InMemoryChunkQueryable(ContractData.inMemory(120)))
            .externalLabels(Labels.of("region", "eu"))
            .timeRange(() -> ContractData.T0, () -> ContractData.T_END)
            .build();
    ServerInterceptor capture =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            String t =
                headers.get(Metadata.Key.of("thanos-tenant", Metadata.ASCII_STRING_MARSHALLER));
            if (t != null && call.getMethodDescriptor().getFullMethodName().endsWith("/Series")) {
              tenants.add(t);
            }
            return next.startCall(call, headers);
          }
        };
    BindableService intercepted = () -> ServerInterceptors.intercept(store, capture);
    endpoint =
        LoopbackServer.start(
            certs.serverCert(),
            certs.serverKey(),
            null,
            intercepted,
            InfoService.builder(ComponentType.SIDECAR).store(store).build());
    int http1 = Ports.freePort();
    int grpc1 = Ports.freePort();
    base1 = "http://127.0.0.1:" + http1;
    first =
        JavaProcess.main("io.jthanos.query.QueryMain")
            .args(
                "--http-address=127.0.0.1:" + http1,
                "--grpc-address=127.0.0.1:" + grpc1,
                "--endpoint=" + endpoint.target(),
                "--grpc-client-tls-secure",
                "--grpc-client-tls-ca=" + certs.caCert(),
                "--grpc-compression=snappy",
                "--web.route-prefix=/thanos",
                "--web.disable-cors",
                "--query.tenant-header=X-Scope-OrgID",
                "--selector-label=querier=\"first\"",
                "--endpoint.info-timeout=1s")
            .logTo(tmp.resolve("first.log"))
            .start();
    first.awaitHttp(base1 + "/-/ready", 200, Duration.ofSeconds(60));
    Awaits.healthyEndpoints(base1 + "/thanos", 1);
    int http2 = Ports.freePort();
    base2 = "http://127.0.0.1:" + http2;
    second =
        JavaProcess.main("io.jthanos.query.QueryMain")
            .args(
                "--http-address=127.0.0.1:" + http2,
                "--grpc-address=127.0.0.1:" + Ports.freePort(),
                "--endpoint=127.0.0.1:" + grpc1,
                "--endpoint.info-timeout=1s")
            .logTo(tmp.resolve("second.log"))
            .start();
    second.awaitHttp(base2 + "/-/ready", 200, Duration.ofSeconds(60));
    Awaits.healthyEndpoints(base2, 1);
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {second, first, endpoint}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception ignored) {
          // keep closing
        }
      }
    }
  }

  static HttpResponse<String> get(String url, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String query(String q) {
    return "/api/v1/query?query="
        + URLEncoder.encode(q, StandardCharsets.UTF_8)
        + "&time="
        + ContractData.T_END / 1000;
  }

  @Test
  void routePrefixCorsTlsAndTenant() throws Exception {
    HttpResponse<String> r =
        get(base1 + "/thanos" + query("contract_up"), "X-Scope-OrgID", "team-a");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode n = JSON.readTree(r.body());
    assertThat(n.get("data").get("result")).hasSize(3);
    assertThat(n.get("data").get("result").get(0).get("metric").get("region").asText())
        .isEqualTo("eu");
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    assertThat(tenants).contains("team-a");
    // Without the header the default tenant is forwarded.
    get(base1 + "/thanos" + query("contract_up"));
    assertThat(tenants).contains("default-tenant");
    // The API lives under the prefix only; the root redirects to it.
    // (405 rather than 404: the root keeps the shared OPTIONS route for /api/v1/*.)
    assertThat(get(base1 + query("contract_up")).statusCode()).isIn(404, 405);
    HttpResponse<String> root = get(base1 + "/");
    assertThat(root.statusCode()).isEqualTo(302);
    assertThat(root.headers().firstValue("Location")).contains("/thanos/");
    HttpResponse<String> page = get(base1 + "/thanos/graph");
    assertThat(page.body()).contains("window.PATH_PREFIX = \"/thanos\"");
    assertThat(get(base1 + "/thanos/static/vendor/chart.umd.js").statusCode()).isEqualTo(200);
    assertThat(get(base1 + "/metrics").body()).contains("thanos_store_nodes_grpc_connections");
  }

  @Test
  void stackedQuerierReadsThroughTheFirstOnesStoreApi() throws Exception {
    HttpResponse<String> stores = get(base2 + "/api/v1/stores");
    JsonNode s = JSON.readTree(stores.body()).get("data");
    assertThat(s.has("query")).as(stores.body()).isTrue();
    assertThat(s.get("query").get(0).get("labelSets").toString())
        .contains("\"region\":\"eu\"", "\"querier\":\"first\"");
    HttpResponse<String> r = get(base2 + query("sum(contract_up)"));
    JsonNode n = JSON.readTree(r.body());
    assertThat(n.get("status").asText()).as(r.body()).isEqualTo("success");
    assertThat(n.get("data").get("result").get(0).get("value").get(1).asText()).isNotEmpty();
    HttpResponse<String> labels = get(base2 + "/api/v1/label/job/values");
    assertThat(labels.body()).contains("api", "db");
  }
}
