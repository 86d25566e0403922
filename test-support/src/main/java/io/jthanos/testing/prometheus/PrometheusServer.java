package io.jthanos.testing.prometheus;

import io.jthanos.testing.Peers;
import io.jthanos.testing.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * A real Prometheus server (Debian's 2.42 here) on 127.0.0.1 and a free port, over a given data
 * directory, for tests. {@link Builder#start()} returns once {@code /-/ready} answers 200; {@link
 * #close()} stops it (SIGTERM, then SIGKILL after a grace period) and removes its work directory. A
 * JVM shutdown hook kills it if the test JVM exits first.
 *
 * <pre>{@code
 * try (PrometheusServer prom = PrometheusServer.builder(dataDir).retention("100y").start()) {
 *   String json = prom.queryRange("up", start, end, 15_000);
 * }
 * }</pre>
 */
public final class PrometheusServer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path workDir;
  private final Path log;
  private final boolean ownWorkDir;
  private final Thread killer;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .version(HttpClient.Version.HTTP_1_1)
          .build();

  private PrometheusServer(
      Process process, int port, Path workDir, Path log, boolean ownWorkDir, Thread killer) {
    this.process = process;
    this.port = port;
    this.workDir = workDir;
    this.log = log;
    this.ownWorkDir = ownWorkDir;
    this.killer = killer;
  }

  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  public int port() {
    return port;
  }

  /** The directory holding prometheus.yml and the log. */
  public Path workDir() {
    return workDir;
  }

  /** The config file Prometheus was started with (rewrite it and reload to change the config). */
  public Path configFile() {
    return workDir.resolve("prometheus.yml");
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** GET {@code pathAndQuery}; returns the body, throwing on a non-2xx status. */
  public String get(String pathAndQuery) {
    HttpResponse<String> r = request(pathAndQuery);
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          "GET " + pathAndQuery + " -> " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  /** GET returning the raw response (any status). */
  public HttpResponse<String> request(String pathAndQuery) {
    try {
      HttpRequest req =
          HttpRequest.newBuilder(baseUri().resolve(pathAndQuery))
              .timeout(Duration.ofSeconds(60))
              .GET()
              .build();
      return http.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + pathAndQuery + " on " + baseUri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code /api/v1/query}; times in ms. Returns the JSON body. */
  public String query(String promql, long timeMs) {
    return get("/api/v1/query?query=" + enc(promql) + "&time=" + seconds(timeMs));
  }

  /** {@code /api/v1/query_range}; times in ms. Returns the JSON body. */
  public String queryRange(String promql, long startMs, long endMs, long stepMs) {
    return get(
        "/api/v1/query_range?query="
            + enc(promql)
            + "&start="
            + seconds(startMs)
            + "&end="
            + seconds(endMs)
            + "&step="
            + seconds(stepMs));
  }

  /** {@code /api/v1/series} for a selector over [start, end] ms. */
  public String series(String selector, long startMs, long endMs) {
    return get(
        "/api/v1/series?match[]="
            + enc(selector)
            + "&start="
            + seconds(startMs)
            + "&end="
            + seconds(endMs));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Milliseconds as the decimal seconds the HTTP API takes. */
  public static String seconds(long ms) {
    return OpenMetricsWriter.formatTimestamp(ms);
  }

  /** The last lines of the server log, for failure messages. */
  public String logTail() {
    return tail(log, 40);
  }

  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Stops the server: SIGTERM, wait up to 30 s, then SIGKILL. */
  @Override
  public void close() {
    try {
      stop(process);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(killer);
      } catch (IllegalStateException ignored) {
        // JVM already shutting down: the hook runs anyway
      }
      if (ownWorkDir) {
        deleteTree(workDir);
      }
    }
  }

  private static void stop(Process p) {
    if (!p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // best effort: temp files only
    }
  }

  /** Options of the server to start. */
  public static final class Builder {
    private final Path dataDir;
    private String retention = "100y";
    private IntFunction<String> config =
        port -> "global:\n  scrape_interval: 15s\nscrape_configs: []\n";
    private Path binary;
    private int port;
    private final List<String> extraFlags = new ArrayList<>();
    private Duration startTimeout = Duration.ofSeconds(90);
    private Path workDir;

    private Builder(Path dataDir) {
      this.dataDir = dataDir;
    }

    /** {@code --storage.tsdb.retention.time}; default 100y so old test blocks are kept. */
    public Builder retention(String r) {
      this.retention = r;
      return this;
    }

    /** prometheus.yml content; default: no scrape targets. */
    public Builder config(String yaml) {
      this.config = port -> yaml;
      return this;
    }

    /**
     * prometheus.yml content computed from the port the server will listen on (e.g. to scrape
     * itself); called again if a start is retried on another port.
     */
    public Builder config(IntFunction<String> yamlForPort) {
      this.config = yamlForPort;
      return this;
    }

    /** Listen on this port instead of a free one (e.g. to restart a server where it was). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * The binary to run instead of the one on PATH, e.g. a symbolic link with another name (the
     * process name is the link's).
     */
    public Builder binary(Path binary) {
      this.binary = binary;
      return this;
    }

    /** Additional command line flags, e.g. {@code --web.enable-remote-write-receiver}. */
    public Builder flag(String flag) {
      this.extraFlags.add(flag);
      return this;
    }

    public Builder startTimeout(Duration d) {
      this.startTimeout = d;
      return this;
    }

    /** Where config and log go; default a fresh temporary directory removed on close. */
    public Builder workDir(Path dir) {
      this.workDir = dir;
      return this;
    }

    /** Starts Prometheus and waits until it is ready (retrying once on a port clash). */
    public PrometheusServer start() {
      Path prometheus = Peers.prometheus();
      Path bin = binary != null ? binary : prometheus;
      boolean own = workDir == null;
      Path wd;
      try {
        wd =
            own
                ? Files.createTempDirectory("jthanos-prometheus-")
                : Files.createDirectories(workDir);
        Files.createDirectories(dataDir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      IllegalStateException last = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        int port = this.port > 0 ? this.port : Ports.freePort();
        Path log = wd.resolve("prometheus-" + port + ".log");
        try {
          Files.writeString(
              wd.resolve("prometheus.yml"), config.apply(port), StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(bin.toString());
        cmd.add("--config.file=" + wd.resolve("prometheus.yml"));
        cmd.add("--storage.tsdb.path=" + dataDir);
        cmd.add("--storage.tsdb.retention.time=" + retention);
        cmd.add("--web.listen-address=127.0.0.1:" + port);
        cmd.addAll(extraFlags);
        Process p;
        try {
          p =
              new ProcessBuilder(cmd)
                  .redirectErrorStream(true)
                  .redirectOutput(log.toFile())
                  .start();
        } catch (IOException e) {
          throw new UncheckedIOException("start " + cmd, e);
        }
        Thread killer = new Thread(p::destroyForcibly, "kill-prometheus-" + p.pid());
        Runtime.getRuntime().addShutdownHook(killer);
        PrometheusServer s = new PrometheusServer(p, port, wd, log, own, killer);
        try {
          s.awaitReady(startTimeout);
          return s;
        } catch (IllegalStateException e) {
          stop(p);
          Runtime.getRuntime().removeShutdownHook(killer);
          last = e;
          if (this.port > 0 || !tail(log, 40).contains("address already in use")) {
            break;
          }
        }
      }
      if (own) {
        deleteTree(wd);
      }
      throw last;
    }
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "prometheus exited with "
                + process.exitValue()
                + " before becoming ready:\n"
                + logTail());
      }
      try {
        HttpRequest req =
            HttpRequest.newBuilder(baseUri().resolve("/-/ready"))
                .timeout(Duration.ofSeconds(2))
                .GET()
                .build();
        if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        process.waitFor(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("prometheus not ready after " + timeout + ":\n" + logTail());
  }
}
