package io.jthanos.promql.engine;

import io.jthanos.tsdb.labels.Labels;
import java.util.HashMap;
import java.util.Map;

/**
 * Detects two different input series that end up with the same labels (Prometheus checks whole
 * matrices for range-vector functions and unary minus).
 */
final class WholeSeriesTracker {
  private final Map<Labels, Labels> seen = new HashMap<>();

  void check(Labels out, Labels in) {
    Labels prev = seen.putIfAbsent(out, in);
    if (prev != null && !prev.equals(in)) {
      throw Collector.duplicateLabelset();
    }
  }
}
