package io.jthanos.promql.engine;

import io.jthanos.promql.EngineOptions;
import io.jthanos.promql.PromqlException;
import io.jthanos.promql.QueryResult;
import io.jthanos.promql.parser.Expr;
import io.jthanos.promql.value.FloatSeries;
import io.jthanos.promql.value.Matrix;
import io.jthanos.promql.value.Sample;
import io.jthanos.promql.value.Scalar;
import io.jthanos.promql.value.StringValue;
import io.jthanos.promql.value.Value;
import io.jthanos.promql.value.Vector;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.storage.Queryable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs one parsed query over a {@link Queryable}. Entry point for {@link io.jthanos.promql.Engine};
 * not meant to be used directly.
 */
public final class QueryExecution {
  private QueryExecution() {}

  public static QueryResult run(
      EngineOptions opts,
      Queryable queryable,
      String query,
      Expr expr,
      long start,
      long end,
      long interval,
      long lookbackMs,
      QueryControl control) {
    if (io.jthanos.promql.parser.DeepStack.depth(expr)
        > io.jthanos.promql.parser.DeepStack.THRESHOLD) {
      return io.jthanos.promql.parser.DeepStack.run(
          "promql-eval",
          () -> runHere(opts, queryable, query, expr, start, end, interval, lookbackMs, control));
    }
    return runHere(opts, queryable, query, expr, start, end, interval, lookbackMs, control);
  }

  private static QueryResult runHere(
      EngineOptions opts,
      Queryable queryable,
      String query,
      Expr expr,
      long start,
      long end,
      long interval,
      long lookbackMs,
      QueryControl control) {
    boolean instant = start == end;
    Steps steps = instant ? Steps.instant(start) : Steps.of(start, end, interval);
    long[] range = TimeRanges.of(expr, start, end, lookbackMs);
    try (EvalContext ctx =
        new EvalContext(
            opts,
            lookbackMs,
            queryable,
            range[0],
            range[1],
            start,
            end,
            instant ? 0 : interval,
            query,
            control)) {
      control.checkNow();
      Evaluator ev = new Evaluator(ctx);
      Value value =
          switch (expr.type()) {
            case SCALAR -> scalarResult(ev, expr, steps, instant);
            case STRING -> new StringValue(start, ev.string(expr));
            case VECTOR -> vectorResult(ev, expr, steps, instant);
            case MATRIX -> matrixResult(ev, expr, steps);
            case NONE -> throw new IllegalStateException("expression without a type");
          };
      return new QueryResult(value, ctx.warnings(), ctx.infos());
    } catch (PromqlException e) {
      throw e;
    } catch (StackOverflowError e) {
      throw PromqlException.execution("query is nested too deeply to evaluate");
    }
  }

  private static Value scalarResult(Evaluator ev, Expr expr, Steps steps, boolean instant) {
    double[] v = ev.scalar(expr, steps, SelectionPath.NONE);
    if (instant) {
      return new Scalar(steps.start(), v[0]);
    }
    long[] ts = new long[steps.count()];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = steps.time(i);
    }
    return new Matrix(List.of(new FloatSeries(Labels.empty(), ts, v)));
  }

  private static Value vectorResult(Evaluator ev, Expr expr, Steps steps, boolean instant) {
    EvalContext ctx = ev.ctx;
    List<StepSeries> series;
    try (Collector c = new Collector(ctx)) {
      c.addAll(ev.vector(expr, steps, SelectionPath.NONE));
      series = c.list();
    }
    if (ctx.delayedNameRemoval) {
      try (Collector c = new Collector(ctx)) {
        for (StepSeries s : series) {
          if (s.dropName) {
            s.labels = s.labels.withoutMetricName();
            s.dropName = false;
          }
          c.add(s);
        }
        series = c.list();
      }
    }
    if (instant) {
      List<Sample> out = new ArrayList<>(series.size());
      for (StepSeries s : series) {
        if (s.has(0)) {
          out.add(new Sample(s.labels, steps.start(), s.values[0]));
        }
      }
      return new Vector(out);
    }
    series.sort((a, b) -> Labels.compare(a.labels, b.labels));
    List<FloatSeries> out = new ArrayList<>(series.size());
    for (StepSeries s : series) {
      int n = s.cardinality();
      long[] ts = new long[n];
      double[] vs = new double[n];
      int k = 0;
      for (int i = s.nextSet(0); i >= 0; i = s.nextSet(i + 1)) {
        ts[k] = steps.time(i);
        vs[k] = s.values[i];
        k++;
      }
      out.add(new FloatSeries(s.labels, ts, vs));
    }
    return new Matrix(out);
  }

  private static Value matrixResult(Evaluator ev, Expr expr, Steps steps) {
    List<FloatSeries> out = new ArrayList<>();
    try (RangeSource src = ev.range(expr, steps, SelectionPath.NONE)) {
      long ref = src.ref(0);
      long lo = ref - src.rangeMs();
      for (RawSeries r = src.next(); r != null; r = src.next()) {
        ev.ctx.check();
        int from = 0;
        while (from < r.n && (ev.ctx.v2 ? r.t[from] < lo : r.t[from] <= lo)) {
          from++;
        }
        int to = from;
        while (to < r.n && r.t[to] <= ref) {
          to++;
        }
        if (to > from) {
          // The whole result is held in memory: it counts against the samples limit.
          ev.ctx.addSamples(to - from);
          Labels l = r.labels;
          if (r.dropName && ev.ctx.delayedNameRemoval) {
            l = l.withoutMetricName();
          }
          out.add(
              new FloatSeries(
                  l, Arrays.copyOfRange(r.t, from, to), Arrays.copyOfRange(r.v, from, to)));
        }
      }
    }
    out.sort((a, b) -> Labels.compare(a.labels(), b.labels()));
    return new Matrix(out);
  }
}
