package io.jthanos.promql;

/**
 * Which Prometheus release line the engine imitates. Prometheus 3.x is the default (current
 * Thanos); 2.x semantics are kept for compatibility testing against Prometheus 2.42 and for users
 * who pin them with the hidden querier flag {@code --query.promql-semantics=2}.
 *
 * <p>Differences: 2.x windows (range selectors, lookback, subquery steps) include their left edge,
 * 3.x ones exclude it; 2.x anchors matcher regexes as {@code ^(?:re)$} (dot does not match a
 * newline), 3.x as {@code ^(?s:re)$}; 2.x has {@code holt_winters}, 3.x {@code
 * double_exponential_smoothing} (experimental); 3.x sums and averages use Kahan summation;
 * aggregation parameters are evaluated per step in 2.x and once in 3.x; 3.x accepts quoted UTF-8
 * metric and label names and durations as numbers.
 */
public enum PromqlSemantics {
  PROMETHEUS_2,
  PROMETHEUS_3;

  /** Parses the flag value: {@code 2} or {@code 3}. */
  public static PromqlSemantics fromFlag(String v) {
    return switch (v.trim()) {
      case "2" -> PROMETHEUS_2;
      case "3" -> PROMETHEUS_3;
      default ->
          throw new IllegalArgumentException(
              "invalid PromQL semantics version " + v + ": expected 2 or 3");
    };
  }

  public boolean isV2() {
    return this == PROMETHEUS_2;
  }

  public io.jthanos.tsdb.labels.RegexDialect regexDialect() {
    return this == PROMETHEUS_2
        ? io.jthanos.tsdb.labels.RegexDialect.PROMETHEUS_2
        : io.jthanos.tsdb.labels.RegexDialect.PROMETHEUS_3;
  }
}
