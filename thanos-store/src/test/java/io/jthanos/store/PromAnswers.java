package io.jthanos.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/** Fetching and comparing Prometheus HTTP API answers (ours against Prometheus'). */
final class PromAnswers {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  private PromAnswers() {}

  static JsonNode get(String base, String pathAndQuery) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + pathAndQuery)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String secs(long ms) {
    return ms / 1000 + "." + String.format("%03d", ms % 1000);
  }

  /** Number of points in an answer. */
  static long points(JsonNode answer) {
    JsonNode d = answer.path("data");
    String type = d.path("resultType").asText();
    long n = 0;
    for (JsonNode s : d.path("result")) {
      n += type.equals("matrix") ? s.path("values").size() : 1;
    }
    return n;
  }

  /** Null when equal (values compared numerically, series by labels unless ordered). */
  static String compare(JsonNode theirs, JsonNode ours, boolean ordered) {
    String ts = theirs.path("status").asText();
    String os = ours.path("status").asText();
    if (!ts.equals(os)) {
      return "status "
          + ts
          + " vs "
          + os
          + " ("
          + ours.path("error").asText()
          + theirs.path("error").asText()
          + ")";
    }
    if (ts.equals("error")) {
      return theirs.path("errorType").equals(ours.path("errorType"))
          ? null
          : "error types " + theirs.path("errorType") + " vs " + ours.path("errorType");
    }
    JsonNode td = theirs.get("data");
    JsonNode od = ours.get("data");
    if (!td.get("resultType").equals(od.get("resultType"))) {
      return "result types differ";
    }
    JsonNode tr = td.get("result");
    JsonNode or = od.get("result");
    String type = td.get("resultType").asText();
    if (type.equals("scalar") || type.equals("string")) {
      return same(tr.get(1).asText(), or.get(1).asText()) && tr.get(0).equals(or.get(0))
          ? null
          : "scalar " + tr + " vs " + or;
    }
    if (tr.size() != or.size()) {
      return "series count " + tr.size() + " vs " + or.size();
    }
    Map<JsonNode, JsonNode> mine = new HashMap<>();
    for (JsonNode s : or) {
      mine.put(s.get("metric"), s);
    }
    Iterator<JsonNode> oi = or.iterator();
    for (JsonNode t : tr) {
      JsonNode o = ordered ? oi.next() : mine.get(t.get("metric"));
      if (o == null || !o.get("metric").equals(t.get("metric"))) {
        return "missing series " + t.get("metric");
      }
      if (type.equals("vector")) {
        if (!t.get("value").get(0).equals(o.get("value").get(0))
            || !same(t.get("value").get(1).asText(), o.get("value").get(1).asText())) {
          return "value of " + t.get("metric") + ": " + t.get("value") + " vs " + o.get("value");
        }
      } else {
        JsonNode tv = t.get("values");
        JsonNode ov = o.get("values");
        if (tv.size() != ov.size()) {
          return "points of " + t.get("metric") + ": " + tv.size() + " vs " + ov.size();
        }
        for (int i = 0; i < tv.size(); i++) {
          if (!tv.get(i).get(0).equals(ov.get(i).get(0))
              || !same(tv.get(i).get(1).asText(), ov.get(i).get(1).asText())) {
            return "point " + i + " of " + t.get("metric") + ": " + tv.get(i) + " vs " + ov.get(i);
          }
        }
      }
    }
    return null;
  }

  static boolean same(String a, String b) {
    if (a.equals(b)) {
      return true;
    }
    double x = Double.parseDouble(a.replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
    double y = Double.parseDouble(b.replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
    if (Double.isNaN(x) && Double.isNaN(y)) {
      return true;
    }
    return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
  }
}
