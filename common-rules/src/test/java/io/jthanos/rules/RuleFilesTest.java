package io.jthanos.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.testing.Peers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RuleFilesTest {
  @TempDir Path tmp;

  static Path resource(String name) throws IOException {
    try (var in = RuleFilesTest.class.getResourceAsStream("/rules/" + name)) {
      Path dir = Files.createTempDirectory("rules-");
      Path f = dir.resolve(name);
      Files.copy(in, f);
      return f;
    }
  }

  /** promtool's verdict: the error lines, or "SUCCESS: n rules found". */
  static List<String> promtool(Path file) throws Exception {
    Path promtool = Peers.promtool();
    Process p =
        new ProcessBuilder(promtool.toString(), "check", "rules", file.getFileName().toString())
            .directory(file.getParent().toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    List<String> lines = new ArrayList<>();
    boolean failed = false;
    StringBuilder cur = null;
    for (String l : out.split("\n")) {
      if (l.strip().startsWith("SUCCESS:")) {
        lines.add(l.strip());
      } else if (l.strip().equals("FAILED:")) {
        failed = true;
      } else if (failed && l.startsWith(file.getFileName() + ": ")) {
        if (cur != null) {
          lines.add(cur.toString());
        }
        cur = new StringBuilder(l);
      } else if (failed && cur != null && l.startsWith("  ")) {
        cur.append('\n').append(l);
      }
    }
    if (cur != null) {
      lines.add(cur.toString());
    }
    return lines;
  }

  @ParameterizedTest
  @ValueSource(strings = {"good.yaml", "bad.yaml", "missing.yaml", "shape.yaml", "templates.yaml"})
  void sameVerdictAndMessagesAsPromtool(String name) throws Exception {
    Path f = resource(name);
    RuleFiles.Result r = RuleFiles.parse(name, Files.readString(f));
    List<String> mine =
        r.ok()
            ? List.of("SUCCESS: " + r.ruleCount() + " rules found")
            : r.errors().stream().map(RuleFileError::toString).toList();
    assertThat(mine).containsExactlyInAnyOrderElementsOf(promtool(f));
  }

  @Test
  void typedModelOfAValidFile() throws Exception {
    RuleFiles.Result r = RuleFiles.read(resource("good.yaml"));
    assertThat(r.ok()).isTrue();
    assertThat(r.ruleCount()).isEqualTo(3);
    RuleGroup node = r.groups().get(0);
    assertThat(node.name()).isEqualTo("node");
    assertThat(node.interval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(node.partialResponseStrategy()).isEqualTo(PartialResponseStrategy.ABORT);
    Rule alert = node.rules().get(1);
    assertThat(alert.isAlert()).isTrue();
    assertThat(alert.name()).isEqualTo("NodeDown");
    assertThat(alert.forDuration()).isEqualTo(Duration.ofMinutes(5));
    assertThat(alert.keepFiringFor()).isEqualTo(Duration.ofMinutes(1));
    assertThat(alert.labels()).containsEntry("severity", "page");
    assertThat(alert.exprPosition()).isEqualTo(new Position(10, 15));
    assertThat(r.groups().get(1).limit()).isEqualTo(10);
  }

  static RuleFiles.Result thanos(String strategy) {
    return RuleFiles.parse(
        "thanos.yaml",
        "groups:\n"
            + "  - name: g\n"
            + (strategy == null ? "" : "    partial_response_strategy: " + strategy + "\n")
            + "    rules:\n"
            + "      - alert: A\n"
            + "        expr: up == 0\n");
  }

  @Test
  void partialResponseStrategyIsThanosExtension() {
    assertThat(thanos("warn").groups().get(0).partialResponseStrategy())
        .isEqualTo(PartialResponseStrategy.WARN);
    assertThat(thanos("ABORT").groups().get(0).partialResponseStrategy())
        .isEqualTo(PartialResponseStrategy.ABORT);
    assertThat(thanos("Warn").groups().get(0).partialResponseStrategy())
        .isEqualTo(PartialResponseStrategy.WARN);
    assertThat(thanos(null).groups().get(0).partialResponseStrategy())
        .isEqualTo(PartialResponseStrategy.ABORT);
    assertThat(thanos("\"\"").groups().get(0).partialResponseStrategy())
        .isEqualTo(PartialResponseStrategy.ABORT);
    RuleFiles.Result bad = thanos("maybe");
    assertThat(bad.ok()).isFalse();
    assertThat(bad.errors().get(0).describe())
        .isEqualTo(
            "failed to unmarshal 'partial_response_strategy'. Possible values are WARN,ABORT. Got:"
                + " maybe");
  }

  @Test
  void promqlErrorsPointIntoTheFileAndTheExpression() {
    RuleFiles.Result r =
        RuleFiles.parse(
            "f.yaml",
            "groups:\n"
                + "- name: g\n"
                + "  rules:\n"
                + "  - record: x:y\n"
                + "    expr: |\n"
                + "      sum(rate(x[5m]) by (job)\n");
    assertThat(r.errors()).hasSize(1);
    RuleFileError e = r.errors().get(0);
    assertThat(e.position()).isEqualTo(new Position(5, 11));
    assertThat(e.describe())
        .startsWith("5:11: group \"g\", rule 1, \"x:y\": could not parse expression: 1:")
        .contains("parse error");
  }

  @Test
  void emptyAndNonMappingFiles() {
    assertThat(RuleFiles.parse("e.yaml", "").ok()).isTrue();
    assertThat(RuleFiles.parse("e.yaml", "groups: []").ruleCount()).isZero();
    RuleFiles.Result r = RuleFiles.parse("e.yaml", "groups: x");
    assertThat(r.errors().get(0).describe())
        .isEqualTo(
            "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `x` into []rulefmt.RuleGroup");
    assertThat(RuleFiles.parse("e.yaml", "groups:\n  - name: [").errors().get(0).describe())
        .startsWith("2:");
  }

  @Test
  void globsMatchLikeGo() throws Exception {
    Files.writeString(tmp.resolve("a.yaml"), "groups: []");
    Files.writeString(tmp.resolve("b.yaml"), "groups: []");
    Files.writeString(tmp.resolve("c.yml"), "groups: []");
    assertThat(RuleFiles.glob(tmp.resolve("*.yaml").toString()))
        .containsExactly(tmp.resolve("a.yaml"), tmp.resolve("b.yaml"));
    assertThat(RuleFiles.glob(tmp.resolve("c.yml").toString()))
        .containsExactly(tmp.resolve("c.yml"));
    assertThat(RuleFiles.glob(tmp.resolve("none*.yaml").toString())).isEmpty();
  }
}
