package io.jthanos.benchmarks.query;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.jthanos.benchmarks.promql.PromqlData;
import io.jthanos.storeapi.ComponentType;
import io.jthanos.storeapi.InfoService;
import io.jthanos.storeapi.StoreServer;
import io.jthanos.tsdb.block.BlockReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The querier against Prometheus on the same data, side by side in one run: one TSDB block (a day
 * of {@code series} series at 15s), served by a Prometheus 2.42 process on one side and, on the
 * other, by a StoreAPI server over the block with the querier (a child JVM from this jar) in front.
 * Both answer the same range queries over HTTP; the figure is the median wall time of the HTTP call
 * (response fully read) after warm-up, and the ratio querier/Prometheus (lower is better). Usage:
 * {@code java -cp benchmarks.jar io.jthanos.benchmarks.query.QuerierVsPrometheus [series] [runs]
 * [query regex]}.
 */
public final class QuerierVsPrometheus {
  private static final long DAY = 86_400_000L;

  private QuerierVsPrometheus() {}

  public static void main(String[] args) throws Exception {
    int series = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    List<String> queries =
        List.of(
            "sum by (job) (rate(x[5m]))",
            "rate(x[5m])",
            "x",
            "max_over_time(x[1h])",
            "topk(5, x)",
            "quantile(0.9, rate(x[5m]))",
            "sum(x) / count(x)",
            "avg_over_time(rate(x[5m])[1h:5m])");
    if (args.length > 2) {
      queries = queries.stream().filter(q -> q.matches(args[2])).toList();
    }
    Path tmp = Files.createTempDirectory("jthanos-querier-vs-prometheus-");
    List<Process> children = new ArrayList<>();
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> children.forEach(Process::destroyForcibly)));
    Server grpc = null;
    try {
      Path data = Files.createDirectories(tmp.resolve("data"));
      Path blockDir = PromqlData.block(data, series, DAY, 15_000);
      Path storeDir = Files.createDirectories(tmp.resolve("store"));
      Path storeBlock = storeDir.resolve(blockDir.getFileName().toString());
      copy(blockDir, storeBlock);
      Files.createDirectories(data.resolve("wal"));
      Files.writeString(tmp.resolve("prometheus.yml"), "scrape_configs: []\n");
      int promPort = freePort();
      children.add(
          new ProcessBuilder(
                  "prometheus",
                  "--config.file=" + tmp.resolve("prometheus.yml"),
                  "--storage.tsdb.path=" + data,
                  "--storage.tsdb.retention.time=100y",
                  "--web.listen-address=127.0.0.1:" + promPort)
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("prometheus.log").toFile())
              .start());

      BlockReader block = BlockReader.open(storeBlock);
      StoreServer store =
          StoreServer.builder(block).timeRange(block::minTime, () -> block.maxTime() - 1).build();
      grpc =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              .addService(store)
              .addService(InfoService.builder(ComponentType.STORE).store(store).build())
              .maxInboundMessageSize(Integer.MAX_VALUE)
              .build()
              .start();
      int queryPort = freePort();
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      children.add(
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  "io.jthanos.query.QueryMain",
                  "--http-address=127.0.0.1:" + queryPort,
                  "--grpc-address=127.0.0.1:" + freePort(),
                  "--endpoint=127.0.0.1:" + grpc.getPort(),
                  "--query.promql-semantics=2",
                  "--log.level=warn")
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("querier.log").toFile())
              .start());

      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI prom = URI.create("http://127.0.0.1:" + promPort);
      URI querier = URI.create("http://127.0.0.1:" + queryPort);
      awaitReady(http, prom);
      awaitReady(http, querier);
      long start = PromqlData.START;
      long end = start + DAY;
      System.out.printf(
          Locale.ROOT,
          "%d series x 1 day at 15s (%d samples), range queries over the day, step 60s, median of"
              + " %d after %d warm-up runs%n",
          series,
          series * (DAY / 15_000),
          runs,
          5);
      System.out.printf(
          Locale.ROOT, "%-40s %12s %12s %8s%n", "query", "prometheus", "querier", "ratio");
      List<Double> ratios = new ArrayList<>();
      for (String q : queries) {
        String path =
            "/api/v1/query_range?query="
                + URLEncoder.encode(q, StandardCharsets.UTF_8)
                + "&start="
                + start / 1000
                + "&end="
                + end / 1000
                + "&step=60";
        double[] theirs = new double[runs];
        double[] ours = new double[runs];
        for (int i = -5; i < runs; i++) {
          double a = time(http, prom.resolve(path), q);
          double b = time(http, querier.resolve(path), q);
          if (i >= 0) {
            theirs[i] = a;
            ours[i] = b;
          }
        }
        double a = median(theirs);
        double b = median(ours);
        ratios.add(b / a);
        System.out.printf(Locale.ROOT, "%-40s %9.1f ms %9.1f ms %7.2f%n", q, a, b, b / a);
      }
      double geo = 1;
      for (double r : ratios) {
        geo *= r;
      }
      geo = Math.pow(geo, 1.0 / ratios.size());
      System.out.printf(Locale.ROOT, "geometric mean ratio querier/prometheus: %.2f%n", geo);
      block.close();
    } finally {
      if (grpc != null) {
        grpc.shutdownNow();
      }
      for (Process p : children) {
        p.destroy();
        p.waitFor();
      }
      try (Stream<Path> s = Files.walk(tmp)) {
        s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static double time(HttpClient http, URI uri, String q) throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    long t1 = System.nanoTime();
    if (r.statusCode() != 200) {
      throw new IllegalStateException(q + ": " + new String(r.body(), StandardCharsets.UTF_8));
    }
    return (t1 - t0) / 1e6;
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }

  private static void awaitReady(HttpClient http, URI base) throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(base.resolve("/-/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(base + " did not become ready");
  }
}
