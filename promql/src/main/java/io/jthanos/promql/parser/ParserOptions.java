package io.jthanos.promql.parser;

import io.jthanos.promql.PromqlSemantics;

/**
 * Parser settings: the semantics version (function table, quoted names, regex dialect) and whether
 * experimental functions and aggregations ({@code limitk}, {@code sort_by_label}, ...) are
 * accepted.
 */
public record ParserOptions(PromqlSemantics semantics, boolean experimentalFunctions) {
  public static final ParserOptions DEFAULT =
      new ParserOptions(PromqlSemantics.PROMETHEUS_3, false);

  public static ParserOptions of(PromqlSemantics semantics) {
    return new ParserOptions(semantics, false);
  }
}
