package io.jthanos.promql.engine;

import io.jthanos.tsdb.labels.Labels;
import java.util.HashMap;
import java.util.Map;

/**
 * Detects two series with equal labels that both have a point at the same step (Prometheus checks
 * each step's output vector of functions and operators).
 */
final class StepCollisionTracker {
  private final Map<Labels, long[]> seen = new HashMap<>();

  void check(StepSeries s) {
    long[] have = seen.get(s.labels);
    if (have == null) {
      seen.put(s.labels, s.bits.clone());
      return;
    }
    if (s.overlaps(have)) {
      throw Collector.duplicateLabelset();
    }
    for (int i = 0; i < have.length; i++) {
      have[i] |= s.bits[i];
    }
  }
}
