package io.jthanos.promql.engine;

import io.jthanos.promql.parser.SubqueryExpr;
import io.jthanos.promql.parser.VectorSelector;
import java.util.List;

/**
 * A subquery as a {@link RangeSource}: the inner expression evaluated as a range query at steps
 * aligned to multiples of the subquery step (3.x excludes the left window edge, 2.x includes it),
 * each resulting series becoming raw samples at those steps.
 */
final class SubquerySource implements RangeSource {
  private final Evaluator ev;
  private final SubqueryExpr sq;
  private final Steps outer;
  private final SelectionPath path;
  private final Long at;
  private final long offset;
  private final Steps inner;
  private final RawSeries raw = new RawSeries();
  private Collector collector;
  private List<StepSeries> series;
  private int idx;

  SubquerySource(Evaluator ev, SubqueryExpr sq, Steps outer, SelectionPath path) {
    this.ev = ev;
    this.sq = sq;
    this.outer = outer;
    this.path = path;
    EvalContext ctx = ev.ctx;
    this.at = Windows.at(ctx, sq.at());
    this.offset = sq.offsetMs();
    long step = sq.stepMs() != 0 ? sq.stepMs() : ctx.opts.defaultEvaluationIntervalMs();
    long first = Windows.minRef(outer, at, offset) - sq.rangeMs();
    long start = step * (first / step);
    if (ctx.v2 ? start < first : start <= first) {
      start += step;
    }
    long end = Windows.maxRef(outer, at, offset);
    this.inner = Steps.of(start, end, step);
  }

  @Override
  public long rangeMs() {
    return sq.rangeMs();
  }

  @Override
  public long ref(int step) {
    return Windows.ref(outer, step, at, offset);
  }

  @Override
  public long refAtUnsafe(int step) {
    return at == null ? ref(step) : at - offset + (outer.time(step) - outer.start());
  }

  @Override
  public VectorSelector selector() {
    return null;
  }

  @Override
  public RawSeries next() {
    if (series == null) {
      collector = new Collector(ev.ctx);
      if (inner.count() > 0) {
        collector.addAll(ev.vector(sq.expr(), inner, path.passThrough()));
      }
      series = collector.list();
    }
    while (idx < series.size()) {
      StepSeries s = series.get(idx);
      series.set(idx, null);
      idx++;
      raw.reset(s.labels);
      raw.dropName = s.dropName;
      for (int i = s.nextSet(0); i >= 0; i = s.nextSet(i + 1)) {
        raw.add(inner.time(i), s.values[i]);
      }
      if (raw.n > 0) {
        return raw;
      }
    }
    return null;
  }

  @Override
  public void close() {
    if (collector != null) {
      collector.close();
    }
  }
}
