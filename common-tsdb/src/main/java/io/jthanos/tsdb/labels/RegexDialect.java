package io.jthanos.tsdb.labels;

/**
 * How a matcher's regular expression is anchored. Prometheus 3.x wraps it as {@code ^(?s:re)$} (dot
 * matches newline); 2.x as {@code ^(?:re)$}.
 */
public enum RegexDialect {
  PROMETHEUS_2,
  PROMETHEUS_3;

  public static RegexDialect defaultDialect() {
    return PROMETHEUS_3;
  }

  String anchor(String re) {
    return this == PROMETHEUS_3 ? "^(?s:" + re + ")$" : "^(?:" + re + ")$";
  }
}
