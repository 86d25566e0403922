package io.jthanos.benchmarks.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Range queries against a Prometheus HTTP API (Prometheus itself or the querier), timed. */
final class ApiClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String base;

  ApiClient(String base) {
    this.base = base;
  }

  String base() {
    return base;
  }

  /** One timed answer: wall time of the HTTP call with the body fully read, and the body. */
  record Timed(double millis, byte[] body) {}

  /** What the answer says: series and points returned, and the engine's samples if reported. */
  record Answer(int series, long points, long totalQueryableSamples) {}

  Timed rangeQuery(
      String promql,
      long startMs,
      long endMs,
      long stepS,
      String maxSourceResolution,
      boolean stats)
      throws IOException, InterruptedException {
    StringBuilder uri =
        new StringBuilder(base)
            .append("/api/v1/query_range?query=")
            .append(URLEncoder.encode(promql, StandardCharsets.UTF_8))
            .append("&start=")
            .append(startMs / 1000)
            .append("&end=")
            .append(endMs / 1000)
            .append("&step=")
            .append(stepS);
    if (maxSourceResolution != null) {
      uri.append("&max_source_resolution=").append(maxSourceResolution);
    }
    if (stats) {
      uri.append("&stats=all");
    }
    long t0 = System.nanoTime();
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(URI.create(uri.toString()))
                .timeout(Duration.ofMinutes(10))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    double ms = (System.nanoTime() - t0) / 1e6;
    if (r.statusCode() != 200) {
      throw new IOException(
          base
              + ": "
              + promql
              + ": HTTP "
              + r.statusCode()
              + ": "
              + new String(r.body(), StandardCharsets.UTF_8));
    }
    return new Timed(ms, r.body());
  }

  /** Parses an answer; fails unless it is a successful matrix. */
  static Answer parse(byte[] body) throws IOException {
    JsonNode n = JSON.readTree(body);
    if (!"success".equals(n.path("status").asText())) {
      throw new IOException("query failed: " + new String(body, StandardCharsets.UTF_8));
    }
    JsonNode result = n.path("data").path("result");
    long points = 0;
    for (JsonNode s : result) {
      points += s.path("values").size() + s.path("histograms").size();
    }
    long samples =
        n.path("data").path("stats").path("samples").path("totalQueryableSamples").asLong(-1);
    return new Answer(result.size(), points, samples);
  }

  /** The text exposition of {@code /metrics}. */
  String metrics() throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** The sum of every sample of {@code name} whose labels contain {@code labelFilter}. */
  static double metricSum(String exposition, String name, String labelFilter) {
    double sum = 0;
    for (String l : exposition.split("\n")) {
      if (l.startsWith(name)
          && (l.length() > name.length()
              && (l.charAt(name.length()) == '{' || l.charAt(name.length()) == ' '))
          && (labelFilter.isEmpty() || l.contains(labelFilter))) {
        int sp = l.lastIndexOf(' ');
        sum += Double.parseDouble(l.substring(sp + 1));
      }
    }
    return sum;
  }
}
