package io.jthanos.promql.parser;

/** {@code -expr} or {@code +expr}. */
public record UnaryExpr(TokenType op, Expr expr, int startPos) implements Expr {
  @Override
  public ValueType type() {
    return expr.type();
  }

  @Override
  public PosRange pos() {
    return new PosRange(startPos, expr.pos().end());
  }

  @Override
  public String toString() {
    return Printer.print(this);
  }
}
