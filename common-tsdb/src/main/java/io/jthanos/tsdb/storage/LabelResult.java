package io.jthanos.tsdb.storage;

import java.util.List;

/** Sorted label names or values, plus non-fatal warnings. */
public record LabelResult(List<String> values, List<String> warnings) {
  public LabelResult {
    values = List.copyOf(values);
    warnings = List.copyOf(warnings);
  }

  public static LabelResult of(List<String> values) {
    return new LabelResult(values, List.of());
  }
}
