package io.jthanos.promql.parser;

public record StringLiteral(String value, PosRange pos) implements Expr {
  @Override
  public ValueType type() {
    return ValueType.STRING;
  }

  @Override
  public String toString() {
    return Printer.print(this);
  }
}
