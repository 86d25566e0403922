package io.jthanos.promql.promqltest;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates Prometheus' PromQL test scripts: system property {@code promql.conformance.dir}, else
 * environment variable {@code JTHANOS_PROMQL_CONFORMANCE}, else {@code shared/conformance/promql}
 * beside the repository root ({@code jthanos.repo.root}) or beside one of its ancestors (so a
 * checkout nested one level deeper still finds it).
 */
public final class ConformanceScripts {
  private ConformanceScripts() {}

  public static Path dir() {
    String p = System.getProperty("promql.conformance.dir");
    if (p == null || p.isBlank()) {
      p = System.getenv("JTHANOS_PROMQL_CONFORMANCE");
    }
    if (p != null && !p.isBlank()) {
      return Path.of(p);
    }
    Path root = Path.of(System.getProperty("jthanos.repo.root", ".")).toAbsolutePath().normalize();
    Path first = root.resolveSibling("shared").resolve("conformance").resolve("promql");
    for (Path p2 = root; p2 != null && p2.getParent() != null; p2 = p2.getParent()) {
      Path candidate = p2.resolveSibling("shared").resolve("conformance").resolve("promql");
      if (java.nio.file.Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return first;
  }

  /** Skips the calling test (or fails it when {@code JTHANOS_REQUIRE_PEERS=1}). */
  public static void missing(Path dir) {
    String msg =
        "PromQL conformance scripts not found at "
            + dir
            + "; set -Dpromql.conformance.dir or JTHANOS_PROMQL_CONFORMANCE";
    if ("1".equals(System.getenv("JTHANOS_REQUIRE_PEERS"))) {
      throw new AssertionError(msg + " (JTHANOS_REQUIRE_PEERS=1)");
    }
    Assumptions.abort(msg);
  }
}
