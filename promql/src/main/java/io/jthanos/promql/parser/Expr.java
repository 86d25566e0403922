package io.jthanos.promql.parser;

/** A PromQL expression node. Immutable; {@link #toString()} prints it back as PromQL. */
public sealed interface Expr
    permits NumberLiteral,
        StringLiteral,
        VectorSelector,
        MatrixSelector,
        SubqueryExpr,
        ParenExpr,
        UnaryExpr,
        BinaryExpr,
        AggregateExpr,
        Call {

  ValueType type();

  /** Where the node is in the query text. */
  PosRange pos();

  /** Removes any number of enclosing parentheses. */
  static Expr unwrapParens(Expr e) {
    while (e instanceof ParenExpr p) {
      e = p.expr();
    }
    return e;
  }
}
