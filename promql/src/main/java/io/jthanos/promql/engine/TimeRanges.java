package io.jthanos.promql.engine;

import io.jthanos.promql.parser.AggregateExpr;
import io.jthanos.promql.parser.BinaryExpr;
import io.jthanos.promql.parser.Call;
import io.jthanos.promql.parser.Expr;
import io.jthanos.promql.parser.MatrixSelector;
import io.jthanos.promql.parser.ParenExpr;
import io.jthanos.promql.parser.SubqueryExpr;
import io.jthanos.promql.parser.UnaryExpr;
import io.jthanos.promql.parser.VectorSelector;

/** The overall time range a query reads, to open one querier for all its selectors. */
final class TimeRanges {
  long min = Long.MAX_VALUE;
  long max = Long.MIN_VALUE;
  private final long queryStart;
  private final long queryEnd;
  private final long lookback;

  private TimeRanges(long queryStart, long queryEnd, long lookback) {
    this.queryStart = queryStart;
    this.queryEnd = queryEnd;
    this.lookback = lookback;
  }

  static long[] of(Expr e, long start, long end, long lookback) {
    TimeRanges t = new TimeRanges(start, end, lookback);
    t.visit(e, start, end);
    if (t.min == Long.MAX_VALUE) {
      return new long[] {start, end};
    }
    return new long[] {t.min, t.max};
  }

  private void include(long lo, long hi) {
    min = Math.min(min, lo);
    max = Math.max(max, hi);
  }

  private void visit(Expr e, long s, long end) {
    switch (e) {
      case VectorSelector vs -> {
        Long at = vs.at().resolve(queryStart, queryEnd);
        long from = (at != null ? at : s) - vs.offsetMs();
        long to = (at != null ? at : end) - vs.offsetMs();
        include(from - lookback, to);
      }
      case MatrixSelector ms -> {
        VectorSelector vs = ms.selector();
        Long at = vs.at().resolve(queryStart, queryEnd);
        long from = (at != null ? at : s) - vs.offsetMs();
        long to = (at != null ? at : end) - vs.offsetMs();
        include(from - ms.rangeMs(), to);
      }
      case SubqueryExpr sq -> {
        Long at = sq.at().resolve(queryStart, queryEnd);
        long from = (at != null ? at : s) - sq.offsetMs() - sq.rangeMs();
        long to = (at != null ? at : end) - sq.offsetMs();
        visit(sq.expr(), from, to);
      }
      case ParenExpr p -> visit(p.expr(), s, end);
      case UnaryExpr u -> visit(u.expr(), s, end);
      case BinaryExpr b -> {
        visit(b.lhs(), s, end);
        visit(b.rhs(), s, end);
      }
      case AggregateExpr a -> {
        if (a.param() != null) {
          visit(a.param(), s, end);
        }
        visit(a.expr(), s, end);
      }
      case Call c -> {
        for (Expr arg : c.args()) {
          visit(arg, s, end);
        }
      }
      default -> {}
    }
  }
}
