package io.jthanos.promql.promqltest;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.promql.EngineOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs Prometheus' own PromQL test scripts in place (see {@link ConformanceScripts} for where they
 * are found). The build fails when a case fails that is not on the known-failures list, or when a
 * listed case passes.
 */
class PromqlConformanceTest {

  @Test
  void prometheus242ScriptsIn2xMode() throws IOException {
    run("testdata-v2.42.0", PromqlTestRunner.prometheus2Options());
  }

  @Test
  void prometheus3ScriptsIn3xMode() throws IOException {
    run("testdata", PromqlTestRunner.prometheus3Options());
  }

  private void run(String suite, EngineOptions opts) throws IOException {
    Path dir = ConformanceScripts.dir().resolve(suite);
    if (!Files.isDirectory(dir)) {
      ConformanceScripts.missing(dir);
      return;
    }
    PromqlTestRunner runner = new PromqlTestRunner(opts);
    PromqlTestRunner.SuiteResult res = runner.runSuite(suite, dir);
    System.out.println(res.summary());
    System.out.println(
        "promqltest "
            + suite
            + " (float-only cases): "
            + res.countFloatOnly(PromqlTestRunner.Outcome.PASS)
            + " passed, "
            + res.countFloatOnly(PromqlTestRunner.Outcome.FAIL)
            + " failed, "
            + res.countFloatOnly(PromqlTestRunner.Outcome.SKIP)
            + " skipped");
    Map<String, String> known = KnownFailures.load(suite);
    List<String> unexpectedFailures = new ArrayList<>();
    List<String> unexpectedPasses = new ArrayList<>();
    Map<String, String> report = new LinkedHashMap<>();
    for (PromqlTestRunner.CaseResult c : res.cases()) {
      String k = c.id();
      switch (c.outcome()) {
        case FAIL -> {
          report.put(k, "FAIL " + c.expr() + " :: " + c.detail());
          if (!known.containsKey(k)) {
            unexpectedFailures.add(k + " " + c.expr() + " :: " + c.detail());
          }
        }
        case PASS -> {
          if (known.containsKey(k)) {
            unexpectedPasses.add(k + " " + c.expr() + " (listed as: " + known.get(k) + ")");
          }
        }
        case SKIP -> report.put(k, "SKIP " + c.expr() + " :: " + c.detail());
      }
    }
    Path out = Path.of("target", "promqltest-" + suite + ".txt");
    Files.createDirectories(out.getParent());
    List<String> lines = new ArrayList<>();
    lines.add(res.summary());
    report.forEach((k, v) -> lines.add(k + " " + v));
    Files.write(out, lines, StandardCharsets.UTF_8);
    assertThat(unexpectedFailures).as("failures not on the known-failures list").isEmpty();
    assertThat(unexpectedPasses)
        .as("known failures that now pass (remove them from the list)")
        .isEmpty();
  }
}
