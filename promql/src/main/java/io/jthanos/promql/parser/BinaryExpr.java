package io.jthanos.promql.parser;

/** A binary operation. {@code matching} is null unless both sides are instant vectors. */
public record BinaryExpr(
    TokenType op, Expr lhs, Expr rhs, VectorMatching matching, boolean returnBool) implements Expr {
  @Override
  public ValueType type() {
    if (lhs.type() == ValueType.SCALAR && rhs.type() == ValueType.SCALAR) {
      return ValueType.SCALAR;
    }
    return ValueType.VECTOR;
  }

  @Override
  public PosRange pos() {
    return new PosRange(lhs.pos().start(), rhs.pos().end());
  }

  @Override
  public String toString() {
    return Printer.print(this);
  }
}
