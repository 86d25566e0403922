package io.jthanos.sidecar.reloader;

import io.jthanos.sidecar.promclient.PrometheusClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** How the reloader tells Prometheus to reload ({@code --reloader.method}). */
public interface ReloadTrigger {
  void reload() throws IOException;

  /** {@code http}: {@code POST <prometheus.url>/-/reload}. */
  static ReloadTrigger http(PrometheusClient client, Duration timeout) {
    return () -> client.reload(timeout);
  }

  /**
   * {@code signal}: SIGHUP to the one process whose executable name ({@code /proc/<pid>/comm}) is
   * {@code processName} ({@code --reloader.process-name}). Linux only.
   */
  static ReloadTrigger signal(String processName) {
    return () -> {
      long pid = findProcess(Path.of("/proc"), processName);
      Process p =
          new ProcessBuilder("kill", "-HUP", Long.toString(pid)).redirectErrorStream(true).start();
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IOException("sending SIGHUP to process " + pid + " timed out");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0) {
          throw new IOException("sending SIGHUP to process " + pid + " failed: " + out);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while signalling " + pid);
      }
    };
  }

  /** The pid of the single process named {@code name} under {@code procRoot}. */
  static long findProcess(Path procRoot, String name) throws IOException {
    // The kernel keeps the first 15 bytes of the executable name.
    String want = name.length() > 15 ? name.substring(0, 15) : name;
    List<Long> found = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(procRoot)) {
      for (Path p : s) {
        String pid = p.getFileName().toString();
        if (pid.isEmpty() || !pid.chars().allMatch(Character::isDigit)) {
          continue;
        }
        String comm;
        try {
          comm = Files.readString(p.resolve("comm"), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
          continue; // exited meanwhile
        }
        if (comm.equals(want)) {
          found.add(Long.parseLong(pid));
        }
      }
    }
    if (found.isEmpty()) {
      throw new IOException("failed to find process " + name);
    }
    if (found.size() > 1) {
      throw new IOException(
          "found " + found.size() + " processes named " + name + " " + found + ", expected one");
    }
    return found.get(0);
  }
}
