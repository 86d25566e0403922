package io.jthanos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jthanos.testing.Peers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Lint-level checks of docker/ (there is no Docker engine here to build or run it): the
 * Dockerfile's base image and COPY sources, the compose file as docker-compose parses it, the
 * Prometheus configs as promtool reads them, the flags of every jthanos service against the
 * component's generated flag reference, and the Grafana provisioning. The image layout itself is
 * exercised by {@link DockerImageLayoutIT}, the stack by {@link DockerComposeStackIT} (-Pdocker).
 */
class DockerFilesTest {
  static final Path REPO = FreshClone.repoRoot();
  static final Path DOCKER = REPO.resolve("docker");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();
  static final Set<String> STACK =
      Set.of(
          "minio",
          "minio-init",
          "prometheus-a",
          "prometheus-b",
          "sidecar-a",
          "sidecar-b",
          "store",
          "query",
          "compact",
          "grafana");

  /** Docker's COPY instructions of the Dockerfile: [sources..., destination]. */
  static List<List<String>> copies() throws IOException {
    List<List<String>> out = new ArrayList<>();
    for (String line : instructions()) {
      if (line.startsWith("COPY ")) {
        List<String> args = List.of(line.substring(5).trim().split("\\s+"));
        assertThat(args)
            .as("COPY --from or options are not used: " + line)
            .allMatch(a -> !a.startsWith("--"));
        out.add(args);
      }
    }
    return out;
  }

  /** The Dockerfile's instructions, continuation lines joined, comments dropped. */
  static List<String> instructions() throws IOException {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String raw : Files.readAllLines(DOCKER.resolve("Dockerfile"), StandardCharsets.UTF_8)) {
      String line = raw.strip();
      if (line.startsWith("#") || (line.isEmpty() && cur.isEmpty())) {
        continue;
      }
      if (line.endsWith("\\")) {
        cur.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      cur.append(line);
      out.add(cur.toString().strip());
      cur.setLength(0);
    }
    return out;
  }

  @Test
  void dockerfileIsAJre21ImageWithTheLauncherAsEntrypoint() throws IOException {
    List<String> from = instructions().stream().filter(l -> l.startsWith("FROM ")).toList();
    assertThat(from).hasSize(1);
    assertThat(from.get(0)).matches("FROM eclipse-temurin:21(\\.[0-9.+_]+)?-jre(-[a-z]+)?");
    assertThat(instructions()).contains("ENTRYPOINT [\"/bin/thanos\"]", "USER 1001");
    assertThat(instructions())
        .anyMatch(l -> l.startsWith("RUN ln -s /opt/jthanos/bin/thanos /bin/thanos"));
  }

  @Test
  void everyCopySourceExistsAndIsInTheBuildContext() throws IOException {
    Set<String> components = new TreeSet<>();
    for (List<String> copy : copies()) {
      String dest = copy.get(copy.size() - 1);
      for (String src : copy.subList(0, copy.size() - 1)) {
        if (src.equals("bin/thanos")) {
          assertThat(REPO.resolve(src)).isExecutable();
          assertThat(dest).isEqualTo("/opt/jthanos/bin/thanos");
        } else {
          Matcher m =
              Pattern.compile("thanos-([a-z-]+)/target/thanos-\\1-\\*-all\\.jar").matcher(src);
          assertThat(m.matches()).as("a component's runnable jar: " + src).isTrue();
          assertThat(REPO.resolve("thanos-" + m.group(1) + "/pom.xml")).isRegularFile();
          assertThat(dest).isEqualTo("/opt/jthanos/lib/");
          components.add(m.group(1));
        }
        assertThat(DockerIgnore.read(REPO.resolve(".dockerignore")).sends(src.replace("*", "x")))
            .as(".dockerignore keeps " + src + " in the build context")
            .isTrue();
      }
    }
    // Every component the compose file starts is in the image.
    for (JsonNode svc : jthanosServices().values()) {
      assertThat(components).contains(svc.path("command").get(0).asText());
    }
    assertThat(DockerIgnore.read(REPO.resolve(".dockerignore")).sends("pom.xml")).isFalse();
    assertThat(DockerIgnore.read(REPO.resolve(".dockerignore")).sends("data/bucket/x")).isFalse();
  }

  static JsonNode compose() throws IOException {
    return YAML.readTree(DOCKER.resolve("docker-compose.yml").toFile());
  }

  /** The services built from this repository's image, by name. */
  static Map<String, JsonNode> jthanosServices() throws IOException {
    Map<String, JsonNode> out = new java.util.TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = compose().path("services").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().path("image").asText().startsWith("jthanos:")) {
        out.put(e.getKey(), e.getValue());
      }
    }
    return out;
  }

  @Test
  void composeFileParsesWithDockerCompose() throws Exception {
    Path dc = Peers.require("docker-compose", "sudo apt-get install docker-compose");
    Process p =
        new ProcessBuilder(dc.toString(), "-f", "docker-compose.yml", "config", "-q")
            .directory(DOCKER.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  @Test
  void composeStackHasTheCommunityShape() throws IOException {
    JsonNode services = compose().path("services");
    Set<String> names = new TreeSet<>();
    services.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsAll(STACK);
    assertThat(jthanosServices().keySet())
        .containsExactlyInAnyOrder("sidecar-a", "sidecar-b", "store", "query", "compact");

    for (Map.Entry<String, JsonNode> e : iterable(services)) {
      JsonNode svc = e.getValue();
      String image = svc.path("image").asText();
      if (!image.startsWith("jthanos:")) {
        assertThat(image)
            .as(e.getKey() + " pins its image")
            .matches("[a-z/.-]+:[^:]+")
            .doesNotEndWith(":latest");
      } else {
        assertThat(
                DOCKER
                    .resolve(svc.path("build").path("context").asText())
                    .resolve(svc.path("build").path("dockerfile").asText())
                    .normalize())
            .isEqualTo(DOCKER.resolve("Dockerfile"));
      }
      for (JsonNode v : svc.path("volumes")) {
        String src = v.asText().split(":")[0];
        if (src.startsWith("./")) {
          assertThat(DOCKER.resolve(src)).as(e.getKey() + " mounts " + src).exists();
        }
      }
    }
    // The querier fans out to both sidecars and the store gateway and deduplicates on replica.
    List<String> query = texts(services.path("query").path("command"));
    assertThat(query)
        .contains(
            "--endpoint=sidecar-a:10901",
            "--endpoint=sidecar-b:10901",
            "--endpoint=store:10901",
            "--query.replica-label=replica");
    assertThat(texts(services.path("compact").path("command"))).contains("--wait");
    // Prometheus replicas: equal block durations, lifecycle API for the reloader, and a TSDB
    // volume shared with their sidecar.
    for (String r : List.of("a", "b")) {
      List<String> prom = texts(services.path("prometheus-" + r).path("command"));
      String min = value(prom, "--storage.tsdb.min-block-duration");
      assertThat(min).isNotNull().isEqualTo(value(prom, "--storage.tsdb.max-block-duration"));
      assertThat(prom).contains("--web.enable-lifecycle");
      assertThat(texts(services.path("prometheus-" + r).path("volumes")))
          .contains("prometheus-" + r + "-data:/prometheus");
      assertThat(texts(services.path("sidecar-" + r).path("volumes")))
          .contains("prometheus-" + r + "-data:/prometheus");
      assertThat(texts(services.path("sidecar-" + r).path("command")))
          .contains("--prometheus.url=http://prometheus-" + r + ":9090", "--tsdb.path=/prometheus");
    }
    // MinIO: a health check, and the bucket created before any jthanos service starts.
    assertThat(services.path("minio").path("healthcheck").path("test").toString())
        .contains("ready");
    assertThat(String.join(" ", texts(services.path("minio-init").path("entrypoint"))))
        .contains("mc mb --ignore-existing local/thanos");
  }

  @Test
  void jthanosServicesUseOnlyFlagsTheirComponentHas() throws IOException {
    for (Map.Entry<String, JsonNode> e : jthanosServices().entrySet()) {
      List<String> cmd = texts(e.getValue().path("command"));
      String component = cmd.get(0);
      String help = Files.readString(REPO.resolve("docs/components/" + component + ".md"));
      for (String arg : cmd.subList(1, cmd.size())) {
        String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        assertThat(help)
            .as(e.getKey() + ": " + flag + " is a flag of thanos " + component)
            .containsPattern(
                "(?m)^\\s+(-\\w, )?("
                    + Pattern.quote(flag)
                    + "|--\\[no-\\]"
                    + Pattern.quote(flag.substring(2))
                    + ")[=\\s]");
      }
    }
  }

  @Test
  void bucketConfigTakesCredentialsFromTheEnvironment() throws IOException {
    JsonNode bucket = YAML.readTree(DOCKER.resolve("thanos/bucket.yml").toFile());
    assertThat(bucket.path("type").asText()).isEqualTo("S3");
    assertThat(bucket.path("config").path("endpoint").asText()).isEqualTo("minio:9000");
    assertThat(bucket.path("config").path("bucket").asText()).isEqualTo("thanos");
    Set<String> vars = new LinkedHashSet<>();
    Matcher m =
        Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)")
            .matcher(
                Files.readString(DOCKER.resolve("thanos/bucket.yml")).replaceAll("(?m)#.*$", ""));
    while (m.find()) {
      vars.add(m.group(1));
    }
    assertThat(vars).containsExactly("MINIO_ACCESS_KEY", "MINIO_SECRET_KEY");
    for (Map.Entry<String, JsonNode> e : jthanosServices().entrySet()) {
      for (String v : vars) {
        assertThat(e.getValue().path("environment").has(v)).as(e.getKey() + " sets " + v).isTrue();
      }
    }
  }

  @Test
  void prometheusConfigsPassPromtoolWithTheirReplicaLabel() throws Exception {
    Path promtool = Peers.promtool();
    for (String r : List.of("a", "b")) {
      Path cfg = DOCKER.resolve("prometheus/prometheus-" + r + ".yml");
      Process p =
          new ProcessBuilder(
                  promtool.toString(), "check", "config", "--syntax-only", cfg.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      JsonNode c = YAML.readTree(cfg.toFile());
      assertThat(c.path("global").path("external_labels").path("replica").asText())
          .isEqualTo(r.toUpperCase());
      Set<String> jobs = new TreeSet<>();
      c.path("scrape_configs").forEach(j -> jobs.add(j.path("job_name").asText()));
      assertThat(jobs)
          .containsExactlyInAnyOrder(
              "prometheus", "thanos-sidecar", "thanos-store", "thanos-query", "thanos-compact");
    }
  }

  @Test
  void grafanaProvisionsTheQuerierAndTheDashboard() throws IOException {
    JsonNode ds =
        YAML.readTree(DOCKER.resolve("grafana/provisioning/datasources/datasources.yml").toFile())
            .path("datasources")
            .get(0);
    assertThat(ds.path("type").asText()).isEqualTo("prometheus");
    assertThat(ds.path("access").asText()).isEqualTo("proxy");
    assertThat(ds.path("url").asText()).isEqualTo("http://query:10902");
    JsonNode provider =
        YAML.readTree(DOCKER.resolve("grafana/provisioning/dashboards/dashboards.yml").toFile())
            .path("providers")
            .get(0);
    assertThat(texts(compose().path("services").path("grafana").path("volumes")))
        .contains("./grafana/dashboards:" + provider.path("options").path("path").asText() + ":ro");

    JsonNode dash = JSON.readTree(DOCKER.resolve("grafana/dashboards/jthanos.json").toFile());
    assertThat(dash.path("uid").asText()).isNotBlank();
    List<String> exprs = dashboardExpressions();
    assertThat(exprs).isNotEmpty();
    for (JsonNode panel : dash.path("panels")) {
      for (JsonNode t : panel.path("targets")) {
        assertThat(t.path("datasource").path("uid").asText()).isEqualTo(ds.path("uid").asText());
      }
    }
    // The four areas the dashboard is for.
    String all = String.join("\n", exprs);
    assertThat(all)
        .contains(
            "thanos_shipper_uploads_total",
            "thanos_compact_group_compactions_total",
            "thanos_store_index_cache_hits_total",
            "http_request_duration_seconds_bucket{job=\"thanos-query\"");
  }

  /** Every PromQL expression of the provisioned dashboard. */
  static List<String> dashboardExpressions() throws IOException {
    JsonNode dash = JSON.readTree(DOCKER.resolve("grafana/dashboards/jthanos.json").toFile());
    List<String> out = new ArrayList<>();
    for (JsonNode panel : dash.path("panels")) {
      for (JsonNode t : panel.path("targets")) {
        out.add(t.path("expr").asText());
      }
    }
    return out;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static String value(List<String> args, String flag) {
    for (String a : args) {
      if (a.startsWith(flag + "=")) {
        return a.substring(flag.length() + 1);
      }
    }
    return null;
  }

  private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode obj) {
    return obj::fields;
  }
}
