package io.jthanos.promql.parser;

import io.jthanos.tsdb.labels.Matcher;
import java.util.List;

/**
 * An instant vector selector. {@code name} is the metric name written outside the braces (null when
 * there is none); {@code matchers} includes the name matcher.
 */
public record VectorSelector(
    String name, List<Matcher> matchers, long offsetMs, AtModifier at, PosRange pos)
    implements Expr {
  public VectorSelector {
    matchers = List.copyOf(matchers);
  }

  @Override
  public ValueType type() {
    return ValueType.VECTOR;
  }

  public VectorSelector withOffset(long o, int end) {
    return new VectorSelector(name, matchers, o, at, new PosRange(pos.start(), end));
  }

  public VectorSelector withAt(AtModifier a, int end) {
    return new VectorSelector(name, matchers, offsetMs, a, new PosRange(pos.start(), end));
  }

  @Override
  public String toString() {
    return Printer.print(this);
  }
}
