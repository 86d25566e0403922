package io.jthanos.promql.engine;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.jthanos.promql.ErrorType;
import io.jthanos.promql.PromqlException;
import io.jthanos.promql.parser.AggregateExpr;
import io.jthanos.promql.parser.BinaryExpr;
import io.jthanos.promql.parser.Call;
import io.jthanos.promql.parser.Expr;
import io.jthanos.promql.parser.MatrixSelector;
import io.jthanos.promql.parser.NumberLiteral;
import io.jthanos.promql.parser.ParenExpr;
import io.jthanos.promql.parser.StringLiteral;
import io.jthanos.promql.parser.SubqueryExpr;
import io.jthanos.promql.parser.TokenType;
import io.jthanos.promql.parser.UnaryExpr;
import io.jthanos.promql.parser.VectorSelector;
import io.jthanos.promql.text.GoStrings;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.LabelsBuilder;
import io.jthanos.tsdb.labels.MatchType;
import io.jthanos.tsdb.labels.Matcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;

/** Turns expressions into streams (instant vectors), arrays (scalars) and range sources. */
final class Evaluator {
  final EvalContext ctx;

  Evaluator(EvalContext ctx) {
    this.ctx = ctx;
  }

  // --- instant vectors --------------------------------------------------------------------------

  SeriesStream vector(Expr e, Steps s, SelectionPath p) {
    ctx.check();
    return switch (e) {
      case ParenExpr pe -> vector(pe.expr(), s, p);
      case VectorSelector vs -> new SelectorStream(ctx, vs, s, p, false);
      case Call c -> call(c, s, p);
      case AggregateExpr a -> new Aggregation(this, a, s, p).stream();
      case BinaryExpr b -> BinaryOps.vector(this, b, s, p);
      case UnaryExpr u -> {
        SeriesStream in = vector(u.expr(), s, p.passThrough());
        if (u.op() != TokenType.SUB) {
          yield in;
        }
        yield new MapStream(
            ctx, in, series -> mapValues(series, x -> -x), true, MapStream.Check.WHOLE);
      }
      default ->
          throw new IllegalStateException(
              "expression of type " + e.type() + " evaluated as instant vector: " + e);
    };
  }

  // --- scalars ----------------------------------------------------------------------------------

  double[] scalar(Expr e, Steps s, SelectionPath p) {
    ctx.check();
    int n = s.count();
    switch (e) {
      case NumberLiteral nl -> {
        double[] out = new double[n];
        Arrays.fill(out, nl.value());
        return out;
      }
      case ParenExpr pe -> {
        return scalar(pe.expr(), s, p);
      }
      case UnaryExpr u -> {
        double[] v = scalar(u.expr(), s, p);
        if (u.op() == TokenType.SUB) {
          for (int i = 0; i < n; i++) {
            v[i] = -v[i];
          }
        }
        return v;
      }
      case BinaryExpr b -> {
        double[] l = scalar(b.lhs(), s, p);
        double[] r = scalar(b.rhs(), s, p);
        for (int i = 0; i < n; i++) {
          l[i] = BinaryOps.scalarOp(b.op(), l[i], r[i]);
        }
        return l;
      }
      case Call c -> {
        return scalarCall(c, s, p);
      }
      default ->
          throw new IllegalStateException(
              "expression of type " + e.type() + " evaluated as scalar");
    }
  }

  private double[] scalarCall(Call c, Steps s, SelectionPath p) {
    int n = s.count();
    double[] out = new double[n];
    switch (c.func().name()) {
      case "time" -> {
        for (int i = 0; i < n; i++) {
          out[i] = s.time(i) / 1000.0;
        }
      }
      case "pi" -> Arrays.fill(out, Math.PI);
      case "start" -> Arrays.fill(out, ctx.queryStart / 1000.0);
      case "end" -> Arrays.fill(out, ctx.queryEnd / 1000.0);
      case "range" -> Arrays.fill(out, (ctx.queryEnd - ctx.queryStart) / 1000.0);
      case "step" -> Arrays.fill(out, ctx.queryInterval / 1000.0);
      case "scalar" -> {
        int[] count = new int[n];
        try (SeriesStream in = vector(c.args().get(0), s, p.withFunc("scalar"))) {
          for (StepSeries ss = in.next(); ss != null; ss = in.next()) {
            for (int i = ss.nextSet(0); i >= 0; i = ss.nextSet(i + 1)) {
              count[i]++;
              out[i] = ss.values[i];
            }
          }
        }
        for (int i = 0; i < n; i++) {
          if (count[i] != 1) {
            out[i] = Double.NaN;
          }
        }
      }
      default -> throw new IllegalStateException("not a scalar function: " + c.func().name());
    }
    return out;
  }

  String string(Expr e) {
    return switch (e) {
      case StringLiteral sl -> sl.value();
      case ParenExpr pe -> string(pe.expr());
      default -> throw new IllegalStateException("not a string expression: " + e);
    };
  }

  // --- range vectors ----------------------------------------------------------------------------

  RangeSource range(Expr e, Steps s, SelectionPath p) {
    return switch (e) {
      case ParenExpr pe -> range(pe.expr(), s, p);
      case MatrixSelector ms -> new MatrixSource(ctx, ms, s, p);
      case SubqueryExpr sq -> new SubquerySource(this, sq, s, p);
      default -> throw new IllegalStateException("not a range vector: " + e);
    };
  }

  // --- functions --------------------------------------------------------------------------------

  static void mapValues(StepSeries s, DoubleUnaryOperator f) {
    double[] v = s.values;
    for (int i = s.nextSet(0); i >= 0; i = s.nextSet(i + 1)) {
      v[i] = f.applyAsDouble(v[i]);
    }
  }

  private SeriesStream math(Call c, Steps s, SelectionPath p, DoubleUnaryOperator f) {
    SeriesStream in = vector(c.args().get(0), s, p.withFunc(c.func().name()));
    return MapStream.dropping(ctx, in, series -> mapValues(series, f));
  }

  private SeriesStream call(Call c, Steps s, SelectionPath p) {
    String name = c.func().name();
    SelectionPath fp = p.withFunc(name);
    List<Expr> args = c.args();
    return switch (name) {
      case "abs" -> math(c, s, p, Math::abs);
      case "ceil" -> math(c, s, p, Math::ceil);
      case "floor" -> math(c, s, p, Math::floor);
      case "exp" -> math(c, s, p, Math::exp);
      case "sqrt" -> math(c, s, p, Math::sqrt);
      case "ln" -> math(c, s, p, Math::log);
      case "log2" -> math(c, s, p, GoMath::log2);
      case "log10" -> math(c, s, p, GoMath::log10);
      case "sin" -> math(c, s, p, Math::sin);
      case "cos" -> math(c, s, p, Math::cos);
      case "tan" -> math(c, s, p, Math::tan);
      case "asin" -> math(c, s, p, Math::asin);
      case "acos" -> math(c, s, p, Math::acos);
      case "atan" -> math(c, s, p, Math::atan);
      case "sinh" -> math(c, s, p, Math::sinh);
      case "cosh" -> math(c, s, p, Math::cosh);
      case "tanh" -> math(c, s, p, Math::tanh);
      case "asinh" -> math(c, s, p, GoMath::asinh);
      case "acosh" -> math(c, s, p, GoMath::acosh);
      case "atanh" -> math(c, s, p, GoMath::atanh);
      case "rad" -> math(c, s, p, x -> x * Math.PI / 180);
      case "deg" -> math(c, s, p, x -> x * 180 / Math.PI);
      case "sgn" -> math(c, s, p, x -> x < 0 ? -1 : x > 0 ? 1 : x);
      case "round" -> {
        double[] to = args.size() > 1 ? scalar(args.get(1), s, fp) : null;
        SeriesStream in = vector(args.get(0), s, fp);
        yield MapStream.dropping(
            ctx,
            in,
            series -> {
              double[] v = series.values;
              for (int i = series.nextSet(0); i >= 0; i = series.nextSet(i + 1)) {
                double inv = 1.0 / (to == null ? 1 : to[i]);
                v[i] = Math.floor(v[i] * inv + 0.5) / inv;
              }
            });
      }
      case "clamp", "clamp_min", "clamp_max" -> {
        double[] lo;
        double[] hi;
        int n = s.count();
        if (name.equals("clamp")) {
          lo = scalar(args.get(1), s, fp);
          hi = scalar(args.get(2), s, fp);
        } else if (name.equals("clamp_min")) {
          lo = scalar(args.get(1), s, fp);
          hi = new double[n];
          Arrays.fill(hi, Double.POSITIVE_INFINITY);
        } else {
          hi = scalar(args.get(1), s, fp);
          lo = new double[n];
          Arrays.fill(lo, Double.NEGATIVE_INFINITY);
        }
        SeriesStream in = vector(args.get(0), s, fp);
        yield MapStream.dropping(
            ctx,
            in,
            series -> {
              double[] v = series.values;
              for (int i = series.nextSet(0); i >= 0; i = series.nextSet(i + 1)) {
                if (hi[i] < lo[i]) {
                  series.clear(i);
                } else {
                  v[i] = Math.max(lo[i], Math.min(hi[i], v[i]));
                }
              }
            });
      }
      case "timestamp" -> {
        Expr arg = Expr.unwrapParens(args.get(0));
        if (arg instanceof VectorSelector vs) {
          yield MapStream.dropping(ctx, new SelectorStream(ctx, vs, s, fp, true), series -> {});
        }
        SeriesStream in = vector(arg, s, fp);
        yield MapStream.dropping(
            ctx,
            in,
            series -> {
              for (int i = series.nextSet(0); i >= 0; i = series.nextSet(i + 1)) {
                series.values[i] = s.time(i) / 1000.0;
              }
            });
      }
      case "vector" -> {
        double[] v = scalar(args.get(0), s, fp);
        StepSeries out = new StepSeries(s.count());
        out.reset(Labels.empty());
        for (int i = 0; i < s.count(); i++) {
          out.set(i, v[i]);
        }
        yield SeriesStream.of(s.count() == 0 ? List.of() : List.of(out));
      }
      case "absent" -> absent(args.get(0), vector(args.get(0), s, fp), s);
      case "sort", "sort_desc", "sort_by_label", "sort_by_label_desc" -> sort(c, s, fp);
      case "label_replace" -> labelReplace(c, s, fp);
      case "label_join" -> labelJoin(c, s, fp);
      case "histogram_quantile" -> HistogramQuantile.stream(this, c, s, fp);
      case "histogram_fraction" -> {
        if (ctx.v2) {
          // 2.x computes fractions of native histograms only.
          scalar(args.get(0), s, fp);
          scalar(args.get(1), s, fp);
          SeriesStream in = vector(args.get(2), s, fp);
          yield new MapStream(
              ctx, in, series -> Arrays.fill(series.bits, 0L), true, MapStream.Check.NONE);
        }
        yield HistogramQuantile.stream(this, c, s, fp);
      }
      case "histogram_count",
          "histogram_sum",
          "histogram_avg",
          "histogram_stddev",
          "histogram_stdvar" -> {
        // Only native histograms have these; float series produce nothing.
        SeriesStream in = vector(args.get(0), s, fp);
        yield new MapStream(
            ctx, in, series -> Arrays.fill(series.bits, 0L), true, MapStream.Check.NONE);
      }
      case "days_in_month",
          "day_of_month",
          "day_of_week",
          "day_of_year",
          "hour",
          "minute",
          "month",
          "year" ->
          dateFunction(c, s, fp);
      case "absent_over_time" -> absentOverTime(c, s, fp);
      default -> rangeFunction(c, s, fp);
    };
  }

  private SeriesStream rangeFunction(Call c, Steps s, SelectionPath fp) {
    String name = c.func().name();
    List<Expr> args = c.args();
    RangeFunctionStream.Fn fn;
    int matrixArg = 0;
    double[] p0 = null;
    double[] p1 = null;
    Expr paramExpr = null;
    switch (name) {
      case "rate" -> fn = RangeFunctionStream.Fn.RATE;
      case "increase" -> fn = RangeFunctionStream.Fn.INCREASE;
      case "delta" -> fn = RangeFunctionStream.Fn.DELTA;
      case "irate" -> fn = RangeFunctionStream.Fn.IRATE;
      case "idelta" -> fn = RangeFunctionStream.Fn.IDELTA;
      case "deriv" -> fn = RangeFunctionStream.Fn.DERIV;
      case "predict_linear" -> {
        fn = RangeFunctionStream.Fn.PREDICT_LINEAR;
        paramExpr = args.get(1);
        p0 = scalar(args.get(1), s, fp);
      }
      case "holt_winters", "double_exponential_smoothing" -> {
        fn = RangeFunctionStream.Fn.HOLT_WINTERS;
        p0 = scalar(args.get(1), s, fp);
        p1 = scalar(args.get(2), s, fp);
      }
      case "avg_over_time" -> fn = RangeFunctionStream.Fn.AVG;
      case "sum_over_time" -> fn = RangeFunctionStream.Fn.SUM;
      case "count_over_time" -> fn = RangeFunctionStream.Fn.COUNT;
      case "min_over_time" -> fn = RangeFunctionStream.Fn.MIN;
      case "max_over_time" -> fn = RangeFunctionStream.Fn.MAX;
      case "last_over_time" -> fn = RangeFunctionStream.Fn.LAST;
      case "first_over_time" -> fn = RangeFunctionStream.Fn.FIRST;
      case "present_over_time" -> fn = RangeFunctionStream.Fn.PRESENT;
      case "stddev_over_time" -> fn = RangeFunctionStream.Fn.STDDEV;
      case "stdvar_over_time" -> fn = RangeFunctionStream.Fn.STDVAR;
      case "quantile_over_time" -> {
        fn = RangeFunctionStream.Fn.QUANTILE;
        matrixArg = 1;
        paramExpr = args.get(0);
        p0 = scalar(args.get(0), s, fp);
      }
      case "changes" -> fn = RangeFunctionStream.Fn.CHANGES;
      case "resets" -> fn = RangeFunctionStream.Fn.RESETS;
      case "mad_over_time" -> fn = RangeFunctionStream.Fn.MAD;
      case "ts_of_first_over_time" -> fn = RangeFunctionStream.Fn.TS_FIRST;
      case "ts_of_last_over_time" -> fn = RangeFunctionStream.Fn.TS_LAST;
      case "ts_of_min_over_time" -> fn = RangeFunctionStream.Fn.TS_MIN;
      case "ts_of_max_over_time" -> fn = RangeFunctionStream.Fn.TS_MAX;
      default ->
          throw new PromqlException(ErrorType.BAD_DATA, "function " + name + " is not supported");
    }
    Expr m = args.get(matrixArg);
    RangeSource src = range(m, s, fp);
    return new RangeFunctionStream(
        ctx,
        src,
        s,
        fn,
        p0,
        p1,
        Expr.unwrapParens(m).pos(),
        paramExpr == null ? null : paramExpr.pos());
  }

  // --- absent -----------------------------------------------------------------------------------

  /** The labels {@code absent} gives its output: the equality matchers of a selector argument. */
  static Labels absentLabels(Expr arg) {
    Expr e = Expr.unwrapParens(arg);
    List<Matcher> ms;
    if (e instanceof VectorSelector vs) {
      ms = vs.matchers();
    } else if (e instanceof MatrixSelector mx) {
      ms = mx.selector().matchers();
    } else {
      return Labels.empty();
    }
    LabelsBuilder b = new LabelsBuilder();
    Set<String> has = new HashSet<>();
    for (Matcher m : ms) {
      if (m.name().equals(Labels.METRIC_NAME)) {
        continue;
      }
      if (m.type() == MatchType.EQUAL && !has.contains(m.name())) {
        b.set(m.name(), m.value());
        has.add(m.name());
      } else {
        b.delete(m.name());
      }
    }
    return b.build();
  }

  private SeriesStream absent(Expr arg, SeriesStream in, Steps s) {
    long[] union = new long[(s.count() + 63) >>> 6];
    try (in) {
      for (StepSeries ss = in.next(); ss != null; ss = in.next()) {
        for (int i = 0; i < union.length; i++) {
          union[i] |= ss.bits[i];
        }
      }
    }
    StepSeries out = new StepSeries(s.count());
    out.reset(absentLabels(arg));
    for (int i = 0; i < s.count(); i++) {
      if ((union[i >>> 6] & (1L << i)) == 0) {
        out.set(i, 1);
      }
    }
    return SeriesStream.of(out.isEmpty() ? List.of() : List.of(out));
  }

  private SeriesStream absentOverTime(Call c, Steps s, SelectionPath fp) {
    Expr m = c.args().get(0);
    RangeFunctionStream rf =
        new RangeFunctionStream(
                ctx, range(m, s, fp), s, RangeFunctionStream.Fn.PRESENT, null, null, m.pos(), null)
            .presenceOnly();
    return absent(m, rf, s);
  }

  // --- sorting ----------------------------------------------------------------------------------

  private SeriesStream sort(Call c, Steps s, SelectionPath fp) {
    String name = c.func().name();
    SeriesStream in = vector(c.args().get(0), s, fp);
    if (!s.isInstant()) {
      if (!ctx.v2) {
        ctx.warn(
            "PromQL warning: sort is ineffective for range queries since results are always"
                + " ordered by labels",
            c.pos());
      }
      return in;
    }
    List<StepSeries> all = Collector.collect(ctx, in);
    switch (name) {
      case "sort" ->
          all.sort(
              (a, b) -> {
                double x = a.values[0];
                double y = b.values[0];
                if (Double.isNaN(x) || Double.isNaN(y)) {
                  return Boolean.compare(Double.isNaN(x), Double.isNaN(y));
                }
                return Double.compare(x, y) == 0 ? 0 : x < y ? -1 : 1;
              });
      case "sort_desc" ->
          all.sort(
              (a, b) -> {
                double x = a.values[0];
                double y = b.values[0];
                if (Double.isNaN(x) || Double.isNaN(y)) {
                  return Boolean.compare(Double.isNaN(x), Double.isNaN(y));
                }
                return x == y ? 0 : x > y ? -1 : 1;
              });
      default -> {
        List<String> labels = new ArrayList<>();
        for (int i = 1; i < c.args().size(); i++) {
          labels.add(string(c.args().get(i)));
        }
        boolean desc = name.equals("sort_by_label_desc");
        all.sort(
            (a, b) -> {
              for (String l : labels) {
                String x = a.labels.get(l);
                String y = b.labels.get(l);
                if (x.equals(y)) {
                  continue;
                }
                int r = NaturalSort.lessThan(x, y) ? -1 : 1;
                return desc ? -r : r;
              }
              int r = Labels.compare(a.labels, b.labels);
              return desc ? -r : r;
            });
      }
    }
    return SeriesStream.of(all);
  }

  // --- label functions --------------------------------------------------------------------------

  private boolean validLabelName(String name) {
    if (ctx.v2) {
      return legacyLabelName(name);
    }
    return !name.isEmpty() && GoStrings.isValidUtf8(name);
  }

  static boolean legacyLabelName(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          c == '_'
              || (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (i > 0 && c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private SeriesStream labelReplace(Call c, Steps s, SelectionPath fp) {
    List<Expr> args = c.args();
    String dst = string(args.get(1));
    String repl = string(args.get(2));
    String src = string(args.get(3));
    String regexStr = string(args.get(4));
    Pattern re;
    try {
      re = Pattern.compile(ctx.v2 ? "^(?:" + regexStr + ")$" : "^(?s:" + regexStr + ")$");
    } catch (PatternSyntaxException e) {
      throw PromqlException.execution("invalid regular expression in label_replace(): " + regexStr);
    }
    if (!validLabelName(dst)) {
      throw PromqlException.execution("invalid destination label name in label_replace(): " + dst);
    }
    SeriesStream in = vector(args.get(0), s, fp);
    return new MapStream(
        ctx,
        in,
        series -> {
          String srcVal = series.labels.get(src);
          com.google.re2j.Matcher m = re.matcher(srcVal);
          if (m.matches()) {
            String res = GoRegexp.expand(repl, m);
            series.labels = series.labels.with(dst, res);
            if (dst.equals(Labels.METRIC_NAME)) {
              series.dropName = false;
            }
          }
        },
        false,
        MapStream.Check.PER_STEP,
        true);
  }

  private SeriesStream labelJoin(Call c, Steps s, SelectionPath fp) {
    List<Expr> args = c.args();
    String dst = string(args.get(1));
    String sep = string(args.get(2));
    List<String> srcs = new ArrayList<>();
    for (int i = 3; i < args.size(); i++) {
      String src = string(args.get(i));
      if (!validLabelName(src)) {
        throw PromqlException.execution("invalid source label name in label_join(): " + src);
      }
      srcs.add(src);
    }
    if (!validLabelName(dst)) {
      throw PromqlException.execution("invalid destination label name in label_join(): " + dst);
    }
    SeriesStream in = vector(args.get(0), s, fp);
    return new MapStream(
        ctx,
        in,
        series -> {
          StringBuilder sb = new StringBuilder();
          for (int i = 0; i < srcs.size(); i++) {
            if (i > 0) {
              sb.append(sep);
            }
            sb.append(series.labels.get(srcs.get(i)));
          }
          series.labels = series.labels.with(dst, sb.toString());
          if (dst.equals(Labels.METRIC_NAME)) {
            series.dropName = false;
          }
        },
        false,
        MapStream.Check.PER_STEP,
        true);
  }

  // --- date functions ---------------------------------------------------------------------------

  private SeriesStream dateFunction(Call c, Steps s, SelectionPath fp) {
    String name = c.func().name();
    if (c.args().isEmpty()) {
      StepSeries out = new StepSeries(s.count());
      out.reset(Labels.empty());
      for (int i = 0; i < s.count(); i++) {
        // Go: time.Unix(ts/1000, 0), integer division truncating toward zero.
        out.set(i, DateFunctions.apply(name, s.time(i) / 1000));
      }
      return SeriesStream.of(s.count() == 0 ? List.of() : List.of(out));
    }
    SeriesStream in = vector(c.args().get(0), s, fp);
    return MapStream.dropping(
        ctx, in, series -> mapValues(series, x -> DateFunctions.apply(name, GoMath.toInt64(x))));
  }
}
