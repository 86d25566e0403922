package io.jthanos.promql;

import io.jthanos.promql.value.Value;
import java.util.List;

/**
 * A successful query's value with its annotations, already rendered as Prometheus writes them (e.g.
 * {@code PromQL info: metric might not be a counter, ... (1:6)}). Storage warnings (e.g. a failed
 * store under partial response) are in {@code warnings} too. Thanos' envelope has no {@code infos}:
 * its querier returns {@link #allWarnings()}.
 */
public record QueryResult(Value value, List<String> warnings, List<String> infos) {
  public QueryResult {
    warnings = List.copyOf(warnings);
    infos = List.copyOf(infos);
  }

  /** Warnings followed by infos, as the Thanos querier reports them. */
  public List<String> allWarnings() {
    if (infos.isEmpty()) {
      return warnings;
    }
    if (warnings.isEmpty()) {
      return infos;
    }
    List<String> all = new java.util.ArrayList<>(warnings);
    all.addAll(infos);
    return List.copyOf(all);
  }
}
