package io.jthanos.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the real peer programs tests run against (Debian's prometheus, promtool, memcached, ...). A
 * missing peer skips the test with a message saying how to install it; CI installs them all (see
 * .ci/run), and sets {@code JTHANOS_REQUIRE_PEERS=1} so that a missing peer fails instead.
 */
public final class Peers {
  private Peers() {}

  /** Looks the program up on PATH. */
  public static Optional<Path> find(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, program);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * Returns the program's path, or aborts the calling test (skipped) with an install hint. When the
   * environment demands all peers ({@code JTHANOS_REQUIRE_PEERS=1}), a missing one fails.
   */
  public static Path require(String program, String installHint) {
    Optional<Path> p = find(program);
    if (p.isPresent()) {
      return p.get();
    }
    String msg = program + " not found on PATH; install it with: " + installHint;
    if ("1".equals(System.getenv("JTHANOS_REQUIRE_PEERS"))) {
      throw new AssertionError(msg + " (JTHANOS_REQUIRE_PEERS=1)");
    }
    Assumptions.abort(msg);
    throw new IllegalStateException("unreachable");
  }

  public static Path prometheus() {
    return require("prometheus", "sudo apt-get install prometheus");
  }

  public static Path promtool() {
    return require("promtool", "sudo apt-get install prometheus");
  }
}
