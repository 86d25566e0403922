package io.jthanos.benchmarks.promql;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jthanos.promql.Engine;
import io.jthanos.promql.EngineOptions;
import io.jthanos.promql.PromqlSemantics;
import io.jthanos.promql.QueryOptions;
import io.jthanos.promql.QueryResult;
import io.jthanos.promql.json.PrometheusJson;
import io.jthanos.tsdb.block.BlockReader;
import java.io.IOException;
import java.io.OutputStream;
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
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Side by side with the real Prometheus (2.42 from PATH) on the same TSDB block: each query is
 * answered by Prometheus' HTTP API and by our engine over a {@link BlockReader} of the same block,
 * including the JSON encoding of the answer (discarded). Median wall time of several runs after
 * warm-up. Usage: {@code java -cp benchmarks.jar io.jthanos.benchmarks.promql.PromqlVsPrometheus
 * [series] [runs] [query regex]}.
 */
public final class PromqlVsPrometheus {
  private static final long DAY = 86_400_000L;

  private PromqlVsPrometheus() {}

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
    Path tmp = Files.createTempDirectory("jthanos-promql-vs-prometheus-");
    Process prom = null;
    try {
      Path data = Files.createDirectories(tmp.resolve("data"));
      Path blockDir = PromqlData.block(data, series, DAY, 15_000);
      Files.createDirectories(data.resolve("wal"));
      Files.writeString(tmp.resolve("prometheus.yml"), "scrape_configs: []\n");
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      prom =
          new ProcessBuilder(
                  "prometheus",
                  "--config.file=" + tmp.resolve("prometheus.yml"),
                  "--storage.tsdb.path=" + data,
                  "--storage.tsdb.retention.time=100y",
                  "--web.listen-address=127.0.0.1:" + port)
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("prometheus.log").toFile())
              .start();
      Process p = prom;
      Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI base = URI.create("http://127.0.0.1:" + port);
      awaitReady(http, base);

      Engine engine =
          new Engine(EngineOptions.builder().semantics(PromqlSemantics.PROMETHEUS_2).build());
      long start = PromqlData.START;
      long end = start + DAY;
      long step = 60_000;
      System.out.printf(
          Locale.ROOT,
          "%d series x 1 day at 15s (%d samples), range queries over the day, step 60s, median of"
              + " %d%n",
          series,
          series * (DAY / 15_000),
          runs);
      System.out.printf(
          Locale.ROOT, "%-40s %12s %12s %8s%n", "query", "prometheus", "jthanos", "ratio");
      try (BlockReader block = BlockReader.open(blockDir)) {
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
          for (int i = -2; i < runs; i++) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r =
                http.send(
                    HttpRequest.newBuilder(base.resolve(path))
                        .timeout(Duration.ofMinutes(5))
                        .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            long t1 = System.nanoTime();
            if (r.statusCode() != 200) {
              throw new IllegalStateException(
                  q + ": " + new String(r.body(), StandardCharsets.UTF_8));
            }
            QueryResult res =
                engine.rangeQuery(block, q, start, end, step, QueryOptions.DEFAULT).exec();
            try (JsonGenerator g =
                PrometheusJson.createGenerator(OutputStream.nullOutputStream())) {
              PrometheusJson.writeSuccess(g, res.value(), res.warnings(), res.infos());
            }
            long t2 = System.nanoTime();
            if (i >= 0) {
              theirs[i] = (t1 - t0) / 1e6;
              ours[i] = (t2 - t1) / 1e6;
            }
          }
          double a = median(theirs);
          double b = median(ours);
          System.out.printf(Locale.ROOT, "%-40s %9.1f ms %9.1f ms %7.2fx%n", q, a, b, a / b);
        }
      }
    } finally {
      if (prom != null) {
        prom.destroy();
        prom.waitFor();
      }
      try (Stream<Path> s = Files.walk(tmp)) {
        s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
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
    throw new IllegalStateException("prometheus did not become ready");
  }
}
