package io.jthanos.promql.parser;

import java.util.List;

/**
 * How the two sides of a vector-vector binary operation are matched: cardinality, {@code on} or
 * {@code ignoring} labels, and the labels a {@code group_x} modifier copies from the "one" side.
 */
public record VectorMatching(
    Card card, List<String> matchingLabels, boolean on, List<String> include) {
  public enum Card {
    ONE_TO_ONE,
    MANY_TO_ONE,
    ONE_TO_MANY,
    MANY_TO_MANY
  }

  public VectorMatching {
    matchingLabels = List.copyOf(matchingLabels);
    include = List.copyOf(include);
  }

  public VectorMatching withCard(Card c) {
    return new VectorMatching(c, matchingLabels, on, include);
  }
}
