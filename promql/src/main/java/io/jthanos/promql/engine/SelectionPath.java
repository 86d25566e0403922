package io.jthanos.promql.engine;

import java.util.List;

/**
 * What encloses a selector, passed to storage as select hints (Prometheus' {@code
 * extractFuncFromPath} / {@code extractGroupsFromPath}): the nearest function or aggregation name,
 * stopping at binary operators, and the grouping of an aggregation directly around it.
 */
record SelectionPath(String func, List<String> grouping, boolean by) {
  static final SelectionPath NONE = new SelectionPath("", List.of(), false);

  SelectionPath withFunc(String f) {
    return new SelectionPath(f, List.of(), false);
  }

  SelectionPath withAggregation(String op, List<String> g, boolean isBy) {
    return new SelectionPath(op, g, isBy);
  }

  /**
   * Passing through a node that is neither function nor aggregation: grouping no longer applies.
   */
  SelectionPath passThrough() {
    return grouping.isEmpty() && !by ? this : new SelectionPath(func, List.of(), false);
  }
}
