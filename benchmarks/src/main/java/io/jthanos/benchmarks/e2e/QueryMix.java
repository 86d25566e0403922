package io.jthanos.benchmarks.e2e;

import java.util.List;

/** The fixed query mix, over the generator's Kubernetes fleet metrics. */
public final class QueryMix {
  private QueryMix() {}

  /** A named PromQL query. */
  public record Query(String name, String promql) {}

  public static final List<Query> QUERIES =
      List.of(
          new Query("selector", "container_memory_working_set_bytes{namespace=\"payments\"}"),
          new Query("sum-rate", "sum by (namespace) (rate(http_requests_total[5m]))"),
          new Query(
              "histogram_quantile",
              "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))"),
          new Query("topk", "topk(5, rate(container_cpu_usage_seconds_total[5m]))"),
          new Query(
              "join",
              "container_memory_working_set_bytes * on (namespace, pod) group_left (version)"
                  + " app_build_info"),
          new Query("max_over_time", "max_over_time(process_resident_memory_bytes[1h])"),
          new Query("count-all-by-job", "count by (job) ({__name__=~\".+\"})"));

  /** Steps a dashboard picks from, as Grafana rounds its computed interval. */
  private static final long[] NICE_STEPS_S = {
    15, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200, 86400
  };

  /**
   * The step Grafana would use for a panel about 250 points wide: range/250 rounded to the nearest
   * (in ratio) of the usual intervals, never below the scrape interval.
   */
  public static long stepSeconds(long rangeMs, long scrapeIntervalMs) {
    double raw = rangeMs / 1000.0 / 250;
    long best = NICE_STEPS_S[0];
    double bestDist = Double.MAX_VALUE;
    for (long s : NICE_STEPS_S) {
      double d = Math.abs(Math.log(s / raw));
      if (d < bestDist) {
        bestDist = d;
        best = s;
      }
    }
    return Math.max(best, scrapeIntervalMs / 1000);
  }
}
