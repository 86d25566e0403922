package io.jthanos.promql.parser;

public record ParenExpr(Expr expr, PosRange pos) implements Expr {
  @Override
  public ValueType type() {
    return expr.type();
  }

  @Override
  public String toString() {
    return Printer.print(this);
  }
}
