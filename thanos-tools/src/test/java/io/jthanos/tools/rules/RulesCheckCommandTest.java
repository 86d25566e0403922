package io.jthanos.tools.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.server.ComponentMain;
import io.jthanos.server.docs.ComponentDocs;
import io.jthanos.tools.ToolsCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesCheckCommandTest {
  @TempDir Path tmp;

  /** The tools commands this project adds beside {@code bucket generate}. */
  static final List<String> COMMANDS =
      List.of(
          "bucket verify",
          "bucket ls",
          "bucket inspect",
          "bucket web",
          "bucket replicate",
          "bucket downsample",
          "bucket cleanup",
          "bucket mark",
          "bucket rewrite",
          "bucket retention",
          "bucket upload-blocks",
          "rules-check");

  @Test
  void docsMatchHelp() {
    ComponentDocs.assertUpToDate(new ToolsCommand(), ComponentDocs.page("tools"), COMMANDS);
  }

  @Test
  void validFilesPassAndBrokenOnesFailWithPositions() throws Exception {
    Files.writeString(
        tmp.resolve("a.yaml"),
        "groups:\n"
            + "  - name: g\n"
            + "    partial_response_strategy: warn\n"
            + "    rules:\n"
            + "      - alert: Down\n"
            + "        expr: up == 0\n"
            + "      - record: job:up:sum\n"
            + "        expr: sum by (job) (up)\n");
    Files.writeString(
        tmp.resolve("b.yaml"),
        "groups:\n"
            + "  - name: g\n"
            + "    partial_response_strategy: maybe\n"
            + "    rules: []\n");
    Files.writeString(
        tmp.resolve("c.yaml"),
        "groups:\n  - name: g\n    rules:\n      - record: x\n        expr: rate(up[5m]\n");
    RulesCheckCommand ok = new RulesCheckCommand();
    assertThat(ComponentMain.commandLine(ok).execute("--rules=" + tmp.resolve("a.yaml"))).isZero();
    assertThat(ok.problems).isEmpty();

    RulesCheckCommand bad = new RulesCheckCommand();
    assertThat(
            ComponentMain.commandLine(bad)
                .execute("--rules=" + tmp.resolve("*.yaml"), "--rules=" + tmp.resolve("none.yaml")))
        .isEqualTo(1);
    assertThat(bad.problems).hasSize(2);
    assertThat(bad.problems.get(0).toString())
        .endsWith(
            "failed to unmarshal 'partial_response_strategy'. Possible values are WARN,ABORT. Got: maybe");
    assertThat(bad.problems.get(1).toString())
        .contains("c.yaml: 5:15: group \"g\", rule 1, \"x\": could not parse expression: 1:");
    assertThat(ComponentMain.executeTree(new ToolsCommand(), new String[] {"rules-check"}))
        .isEqualTo(2);
  }
}
