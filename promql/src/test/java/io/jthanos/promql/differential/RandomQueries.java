package io.jthanos.promql.differential;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random, well-typed PromQL queries over the metrics of {@link DifferentialData} (functions and
 * operators of Prometheus 2.42 only), for differential testing. Deterministic for a seed.
 */
final class RandomQueries {
  private final Random rnd;

  RandomQueries(long seed) {
    this.rnd = new Random(seed);
  }

  private static final String[] SELECTORS = {
    "http_requests_total",
    "http_requests_total{job=\"api\"}",
    "http_requests_total{code=~\"5..\",method!=\"get\"}",
    "memory_bytes",
    "memory_bytes{instance=~\"i-[12]\"}",
    "temperature_celsius",
    "request_duration_seconds_bucket",
    "build_info",
    "sparse_metric",
    "weird_gauge",
    "label_source"
  };
  private static final String[] RANGES = {"1m", "5m", "13m", "1h"};
  private static final String[] LABELS = {"job", "instance", "code", "room", "le", "kind"};
  private static final String[] RANGE_FNS = {
    "rate",
    "irate",
    "increase",
    "delta",
    "idelta",
    "deriv",
    "changes",
    "resets",
    "avg_over_time",
    "min_over_time",
    "max_over_time",
    "sum_over_time",
    "count_over_time",
    "stddev_over_time",
    "stdvar_over_time",
    "last_over_time",
    "present_over_time"
  };
  private static final String[] FNS = {
    "abs",
    "ceil",
    "floor",
    "round",
    "sqrt",
    "ln",
    "exp",
    "sgn",
    "timestamp",
    "hour",
    "sort",
    "sort_desc",
    "-"
  };
  private static final String[] AGGS = {
    "sum", "avg", "min", "max", "count", "group", "stddev", "stdvar"
  };
  private static final String[] ARITH = {"+", "-", "*", "/", "%", "^", "atan2"};
  private static final String[] CMP = {"==", "!=", ">", "<", ">=", "<="};
  private static final String[] SET = {"and", "or", "unless"};

  private String pick(String[] a) {
    return a[rnd.nextInt(a.length)];
  }

  private String grouping() {
    int n = rnd.nextInt(3);
    List<String> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String x = pick(LABELS);
      if (!l.contains(x)) {
        l.add(x);
      }
    }
    return "(" + String.join(", ", l) + ")";
  }

  private String modifiers() {
    return switch (rnd.nextInt(6)) {
      case 0 -> " offset " + pick(new String[] {"5m", "1h", "-2m"});
      case 1 -> " @ " + pick(new String[] {"start()", "end()"});
      default -> "";
    };
  }

  String matrix(int depth) {
    if (depth > 2 || rnd.nextInt(4) > 0) {
      return pick(SELECTORS) + "[" + pick(RANGES) + "]" + modifiers();
    }
    return "("
        + vector(depth + 1)
        + ")["
        + pick(RANGES)
        + ":"
        + pick(new String[] {"", "1m", "30s"})
        + "]";
  }

  String scalar(int depth) {
    return switch (depth > 2 ? 0 : rnd.nextInt(5)) {
      case 0, 1 -> pick(new String[] {"2", "0.5", "10", "-3", "1e3", "0"});
      case 2 -> "scalar(" + vector(depth + 1) + ")";
      case 3 -> "time()";
      default -> scalar(depth + 1) + " " + pick(ARITH) + " " + scalar(depth + 1);
    };
  }

  String vector(int depth) {
    int choice = depth > 3 ? rnd.nextInt(2) : rnd.nextInt(12);
    return switch (choice) {
      case 0 -> pick(SELECTORS) + modifiers();
      case 1 -> pick(RANGE_FNS) + "(" + matrix(depth + 1) + ")";
      case 2 -> {
        String f = pick(FNS);
        yield f.equals("-") ? "-(" + vector(depth + 1) + ")" : f + "(" + vector(depth + 1) + ")";
      }
      case 3 ->
          pick(AGGS)
              + (rnd.nextBoolean() ? " by " : " without ")
              + grouping()
              + " ("
              + vector(depth + 1)
              + ")";
      case 4 -> vector(depth + 1) + " " + pick(ARITH) + " " + scalar(depth + 1);
      case 5 -> scalar(depth + 1) + " " + pick(CMP) + " bool " + vector(depth + 1);
      case 6 -> vector(depth + 1) + " " + pick(CMP) + " " + scalar(depth + 1);
      case 7 -> {
        String match = rnd.nextBoolean() ? " on" + grouping() : " ignoring" + grouping();
        String group = rnd.nextInt(3) == 0 ? " group_left" : "";
        yield "("
            + vector(depth + 1)
            + ") "
            + pick(rnd.nextBoolean() ? ARITH : CMP)
            + match
            + group
            + " ("
            + vector(depth + 1)
            + ")";
      }
      case 8 ->
          "("
              + vector(depth + 1)
              + ") "
              + pick(SET)
              + " on"
              + grouping()
              + " ("
              + vector(depth + 1)
              + ")";
      case 9 ->
          // Only over inputs whose series order is defined: Prometheus feeds computed vectors to
          // aggregations in hash-map order, so which of several tied series topk keeps is random.
          pick(new String[] {"topk", "bottomk"})
              + " by "
              + grouping()
              + " ("
              + pick(new String[] {"1", "2", "5"})
              + ", "
              + (rnd.nextBoolean()
                  ? pick(SELECTORS)
                  : pick(RANGE_FNS) + "(" + pick(SELECTORS) + "[" + pick(RANGES) + "])")
              + ")";
      case 10 ->
          rnd.nextBoolean()
              ? "quantile_over_time(0.3, " + matrix(depth + 1) + ")"
              : "predict_linear(" + matrix(depth + 1) + ", 600)";
      default ->
          "quantile by "
              + grouping()
              + " ("
              + pick(new String[] {"0", "0.25", "0.9", "1"})
              + ", "
              + vector(depth + 1)
              + ")";
    };
  }

  List<String> generate(int n) {
    List<String> out = new ArrayList<>(n);
    while (out.size() < n) {
      out.add(vector(0));
    }
    return out;
  }
}
