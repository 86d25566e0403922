package io.jthanos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The docker/ stack for real, on a machine with a Docker engine and Docker Compose v2: {@code
 * ./mvnw -B -pl e2e -am verify -Pdocker -Dit.test=DockerComposeStackIT}. It builds the image from
 * the jars, starts docker/docker-compose.yml, and checks that the querier sees both sidecars and
 * the store gateway and deduplicates the replicas, and that Grafana serves the provisioned data
 * source and dashboard. Excluded by default (tag "docker"): CI has no Docker engine.
 */
@Tag("docker")
class DockerComposeStackIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static ComposeContainer stack;

  @BeforeAll
  static void up() {
    // Without an image name, the local `docker compose` runs the file.
    stack =
        new ComposeContainer(DockerFilesTest.DOCKER.resolve("docker-compose.yml").toFile())
            .withBuild(true)
            .withExposedService(
                "query",
                10902,
                Wait.forHttp("/-/ready")
                    .forStatusCode(200)
                    .withStartupTimeout(Duration.ofMinutes(5)))
            .withExposedService(
                "grafana",
                3000,
                Wait.forHttp("/api/health")
                    .forStatusCode(200)
                    .withStartupTimeout(Duration.ofMinutes(5)));
    stack.start();
  }

  @AfterAll
  static void down() {
    if (stack != null) {
      stack.stop();
    }
  }

  private static String url(String service, int port) {
    return "http://"
        + stack.getServiceHost(service, port)
        + ":"
        + stack.getServicePort(service, port);
  }

  @Test
  void querierSeesEveryEndpointAndDeduplicatesTheReplicas() throws Exception {
    String q = url("query", 10902);
    JsonNode raw =
        poll(
            q + "/api/v1/query?query=" + enc("up{job=\"prometheus\"}") + "&dedup=false",
            r -> r.path("data").path("result").size() == 4);
    Set<String> replicas = new TreeSet<>();
    raw.path("data")
        .path("result")
        .forEach(s -> replicas.add(s.path("metric").path("replica").asText()));
    assertThat(replicas).containsExactly("A", "B");
    JsonNode dedup =
        get(q + "/api/v1/query?query=" + enc("up{job=\"prometheus\"}") + "&dedup=true");
    assertThat(dedup.path("data").path("result")).hasSize(2);
    JsonNode stores = get(q + "/api/v1/stores").path("data");
    assertThat(stores.path("sidecar")).hasSize(2);
    assertThat(stores.path("store")).hasSize(1);
  }

  @Test
  void grafanaServesTheDataSourceAndTheDashboard() throws Exception {
    String g = url("grafana", 3000);
    JsonNode viaGrafana =
        poll(
            g + "/api/datasources/proxy/uid/jthanos/api/v1/query?query=" + enc("up"),
            r ->
                "success".equals(r.path("status").asText())
                    && r.path("data").path("result").size() > 0);
    assertThat(viaGrafana.path("data").path("resultType").asText()).isEqualTo("vector");
    JsonNode dash = get(g + "/api/dashboards/uid/jthanos-overview");
    assertThat(dash.path("dashboard").path("title").asText()).isEqualTo("jthanos");
  }

  interface Check {
    boolean ok(JsonNode n);
  }

  private static JsonNode poll(String url, Check check) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    String last = "nothing";
    while (true) {
      try {
        JsonNode n = get(url);
        if (check.ok(n)) {
          return n;
        }
        last = n.toString();
      } catch (IOException e) {
        last = e.toString();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out polling " + url + "; last: " + last);
      }
      Thread.sleep(1000); // polling interval
    }
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
}
