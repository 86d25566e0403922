package io.jthanos.promql.parser;

import io.jthanos.promql.text.GoStrings;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Prometheus' {@code checkAST}: type checks in the same order, recording errors on the parser.
 * {@link #normalize} afterwards makes set operations many-to-many and drops vector matching where a
 * side is a scalar.
 */
final class TypeChecker {
  private final Parser p;

  TypeChecker(Parser p) {
    this.p = p;
  }

  void check(Expr e) {
    if (e != null) {
      typeOf(e);
    }
  }

  private void expectType(Expr node, ValueType want, String context) {
    ValueType t = typeOf(node);
    if (t != want) {
      p.addError(
          node.pos(),
          "expected type " + want.documented() + " in " + context + ", got " + t.documented());
    }
  }

  private ValueType typeOf(Expr node) {
    ValueType typ = node.type();
    switch (node) {
      case AggregateExpr a -> {
        if (a.expr() == null) {
          break;
        }
        expectType(a.expr(), ValueType.VECTOR, "aggregation expression");
        switch (a.op()) {
          case TOPK, BOTTOMK, QUANTILE, LIMITK, LIMIT_RATIO ->
              expectType(a.param(), ValueType.SCALAR, "aggregation parameter");
          case COUNT_VALUES -> expectType(a.param(), ValueType.STRING, "aggregation parameter");
          default -> {}
        }
      }
      case BinaryExpr b -> {
        ValueType lt = typeOf(b.lhs());
        ValueType rt = typeOf(b.rhs());
        TokenType op = b.op();
        VectorMatching m = b.matching();
        if (b.returnBool() && !op.isComparisonOperator()) {
          p.addError(opRange(b), "bool modifier can only be used on comparison operators");
        }
        if (op.isComparisonOperator()
            && !b.returnBool()
            && b.rhs().type() == ValueType.SCALAR
            && b.lhs().type() == ValueType.SCALAR) {
          p.addError(opRange(b), "comparisons between scalars must use BOOL modifier");
        }
        VectorMatching.Card card = m.card();
        if (op.isSetOperator() && card == VectorMatching.Card.ONE_TO_ONE) {
          card = VectorMatching.Card.MANY_TO_MANY;
        }
        for (String l1 : m.matchingLabels()) {
          for (String l2 : m.include()) {
            if (l1.equals(l2) && m.on()) {
              p.addError(
                  opRange(b),
                  "label "
                      + GoStrings.quote(l1)
                      + " must not occur in ON and GROUP clause at once");
            }
          }
        }
        if (lt != ValueType.SCALAR && lt != ValueType.VECTOR) {
          p.addError(
              b.lhs().pos(), "binary expression must contain only scalar and instant vector types");
        }
        if (rt != ValueType.SCALAR && rt != ValueType.VECTOR) {
          p.addError(
              b.rhs().pos(), "binary expression must contain only scalar and instant vector types");
        }
        if (lt != ValueType.VECTOR || rt != ValueType.VECTOR) {
          if (!m.matchingLabels().isEmpty()) {
            p.addError(b.pos(), "vector matching only allowed between instant vectors");
          }
        } else if (op.isSetOperator()) {
          if (card == VectorMatching.Card.ONE_TO_MANY || card == VectorMatching.Card.MANY_TO_ONE) {
            p.addError(
                b.pos(), "no grouping allowed for " + GoStrings.quote(op.text()) + " operation");
          }
          if (card != VectorMatching.Card.MANY_TO_MANY) {
            p.addError(b.pos(), "set operations must always be many-to-many");
          }
        }
        if ((lt == ValueType.SCALAR || rt == ValueType.SCALAR) && op.isSetOperator()) {
          p.addError(
              b.pos(),
              "set operator "
                  + GoStrings.quote(op.text())
                  + " not allowed in binary scalar expression");
        }
      }
      case Call c -> {
        FunctionDef f = c.func();
        int nargs = f.argTypes().size();
        int n = c.args().size();
        String fq = GoStrings.quote(f.name());
        if (f.variadic() == 0) {
          if (nargs != n) {
            p.addError(
                c.pos(), "expected " + nargs + " argument(s) in call to " + fq + ", got " + n);
          }
        } else {
          int na = nargs - 1;
          if (na > n) {
            p.addError(
                c.pos(),
                "expected at least " + na + " argument(s) in call to " + fq + ", got " + n);
          } else if (f.variadic() > 0 && na + f.variadic() < n) {
            p.addError(
                c.pos(),
                "expected at most "
                    + (na + f.variadic())
                    + " argument(s) in call to "
                    + fq
                    + ", got "
                    + n);
          }
        }
        for (int i = 0; i < n; i++) {
          int ti = i;
          if (i >= nargs) {
            if (f.variadic() == 0) {
              break;
            }
            ti = nargs - 1;
          }
          if (ti < 0) {
            break;
          }
          Expr arg = c.args().get(i);
          ValueType t = typeOf(arg);
          if (t != f.argTypes().get(ti)) {
            p.addError(
                arg.pos(),
                "expected type "
                    + f.argTypes().get(ti).documented()
                    + " in call to function "
                    + fq
                    + ", got "
                    + t.documented());
          }
        }
      }
      case ParenExpr pe -> typeOf(pe.expr());
      case UnaryExpr u -> {
        ValueType t = typeOf(u.expr());
        if (t != ValueType.SCALAR && t != ValueType.VECTOR) {
          p.addError(
              u.pos(),
              "unary expression only allowed on expressions of type scalar or instant vector, got "
                  + GoStrings.quote(t.documented()));
        }
      }
      case SubqueryExpr s -> {
        ValueType t = typeOf(s.expr());
        if (t != ValueType.VECTOR) {
          p.addError(
              s.pos(),
              "subquery is only allowed on instant vector, got " + t.apiName() + " instead");
        }
      }
      case MatrixSelector ms -> typeOf(ms.selector());
      case VectorSelector vs -> {
        if (vs.name() != null) {
          List<Matcher> ms = vs.matchers();
          for (int i = 0; i < ms.size() - 1; i++) {
            Matcher m = ms.get(i);
            if (m.name().equals(Labels.METRIC_NAME)) {
              p.addError(
                  vs.pos(),
                  "metric name must not be set twice: "
                      + GoStrings.quote(vs.name())
                      + " or "
                      + GoStrings.quote(m.value()));
            }
          }
          break;
        }
        boolean notEmpty = false;
        for (Matcher m : vs.matchers()) {
          if (!m.matchesEmpty()) {
            notEmpty = true;
            break;
          }
        }
        if (!notEmpty) {
          p.addError(vs.pos(), "vector selector must contain at least one non-empty matcher");
        }
      }
      case NumberLiteral n -> {}
      case StringLiteral s -> {}
    }
    return typ;
  }

  /** The operator part of a binary expression, trimmed of surrounding spaces (end inclusive). */
  private PosRange opRange(BinaryExpr b) {
    String in = p.input();
    int start = b.lhs().pos().end();
    while (start < in.length() && Parser.isSpaceChar(in.charAt(start))) {
      start++;
    }
    int end = b.rhs().pos().start() - 1;
    while (end > 0 && Parser.isSpaceChar(in.charAt(end))) {
      end--;
    }
    return new PosRange(start, end);
  }

  /** Set operations become many-to-many; matching is dropped unless both sides are vectors. */
  static Expr normalize(Expr e) {
    return switch (e) {
      case AggregateExpr a ->
          new AggregateExpr(
              a.op(),
              normalize(a.expr()),
              a.param() == null ? null : normalize(a.param()),
              a.grouping(),
              a.without(),
              a.pos());
      case BinaryExpr b -> {
        Expr l = normalize(b.lhs());
        Expr r = normalize(b.rhs());
        VectorMatching m = b.matching();
        if (l.type() != ValueType.VECTOR || r.type() != ValueType.VECTOR) {
          m = null;
        } else if (b.op().isSetOperator() && m.card() == VectorMatching.Card.ONE_TO_ONE) {
          m = m.withCard(VectorMatching.Card.MANY_TO_MANY);
        }
        yield new BinaryExpr(b.op(), l, r, m, b.returnBool());
      }
      case Call c -> {
        List<Expr> args = new ArrayList<>(c.args().size());
        for (Expr a : c.args()) {
          args.add(normalize(a));
        }
        yield new Call(c.func(), args, c.pos());
      }
      case ParenExpr pe -> new ParenExpr(normalize(pe.expr()), pe.pos());
      case UnaryExpr u -> new UnaryExpr(u.op(), normalize(u.expr()), u.startPos());
      case SubqueryExpr s ->
          new SubqueryExpr(
              normalize(s.expr()), s.rangeMs(), s.stepMs(), s.offsetMs(), s.at(), s.endPos());
      default -> e;
    };
  }
}
