package io.jthanos.promql.parser;

public record NumberLiteral(double value, PosRange pos) implements Expr {
  @Override
  public ValueType type() {
    return ValueType.SCALAR;
  }

  @Override
  public String toString() {
    return Printer.print(this);
  }
}
