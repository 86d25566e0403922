package io.jthanos.testing.prometheus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short-lived peer tools with a time limit; never leaves a process behind. */
final class Processes {
  private Processes() {}

  static ToolResult run(List<String> command, Path workDir, long timeoutSeconds) {
    Path out = null;
    Path err = null;
    Process p = null;
    try {
      out = Files.createTempFile("jthanos-tool-", ".out");
      err = Files.createTempFile("jthanos-tool-", ".err");
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      if (workDir != null) {
        pb.directory(workDir.toFile());
      }
      pb.environment().put("TZ", "UTC");
      p = pb.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException(
            "timed out after "
                + timeoutSeconds
                + "s: "
                + String.join(" ", command)
                + "\nstderr:\n"
                + Files.readString(err, StandardCharsets.UTF_8));
      }
      return new ToolResult(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    } finally {
      if (p != null && p.isAlive()) {
        p.destroyForcibly();
      }
      try {
        if (out != null) {
          Files.deleteIfExists(out);
        }
        if (err != null) {
          Files.deleteIfExists(err);
        }
      } catch (IOException ignored) {
        // temp files; nothing else to do
      }
    }
  }
}
