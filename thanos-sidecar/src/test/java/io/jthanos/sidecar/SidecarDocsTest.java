package io.jthanos.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.server.docs.ComponentDocs;
import org.junit.jupiter.api.Test;

class SidecarDocsTest {
  /** docs/components/sidecar.md's flags block is the sidecar's --help. */
  @Test
  void docsMatchHelp() {
    ComponentDocs.assertUpToDate(new SidecarCommand());
  }

  @Test
  void flagsHaveThanosNamesAndDefaults() {
    String help = ComponentDocs.help(new SidecarCommand());
    assertThat(help)
        .contains("--prometheus.url=<url>", "Default: http://localhost:9090")
        .contains("--prometheus.ready_timeout", "Default: 10m")
        .contains("--prometheus.get_config_interval", "--prometheus.get_config_timeout")
        .contains("--prometheus.http-client-file", "--prometheus.http-client=<content>")
        .contains("--tsdb.path", "Default: ./data")
        .contains("--reloader.config-file", "--reloader.config-envsubst-file")
        .contains("--reloader.rule-dir", "--reloader.watch-interval", "Default: 3m")
        .contains("--reloader.retry-interval", "Default: 5s")
        .contains("--reloader.method", "Default: http", "--reloader.process-name")
        .contains("--objstore.config-file", "--[no-]shipper.upload-compacted")
        .contains("--hash-func", "--shipper.meta-file-name", "Default: thanos.shipper.json")
        .contains("--shipper.upload-concurrency", "--store.limits.request-series")
        .contains("--min-time", "Default: 0000-01-01T00:00:00Z")
        .contains("--http-address", "--grpc-address", "--log.level")
        // Hidden as in Thanos.
        .doesNotContain("--shipper.ignore-unequal-block-size")
        .doesNotContain("--shipper.skip-corrupted-blocks");
  }
}
