package io.jthanos.promql.parser;

import java.util.List;

/** A function call. */
public record Call(FunctionDef func, List<Expr> args, PosRange pos) implements Expr {
  public Call {
    args = List.copyOf(args);
  }

  @Override
  public ValueType type() {
    return func.returnType();
  }

  @Override
  public String toString() {
    return Printer.print(this);
  }
}
