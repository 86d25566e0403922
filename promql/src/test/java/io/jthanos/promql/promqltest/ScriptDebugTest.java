package io.jthanos.promql.promqltest;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Runs the script named by -Dpromqltest.script (for debugging single cases); skipped otherwise. */
class ScriptDebugTest {
  @Test
  void runScript() throws Exception {
    String f = System.getProperty("promqltest.script");
    Assumptions.assumeTrue(f != null && Files.exists(Path.of(f)), "no -Dpromqltest.script given");
    boolean v2 = "2".equals(System.getProperty("promqltest.semantics"));
    PromqlTestRunner r =
        new PromqlTestRunner(
            v2 ? PromqlTestRunner.prometheus2Options() : PromqlTestRunner.prometheus3Options());
    for (PromqlTestRunner.CaseResult c : r.runFile("debug", Path.of(f))) {
      System.out.println(c.outcome() + " " + c.id() + " " + c.expr() + " :: " + c.detail());
    }
  }
}
