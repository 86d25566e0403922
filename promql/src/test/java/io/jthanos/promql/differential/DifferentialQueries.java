package io.jthanos.promql.differential;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The differential test's queries: every PromQL function of Prometheus 2.42 and every operator and
 * aggregation, over the metrics of {@link DifferentialData}.
 */
public final class DifferentialQueries {
  private DifferentialQueries() {}

  public static List<String> all(long atSeconds) {
    LinkedHashSet<String> q = new LinkedHashSet<>();
    String c = "http_requests_total";
    String g = "memory_bytes";
    String t = "temperature_celsius";

    // Selectors and modifiers.
    q.add(c);
    q.add(c + "{job=\"api\"}");
    q.add(c + "{job!=\"api\",code=~\"5..\"}");
    q.add("{__name__=~\"http_.*|memory_bytes\",instance=\"i-1\"}");
    q.add(c + "{method!~\"g.*\"}");
    q.add(g + " offset 10m");
    q.add(g + " offset -7m");
    q.add(g + " @ " + atSeconds);
    q.add(g + " @ start()");
    q.add(g + " @ end() offset 1m");
    q.add("sparse_metric");
    q.add("weird_gauge");
    q.add("label_source");
    q.add("nonexistent_metric");
    q.add(t + "{room=~\"(?i)LAB|attic\"}");
    q.add(t + "{room=~\"c.*\",room!=\"cellar\"}");

    // Range functions over counters and gauges.
    String[] counterFns = {"rate", "irate", "increase", "resets"};
    String[] gaugeFns = {
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
      "present_over_time",
      "absent_over_time"
    };
    for (String f : counterFns) {
      q.add(f + "(" + c + "[5m])");
      q.add(f + "(" + c + "{job=\"db\"}[1m])");
      q.add(f + "(" + c + "{instance=\"i-3\"}[17m] offset 3m)");
    }
    for (String f : gaugeFns) {
      q.add(f + "(" + g + "[5m])");
      q.add(f + "(" + t + "[1m])");
      q.add(f + "(" + t + "[13m] @ " + atSeconds + ")");
      q.add(f + "(sparse_metric[10m])");
    }
    for (String f :
        List.of("avg_over_time", "max_over_time", "sum_over_time", "stddev_over_time")) {
      q.add(f + "(weird_gauge[10m])");
    }
    q.add("rate(sparse_metric[5m])");
    q.add("increase(sparse_metric[20m])");
    q.add("predict_linear(" + g + "[30m], 3600)");
    q.add("predict_linear(" + t + "[10m], -600)");
    q.add("quantile_over_time(0.75, " + t + "[30m])");
    q.add("quantile_over_time(0, " + g + "[10m])");
    q.add("quantile_over_time(1.5, " + g + "[10m])");
    q.add("holt_winters(" + g + "[30m], 0.3, 0.6)");
    q.add("holt_winters(" + t + "[10m], 0.9, 0.1)");
    q.add("absent_over_time(nonexistent_metric[5m])");
    q.add("absent_over_time(" + c + "{job=\"nope\",code=\"1\"}[5m])");

    // Instant functions.
    for (String f :
        List.of(
            "abs",
            "ceil",
            "floor",
            "exp",
            "ln",
            "log2",
            "log10",
            "sqrt",
            "sgn",
            "acos",
            "asin",
            "atan",
            "cos",
            "sin",
            "tan",
            "acosh",
            "asinh",
            "atanh",
            "cosh",
            "sinh",
            "tanh",
            "deg",
            "rad",
            "timestamp",
            "day_of_month",
            "day_of_week",
            "day_of_year",
            "days_in_month",
            "hour",
            "minute",
            "month",
            "year")) {
      q.add(f + "(" + t + ")");
    }
    for (String f : List.of("abs", "exp", "ln", "sqrt", "sgn", "floor", "timestamp")) {
      q.add(f + "(weird_gauge)");
    }
    for (String f :
        List.of(
            "year",
            "month",
            "day_of_month",
            "day_of_year",
            "day_of_week",
            "days_in_month",
            "hour",
            "minute")) {
      // NaN and infinities, and times far outside the calendar's usual range.
      q.add(f + "(weird_gauge)");
      q.add(f + "(" + g + " * 1e9)");
      q.add(f + "(-" + g + " * 3e3)");
    }
    q.add("ln(" + g + ")");
    q.add("round(" + t + ")");
    q.add("round(" + t + ", 0.25)");
    q.add("round(" + t + ", 5)");
    q.add("clamp(" + t + ", -2, 15)");
    q.add("clamp(" + t + ", 5, -5)");
    q.add("clamp_min(" + t + ", 3)");
    q.add("clamp_max(" + t + ", 3)");
    q.add("time()");
    q.add("pi()");
    q.add("vector(1)");
    q.add("vector(time())");
    q.add("scalar(sum(" + g + "))");
    q.add("scalar(" + g + ")");
    q.add("day_of_week()");
    q.add("hour()");
    q.add("year(vector(1e9))");
    q.add("minute(" + g + " @ start())");
    q.add("absent(nonexistent_metric)");
    q.add("absent(nonexistent_metric{job=\"x\",instance=~\"y\"})");
    q.add("absent(" + g + ")");
    q.add("sort(" + g + ")");
    q.add("sort_desc(" + g + ")");
    q.add("sort(rate(" + c + "[5m]))");
    q.add("sort_desc(sum by (job) (" + g + "))");
    q.add("label_replace(" + c + ", \"short\", \"$1\", \"instance\", \"i-(.*)\")");
    q.add("label_replace(label_source, \"kind\", \"$1-$2\", \"src\", \"([a-z]+)[-_](.*)\")");
    q.add("label_replace(label_source, \"src\", \"\", \"src\", \".*\")");
    q.add("label_replace(label_source, \"x\", \"${1}y\", \"path\", \"/(.)/.*\")");
    q.add("label_join(" + g + ", \"id\", \"/\", \"job\", \"instance\")");
    q.add("label_join(label_source, \"src\", \",\", \"path\", \"src\", \"nope\")");
    q.add("histogram_quantile(0.9, rate(request_duration_seconds_bucket[5m]))");
    q.add("histogram_quantile(0.5, sum by (le, job) (rate(request_duration_seconds_bucket[10m])))");
    q.add("histogram_quantile(0.99, sum by (le) (increase(request_duration_seconds_bucket[1h])))");
    q.add("histogram_quantile(0, request_duration_seconds_bucket)");
    q.add("histogram_quantile(1.2, request_duration_seconds_bucket)");
    q.add("histogram_quantile(-1, request_duration_seconds_bucket)");

    // Aggregations.
    String[] aggs = {"sum", "avg", "min", "max", "count", "group", "stddev", "stdvar"};
    for (String a : aggs) {
      q.add(a + "(" + g + ")");
      q.add(a + " by (job) (rate(" + c + "[5m]))");
      q.add(a + " without (instance, method) (" + c + ")");
      q.add(a + "(weird_gauge)");
    }
    q.add("sum by (job, code) (increase(" + c + "[10m]))");
    q.add("sum by (nonexistent) (" + g + ")");
    q.add("sum without () (" + g + ")");
    q.add("avg by (room) (" + t + ")");
    for (String a : List.of("topk", "bottomk")) {
      q.add(a + "(3, " + g + ")");
      q.add(a + " by (job) (1, " + g + ")");
      q.add(a + "(2, rate(" + c + "[5m]))");
      q.add(a + "(scalar(count(" + t + ")) - 3, " + t + ")");
      q.add(a + "(1, weird_gauge)");
    }
    q.add("quantile(0.5, " + g + ")");
    q.add("quantile by (job) (0.9, rate(" + c + "[5m]))");
    q.add("quantile(0, " + t + ")");
    q.add("quantile(1.1, " + t + ")");
    q.add("count_values(\"value\", round(" + t + "))");
    q.add("count_values by (job) (\"v\", floor(rate(" + c + "[5m])))");
    q.add("count_values(\"x\", weird_gauge)");
    q.add("count(count by (job) (" + c + "))");

    // Binary operators.
    String[] arith = {"+", "-", "*", "/", "%", "^", "atan2"};
    for (String op : arith) {
      q.add(t + " " + op + " 2");
      q.add("3 " + op + " " + t);
      q.add(g + " " + op + " on(job, instance) group_left " + g + " offset 5m");
    }
    q.add(c + "{code=\"500\"} / ignoring(code) " + c + "{code=\"200\"}");
    q.add(c + " / on(job, instance) group_left(version) build_info");
    q.add("build_info * on(job, instance) group_right(version) " + g);
    q.add("sum by (job) (" + g + ") / on(job) group_right sum by (job, instance) (" + g + ")");
    q.add(c + " + on(job) group_left " + g);
    q.add(g + " / " + g);
    q.add(g + " / (" + g + " - " + g + ")");
    q.add("-" + g);
    q.add("-(-" + t + ")");
    q.add("2 ^ 3 ^ 2");
    q.add("-2 ^ 2");
    q.add("1 + 2 * 3 - 4 / 5 % 3");
    q.add("(1 + 2) * 3");
    q.add("0 / 0");
    q.add("1 / 0 - 1 / 0");
    q.add("10 % 3.5");
    q.add("time() - timestamp(" + g + ")");
    String[] cmp = {"==", "!=", ">", "<", ">=", "<="};
    for (String op : cmp) {
      q.add(t + " " + op + " 10");
      q.add(t + " " + op + " bool 10");
      q.add("10 " + op + " bool " + t);
      q.add("1 " + op + " bool 2");
      q.add(g + " " + op + " " + g + " offset 1m");
      q.add(g + " " + op + " bool " + g + " offset 1m");
    }
    q.add("weird_gauge == weird_gauge");
    q.add("weird_gauge != bool weird_gauge");
    q.add(c + " and " + c + "{code=\"200\"}");
    q.add(c + " and on(job) " + t);
    q.add(g + " or " + t);
    q.add(g + "{job=\"api\"} or on(instance) " + g);
    q.add(c + " unless " + c + "{method=\"get\"}");
    q.add(g + " unless ignoring(job) " + g + "{job=\"db\"}");
    q.add("sparse_metric or vector(0)");
    q.add("(sparse_metric > 1000) or on() vector(-1)");
    q.add("rate(" + c + "[5m]) > 5");
    q.add("rate(" + c + "[5m]) > bool 5");
    q.add("sum(rate(" + c + "[5m])) by (job) > on(job) group_left sum by (job) (" + g + ") / 1e8");

    // Subqueries.
    q.add("max_over_time(rate(" + c + "[5m])[30m:1m])");
    q.add("min_over_time(" + g + "[17m:3m] offset 5m)");
    q.add("sum_over_time(sum(" + g + ")[1h:])");
    q.add("rate(" + c + "{job=\"web\"}[5m:30s])");
    q.add("avg_over_time(deriv(" + t + "[5m])[20m:2m])");
    q.add("max_over_time((" + t + " > 20)[30m:])");
    q.add("count_over_time(sparse_metric[1h:5m])");
    q.add("last_over_time(" + g + "[10m:1m] @ " + atSeconds + ")");
    q.add("quantile_over_time(0.5, rate(" + c + "[2m])[15m:45s])");
    q.add("holt_winters(sum(" + g + ")[1h:5m], 0.5, 0.5)");
    q.add("changes(round(" + t + ")[30m:1m])");

    // Errors both sides must report.
    q.add(c + " + " + c + "{code=\"500\"} * on() group_left " + c);
    q.add(g + " + on(job) " + g);
    q.add("label_replace(" + g + ", \"a\", \"b\", \"job\", \"(\")");

    List<String> out = new ArrayList<>(q);
    return out;
  }
}
