package io.jthanos.tools.rules;

import io.jthanos.rules.RuleFileError;
import io.jthanos.rules.RuleFiles;
import io.jthanos.server.Component;
import io.jthanos.server.ComponentCommand;
import io.jthanos.server.run.RunGroup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code thanos tools rules-check}: validates rule files (YAML shape, PromQL with positions,
 * Prometheus' rule checks, Thanos' {@code partial_response_strategy}); exits 1 when any fails.
 */
@Command(name = "rules-check", description = "Check if the rule files are valid or not.")
public final class RulesCheckCommand extends ComponentCommand {
  private static final Logger LOG = LoggerFactory.getLogger(RulesCheckCommand.class);

  @Option(
      names = "--rules",
      required = true,
      paramLabel = "<glob>",
      description = "The rule files glob to check (repeated).")
  List<String> rules = new ArrayList<>();

  /** Every problem of the last run, for tests. */
  final List<RuleFileError> problems = new ArrayList<>();

  @Override
  protected String component() {
    return "rules-check";
  }

  @Override
  protected void compose(Component c) {
    c.add(
        "rules-check",
        new RunGroup.Actor() {
          @Override
          public void run() throws Exception {
            int failed = check();
            if (failed > 0) {
              throw new IllegalStateException(failed + " error(s) found in rule files");
            }
          }

          @Override
          public void interrupt(Throwable cause) {}
        });
  }

  /** Checks every pattern; returns the number of problems. */
  int check() throws java.io.IOException {
    int failed = 0;
    for (String pattern : rules) {
      LOG.atInfo().addKeyValue("pattern", pattern).log("checking");
      List<Path> files = RuleFiles.glob(pattern);
      if (files.isEmpty()) {
        LOG.atError()
            .addKeyValue("result", "FAILED")
            .addKeyValue("error", "matching file not found")
            .log("rule check failed");
        failed++;
        continue;
      }
      for (Path f : files) {
        LOG.atInfo().addKeyValue("filename", f).log("checking");
        RuleFiles.Result r;
        try {
          r = RuleFiles.read(f);
        } catch (java.io.IOException e) {
          LOG.atError()
              .addKeyValue("result", "FAILED")
              .addKeyValue("error", e.getMessage())
              .log("rule check failed");
          failed++;
          continue;
        }
        if (!r.ok()) {
          LOG.atError()
              .addKeyValue("result", "FAILED")
              .addKeyValue("filename", f)
              .log("rule check failed");
          for (RuleFileError e : r.errors()) {
            LOG.atError().addKeyValue("error", e.toString()).log("rule file error");
            problems.add(e);
            failed++;
          }
          continue;
        }
        LOG.atInfo()
            .addKeyValue("result", "SUCCESS")
            .addKeyValue("rules found", r.ruleCount())
            .log("rule check passed");
      }
    }
    return failed;
  }
}
