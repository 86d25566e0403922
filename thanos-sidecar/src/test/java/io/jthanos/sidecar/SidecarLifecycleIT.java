package io.jthanos.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jthanos.proto.info.InfoResponse;
import io.jthanos.storeapi.StoreApiException;
import io.jthanos.storeapi.StoreProtos;
import io.jthanos.testing.Ports;
import io.jthanos.testing.prometheus.PrometheusServer;
import io.jthanos.tsdb.labels.Labels;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up and heartbeat of a real sidecar process: it waits for Prometheus (not ready, gRPC not
 * listening, {@code thanos_sidecar_prometheus_up 0}), serves once external labels are loaded, drops
 * readiness while Prometheus is away and recovers; it fails on a Prometheus without external labels
 * and after {@code --prometheus.ready_timeout}; {@code bin/thanos sidecar} runs the jar.
 */
class SidecarLifecycleIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  private static String config(String ext) {
    return "global:\n  scrape_interval: 1s\n" + ext + "scrape_configs: []\n";
  }

  @Test
  void waitsForPrometheusServesOnceLabelsLoadAndFollowsItsHealth() throws Exception {
    int promPort = Ports.freePort();
    URI url = URI.create("http://127.0.0.1:" + promPort);
    Path data = tmp.resolve("data");
    String cfg = config("  external_labels:\n    cluster: life\n    replica: \"0\"\n");
    try (SidecarProcess sc =
        SidecarProcess.start(
            tmp.resolve("sidecar.log"),
            url,
            List.of(
                "--prometheus.get_config_interval=1s",
                "--prometheus.get_config_timeout=2s",
                "--prometheus.ready_timeout=5m"))) {
      sc.process.awaitHttp(sc.base() + "/-/healthy", 200, SidecarProcess.START);
      sc.process.awaitOutput(
          "msg=\"failed to fetch initial external labels\\. Is Prometheus running\\? Retrying\"",
          WAIT);
      assertThat(sc.status("/-/ready")).isEqualTo(503);
      assertThat(sc.metricOr("thanos_sidecar_prometheus_up", -1)).isZero();
      assertThat(Ports.isListening(sc.grpcPort)).as("gRPC waits for the labels").isFalse();

      try (PrometheusServer prom =
          PrometheusServer.builder(data).port(promPort).config(cfg).start()) {
        sc.awaitReady();
        assertThat(sc.metricOr("thanos_sidecar_prometheus_up", -1)).isEqualTo(1);
        assertThat(sc.output())
            .contains(
                "msg=\"successfully loaded prometheus external labels\""
                    + " external_labels=\"{cluster=\\\"life\\\", replica=\\\"0\\\"}\"");
        InfoResponse info = sc.client().withDeadlineAfter(Duration.ofSeconds(10)).info();
        assertThat(info.getComponentType()).isEqualTo("sidecar");
        assertThat(info.getLabelSetsList())
            .extracting(StoreProtos::labels)
            .containsExactly(Labels.of("cluster", "life", "replica", "0"));
        assertThat(info.getStore().getMaxTime()).isEqualTo(Long.MAX_VALUE);
        assertThat(sc.metricOr("thanos_sidecar_last_heartbeat_success_time_seconds", 0))
            .isGreaterThan(0);
      }

      // Prometheus is gone: the heartbeat fails and readiness drops.
      await().atMost(WAIT).until(() -> sc.status("/-/ready") == 503);
      assertThat(sc.metricOr("thanos_sidecar_prometheus_up", -1)).isZero();
      assertThat(sc.output()).contains("msg=\"heartbeat failed\"");
      assertThatThrownBy(() -> sc.client().withDeadlineAfter(Duration.ofSeconds(10)).info())
          .isInstanceOf(StoreApiException.class)
          .hasMessageContaining("not ready");

      // Back again.
      try (PrometheusServer prom =
          PrometheusServer.builder(data).port(promPort).config(cfg).start()) {
        await().atMost(WAIT).until(() -> sc.status("/-/ready") == 200);
        assertThat(sc.metricOr("thanos_sidecar_prometheus_up", -1)).isEqualTo(1);
      }
      sc.process.terminate();
      assertThat(sc.process.awaitExit(WAIT)).isZero();
    }
  }

  @Test
  void prometheusWithoutExternalLabelsIsAnError() throws Exception {
    try (PrometheusServer prom =
            PrometheusServer.builder(tmp.resolve("data")).config(config("")).start();
        SidecarProcess sc =
            SidecarProcess.start(
                tmp.resolve("sidecar.log"),
                prom.baseUri(),
                List.of("--prometheus.get_config_interval=1s"))) {
      assertThat(sc.process.awaitExit(WAIT)).isEqualTo(1);
      assertThat(sc.output())
          .contains(
              "no external labels configured on Prometheus server, uniquely identifying external"
                  + " labels must be configured");
    }
  }

  @Test
  void givesUpAfterTheReadyTimeout() {
    URI nowhere = URI.create("http://127.0.0.1:" + Ports.freePort());
    try (SidecarProcess sc =
        SidecarProcess.start(
            tmp.resolve("sidecar.log"),
            nowhere,
            List.of("--prometheus.get_config_interval=500ms", "--prometheus.ready_timeout=3s"))) {
      assertThat(sc.process.awaitExit(WAIT)).isEqualTo(1);
      assertThat(sc.output()).contains("initial external labels query");
    }
  }

  @Test
  void binThanosSidecarRunsTheBuiltJar() throws Exception {
    Path root = Path.of(System.getProperty("jthanos.repo.root"));
    Process p =
        new ProcessBuilder(root.resolve("bin/thanos").toString(), "sidecar", "--help")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("Usage: thanos sidecar [<flags>]", "--prometheus.url");
    assertThat(Files.readString(root.resolve("docs/components/sidecar.md")))
        .contains(out.strip().lines().findFirst().orElseThrow());
  }
}
