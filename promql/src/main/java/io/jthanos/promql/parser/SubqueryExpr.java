package io.jthanos.promql.parser;

/** A subquery {@code expr[range:step]}; {@code stepMs} 0 means the default evaluation interval. */
public record SubqueryExpr(
    Expr expr, long rangeMs, long stepMs, long offsetMs, AtModifier at, int endPos)
    implements Expr {
  @Override
  public ValueType type() {
    return ValueType.MATRIX;
  }

  @Override
  public PosRange pos() {
    return new PosRange(expr.pos().start(), endPos);
  }

  public SubqueryExpr withOffset(long o, int end) {
    return new SubqueryExpr(expr, rangeMs, stepMs, o, at, end);
  }

  public SubqueryExpr withAt(AtModifier a, int end) {
    return new SubqueryExpr(expr, rangeMs, stepMs, offsetMs, a, end);
  }

  @Override
  public String toString() {
    return Printer.print(this);
  }
}
