package io.jthanos.sidecar;

import io.jthanos.storeapi.StoreClient;
import io.jthanos.storeapi.StoreClientConfig;
import io.jthanos.testing.Ports;
import io.jthanos.testing.process.JavaProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real {@code thanos sidecar} process (the test classpath's SidecarCommand) on loopback. */
final class SidecarProcess implements AutoCloseable {
  static final Duration START = Duration.ofSeconds(90);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final JavaProcess process;
  final int httpPort;
  final int grpcPort;
  private final List<StoreClient> clients = new ArrayList<>();

  private SidecarProcess(JavaProcess process, int httpPort, int grpcPort) {
    this.process = process;
    this.httpPort = httpPort;
    this.grpcPort = grpcPort;
  }

  /** Starts a sidecar for {@code prometheusUrl}; {@code args} are added to the loopback ports. */
  static SidecarProcess start(Path log, URI prometheusUrl, List<String> args) {
    return start(log, prometheusUrl, args, List.of());
  }

  /** As {@link #start(Path, URI, List)} with environment variables (name, value pairs). */
  static SidecarProcess start(Path log, URI prometheusUrl, List<String> args, List<String> env) {
    int http = Ports.freePort();
    int grpc = Ports.freePort();
    List<String> all = new ArrayList<>();
    all.add("--prometheus.url=" + prometheusUrl);
    all.add("--http-address=127.0.0.1:" + http);
    all.add("--grpc-address=127.0.0.1:" + grpc);
    all.add("--http-grace-period=1s");
    all.add("--grpc-grace-period=1s");
    all.addAll(args);
    JavaProcess.Builder b = JavaProcess.main(SidecarCommand.class.getName()).args(all).logTo(log);
    for (int i = 0; i < env.size(); i += 2) {
      b.env(env.get(i), env.get(i + 1));
    }
    return new SidecarProcess(b.start(), http, grpc);
  }

  String base() {
    return "http://127.0.0.1:" + httpPort;
  }

  SidecarProcess awaitReady() {
    process.awaitHttp(base() + "/-/ready", 200, START);
    return this;
  }

  String get(String path) throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(base() + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  int status(String path) throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(base() + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /**
   * The value of an unlabelled metric (or the first sample whose line starts with {@code name}).
   */
  OptionalDouble metric(String name) {
    try {
      String m = get("/metrics");
      Matcher x =
          Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*})? (\\S+)$").matcher(m);
      return x.find() ? OptionalDouble.of(Double.parseDouble(x.group(1))) : OptionalDouble.empty();
    } catch (IOException e) {
      return OptionalDouble.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalDouble.empty();
    }
  }

  double metricOr(String name, double dflt) {
    OptionalDouble v = metric(name);
    return v.isPresent() ? v.getAsDouble() : dflt;
  }

  StoreClient client() {
    StoreClient c = StoreClient.connect("127.0.0.1:" + grpcPort, StoreClientConfig.DEFAULT);
    clients.add(c);
    return c;
  }

  String output() {
    return process.output();
  }

  @Override
  public void close() {
    clients.forEach(StoreClient::close);
    process.close();
    // Keep the log where the build can show it (the test's temporary directory goes away).
    try {
      Path dir =
          Path.of(
              System.getProperty("jthanos.repo.root", "."), "thanos-sidecar", "target", "it-logs");
      java.nio.file.Files.createDirectories(dir);
      java.nio.file.Files.copy(
          process.logFile(),
          dir.resolve(process.logFile().getFileName() + "-" + process.pid() + ".log"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      // best effort
    }
  }
}
