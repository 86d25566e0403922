package io.jthanos.promql.parser;

/** A range vector selector: {@code selector[range]}; offset and @ live on the selector. */
public record MatrixSelector(VectorSelector selector, long rangeMs, int endPos) implements Expr {
  @Override
  public ValueType type() {
    return ValueType.MATRIX;
  }

  @Override
  public PosRange pos() {
    return new PosRange(selector.pos().start(), endPos);
  }

  @Override
  public String toString() {
    return Printer.print(this);
  }
}
