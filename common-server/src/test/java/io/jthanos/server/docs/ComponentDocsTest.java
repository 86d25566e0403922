package io.jthanos.server.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.server.example.ExampleCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComponentDocsTest {

  /** The example component's page is kept in step with its --help (as every component's is). */
  @Test
  void examplePageMatchesHelp() {
    ComponentDocs.assertUpToDate(
        new ExampleCommand(),
        Path.of(
            System.getProperty("jthanos.repo.root"),
            "common-server",
            "src",
            "test",
            "resources",
            "docs",
            "example.md"));
  }

  @Test
  void helpListsTheSharedFlagsWithThanosDefaults() {
    String help = ComponentDocs.help(new ExampleCommand());
    assertThat(help)
        .contains("--http-address=<address>", "Default: 0.0.0.0:10902")
        .contains("--grpc-address=<address>", "Default: 0.0.0.0:10901")
        .contains("--http-grace-period", "--grpc-grace-period", "Default: 2m")
        .contains("--grpc-server-tls-min-version", "Default: 1.3")
        .contains("--grpc-server-max-connection-age", "Default: 60m")
        .contains("--log.level", "--log.format", "Default: logfmt")
        .contains("--tracing.config-file", "--tracing.config=<content>", "no-op")
        .contains("--objstore.config-file", "--objstore.config=<content>")
        .contains("--http.config", "--version", "--help");
  }

  @Test
  void driftIsDetectedAndUpdatePreservesProse(@TempDir Path dir) throws Exception {
    String updateMode = System.clearProperty("docs.update");
    try {
      driftAndUpdate(dir);
    } finally {
      if (updateMode != null) {
        System.setProperty("docs.update", updateMode);
      }
    }
  }

  private static void driftAndUpdate(Path dir) throws Exception {
    Path page = dir.resolve("example.md");
    Files.writeString(
        page,
        "# thanos example\n\nHand-written intro.\n\n"
            + ComponentDocs.BEGIN
            + "\n```text\nold help\n```\n"
            + ComponentDocs.END
            + "\n\nMore prose.\n");
    assertThatThrownBy(() -> ComponentDocs.assertUpToDate(new ExampleCommand(), page))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("-Ddocs.update=true");
    System.setProperty("docs.update", "true");
    try {
      ComponentDocs.assertUpToDate(new ExampleCommand(), page);
    } finally {
      System.clearProperty("docs.update");
    }
    String updated = Files.readString(page);
    assertThat(updated)
        .startsWith("# thanos example\n\nHand-written intro.\n\n")
        .endsWith("\n\nMore prose.\n")
        .contains("--http-address")
        .doesNotContain("old help");
    ComponentDocs.assertUpToDate(new ExampleCommand(), page);
  }
}
