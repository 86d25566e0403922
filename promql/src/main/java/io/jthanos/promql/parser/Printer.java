package io.jthanos.promql.parser;

import io.jthanos.promql.text.GoFloat;
import io.jthanos.promql.text.GoNumbers;
import io.jthanos.promql.text.GoStrings;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.MatchType;
import io.jthanos.tsdb.labels.Matcher;
import java.util.ArrayList;
import java.util.List;

/** Prints an expression as PromQL, in the canonical form Prometheus' {@code String()} uses. */
public final class Printer {
  private Printer() {}

  public static String print(Expr e) {
    StringBuilder sb = new StringBuilder();
    print(sb, e);
    return sb.toString();
  }

  private static void print(StringBuilder sb, Expr e) {
    switch (e) {
      case NumberLiteral n -> sb.append(GoFloat.format(n.value(), 'f'));
      case StringLiteral s -> sb.append(GoStrings.quote(s.value()));
      case VectorSelector vs -> {
        selector(sb, vs);
        modifiers(sb, vs.at(), vs.offsetMs());
      }
      case MatrixSelector ms -> {
        selector(sb, ms.selector());
        sb.append('[').append(GoNumbers.formatDuration(ms.rangeMs())).append(']');
        modifiers(sb, ms.selector().at(), ms.selector().offsetMs());
      }
      case SubqueryExpr sq -> {
        print(sb, sq.expr());
        sb.append('[').append(GoNumbers.formatDuration(sq.rangeMs())).append(':');
        if (sq.stepMs() != 0) {
          sb.append(GoNumbers.formatDuration(sq.stepMs()));
        }
        sb.append(']');
        modifiers(sb, sq.at(), sq.offsetMs());
      }
      case ParenExpr p -> {
        sb.append('(');
        print(sb, p.expr());
        sb.append(')');
      }
      case UnaryExpr u -> {
        sb.append(u.op().text());
        print(sb, u.expr());
      }
      case BinaryExpr b -> {
        print(sb, b.lhs());
        sb.append(' ').append(b.op().text());
        if (b.returnBool()) {
          sb.append(" bool");
        }
        VectorMatching vm = b.matching();
        if (vm != null && (!vm.matchingLabels().isEmpty() || vm.on())) {
          sb.append(vm.on() ? " on (" : " ignoring (")
              .append(String.join(", ", vm.matchingLabels()))
              .append(')');
          if (vm.card() == VectorMatching.Card.MANY_TO_ONE
              || vm.card() == VectorMatching.Card.ONE_TO_MANY) {
            sb.append(
                    vm.card() == VectorMatching.Card.MANY_TO_ONE
                        ? " group_left ("
                        : " group_right (")
                .append(String.join(", ", vm.include()))
                .append(')');
          }
        }
        sb.append(' ');
        print(sb, b.rhs());
      }
      case AggregateExpr a -> {
        sb.append(a.op().text());
        if (a.without()) {
          sb.append(" without (").append(String.join(", ", a.grouping())).append(") ");
        } else if (!a.grouping().isEmpty()) {
          sb.append(" by (").append(String.join(", ", a.grouping())).append(") ");
        }
        sb.append('(');
        if (a.param() != null) {
          print(sb, a.param());
          sb.append(", ");
        }
        if (a.expr() != null) {
          print(sb, a.expr());
        }
        sb.append(')');
      }
      case Call c -> {
        sb.append(c.func().name()).append('(');
        for (int i = 0; i < c.args().size(); i++) {
          if (i > 0) {
            sb.append(", ");
          }
          print(sb, c.args().get(i));
        }
        sb.append(')');
      }
    }
  }

  private static void selector(StringBuilder sb, VectorSelector vs) {
    List<String> parts = new ArrayList<>();
    for (Matcher m : vs.matchers()) {
      if (m.name().equals(Labels.METRIC_NAME)
          && m.type() == MatchType.EQUAL
          && vs.name() != null
          && m.value().equals(vs.name())
          && !m.value().isEmpty()) {
        continue;
      }
      parts.add(matcher(m));
    }
    if (vs.name() != null) {
      sb.append(vs.name());
    }
    if (!parts.isEmpty()) {
      parts.sort(null);
      sb.append('{').append(String.join(",", parts)).append('}');
    }
  }

  /** A matcher as Prometheus prints it: {@code name="value"}, quoting odd label names. */
  public static String matcher(Matcher m) {
    String name = Parser.isLabel(m.name()) ? m.name() : GoStrings.quote(m.name());
    return name + m.type().op() + GoStrings.quote(m.value());
  }

  private static void modifiers(StringBuilder sb, AtModifier at, long offsetMs) {
    switch (at.kind()) {
      case TIMESTAMP -> sb.append(" @ ").append(fixed3(at.timestampMs()));
      case START -> sb.append(" @ start()");
      case END -> sb.append(" @ end()");
      default -> {}
    }
    if (offsetMs > 0) {
      sb.append(" offset ").append(GoNumbers.formatDuration(offsetMs));
    } else if (offsetMs < 0) {
      sb.append(" offset -").append(GoNumbers.formatDuration(-offsetMs));
    }
  }

  private static String fixed3(long ms) {
    return new java.math.BigDecimal(ms).movePointLeft(3).setScale(3).toPlainString();
  }
}
