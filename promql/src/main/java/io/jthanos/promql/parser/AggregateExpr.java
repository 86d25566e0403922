package io.jthanos.promql.parser;

import java.util.List;

/** An aggregation such as {@code sum by (job) (x)} or {@code topk(3, x)}. */
public record AggregateExpr(
    TokenType op, Expr expr, Expr param, List<String> grouping, boolean without, PosRange pos)
    implements Expr {
  public AggregateExpr {
    grouping = List.copyOf(grouping);
  }

  @Override
  public ValueType type() {
    return ValueType.VECTOR;
  }

  @Override
  public String toString() {
    return Printer.print(this);
  }
}
