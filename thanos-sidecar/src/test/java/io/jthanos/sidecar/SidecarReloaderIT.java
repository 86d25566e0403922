package io.jthanos.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jthanos.testing.Peers;
import io.jthanos.testing.prometheus.PrometheusServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reloader in a real sidecar process against real Prometheus servers: the watched config (with
 * {@code $(VAR)} references) is substituted into Prometheus' config file and Prometheus reloads
 * (its {@code prometheus_config_last_reload_success_timestamp_seconds} moves), on start, on every
 * edit and on rule directory changes; with {@code --reloader.method=signal} through SIGHUP.
 */
class SidecarReloaderIT {
  @RegisterExtension static final Servers SERVERS = new Servers();
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Pattern RELOAD_TS =
      Pattern.compile("(?m)^prometheus_config_last_reload_success_timestamp_seconds (\\S+)$");

  @TempDir Path tmp;

  static double lastReload(PrometheusServer p) {
    Matcher m = RELOAD_TS.matcher(p.get("/metrics"));
    if (!m.find()) {
      throw new AssertionError("no reload timestamp in /metrics");
    }
    return Double.parseDouble(m.group(1));
  }

  private static void write(Path file, String content) throws Exception {
    Path t = file.resolveSibling(".tmp-" + file.getFileName());
    Files.writeString(t, content);
    Files.move(t, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void editingTheWatchedConfigReloadsPrometheusOverHttp() throws Exception {
    TestPrometheus servers = SERVERS.get();
    PrometheusServer prom = servers.contract();
    Path rules = prom.workDir().resolve("rules");
    Path template = tmp.resolve("prometheus.yml.tmpl");
    Path watchedDir = Files.createDirectories(tmp.resolve("watched"));
    String base =
        TestPrometheus.contractConfig(
            prom.port(), servers.target().address(), rules, "$(SIDECAR_IT_SCRAPE_INTERVAL)");
    write(template, base + "# edit 1\n");
    double before = lastReload(prom);
    try (SidecarProcess sc =
        SidecarProcess.start(
            tmp.resolve("sidecar.log"),
            prom.baseUri(),
            List.of(
                "--reloader.config-file=" + template,
                "--reloader.config-envsubst-file=" + prom.configFile(),
                "--reloader.rule-dir=" + watchedDir,
                "--reloader.retry-interval=1s"),
            List.of("SIDECAR_IT_SCRAPE_INTERVAL", "1s"))) {
      // Start-up applies the config: substituted, written, reloaded.
      await().atMost(WAIT).until(() -> lastReload(prom) > before);
      assertThat(Files.readString(prom.configFile()))
          .contains("scrape_interval: 1s")
          .contains("# edit 1")
          .doesNotContain("$(");
      await()
          .atMost(WAIT)
          .until(() -> sc.metricOr("thanos_sidecar_reloader_reloads_total", 0) >= 1);
      assertThat(sc.metricOr("thanos_sidecar_reloader_last_reload_successful", -1)).isEqualTo(1);
      assertThat(sc.metricOr("thanos_sidecar_reloader_watches", -1)).isEqualTo(3);

      double afterStart = lastReload(prom);
      write(template, base + "# edit 2\n");
      await().atMost(WAIT).until(() -> lastReload(prom) > afterStart);
      assertThat(Files.readString(prom.configFile())).contains("# edit 2");

      double afterEdit = lastReload(prom);
      write(watchedDir.resolve("extra.yml"), "groups: []\n");
      await().atMost(WAIT).until(() -> lastReload(prom) > afterEdit);
      await()
          .atMost(WAIT)
          .until(() -> sc.metricOr("thanos_sidecar_reloader_reloads_total", 0) >= 3);
      assertThat(sc.metricOr("thanos_sidecar_reloader_reloads_failed_total", -1)).isZero();
      assertThat(sc.metricOr("thanos_sidecar_reloader_config_apply_operations_total", 0))
          .isGreaterThanOrEqualTo(2);
      assertThat(sc.metricOr("thanos_sidecar_reloader_watch_events_total", 0)).isGreaterThan(0);
      assertThat(sc.metricOr("thanos_sidecar_reloader_last_reload_success_timestamp_seconds", 0))
          .isGreaterThan(0);
      assertThat(sc.output()).contains("msg=\"Reload triggered\"");
    }
    // Leave the shared server with a config equal in effect to the one it started with.
    write(prom.configFile(), base.replace("$(SIDECAR_IT_SCRAPE_INTERVAL)", "1s"));
    TestPrometheus.reload(prom);
  }

  @Test
  void signalMethodSendsSighupToTheNamedProcess() throws Exception {
    String name = "prom-" + UUID.randomUUID().toString().substring(0, 8);
    Path bin = tmp.resolve(name);
    Files.createSymbolicLink(bin, Peers.prometheus());
    Path template = tmp.resolve("signal.yml.tmpl");
    String cfg =
        "global:\n  scrape_interval: 15s\n  external_labels:\n    cluster: signal\nscrape_configs: []\n";
    write(template, cfg + "# $(SIDECAR_IT_MARK)\n");
    try (PrometheusServer prom =
        PrometheusServer.builder(tmp.resolve("data")).config(cfg).binary(bin).start()) {
      double before = lastReload(prom);
      try (SidecarProcess sc =
          SidecarProcess.start(
              tmp.resolve("sidecar.log"),
              prom.baseUri(),
              List.of(
                  "--reloader.config-file=" + template,
                  "--reloader.config-envsubst-file=" + prom.configFile(),
                  "--reloader.method=signal",
                  "--reloader.process-name=" + name,
                  "--reloader.retry-interval=1s"),
              List.of("SIDECAR_IT_MARK", "signalled"))) {
        sc.process.awaitHttp(sc.base() + "/-/healthy", 200, WAIT);
        await().atMost(WAIT).until(() -> lastReload(prom) > before);
        assertThat(Files.readString(prom.configFile())).contains("# signalled");
        assertThat(prom.logTail()).contains("Loading configuration file");
        assertThat(sc.metricOr("thanos_sidecar_reloader_reloads_failed_total", -1)).isZero();
      }
    }
  }
}
