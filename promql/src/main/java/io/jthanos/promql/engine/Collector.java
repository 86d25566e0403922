package io.jthanos.promql.engine;

import io.jthanos.promql.ErrorType;
import io.jthanos.promql.PromqlException;
import io.jthanos.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Materialises a stream, merging series with equal labels (their points must not share a step) in
 * first-seen order.
 */
final class Collector implements AutoCloseable {
  private final EvalContext ctx;
  private final Map<Labels, StepSeries> map = new LinkedHashMap<>();
  private long held;

  Collector(EvalContext ctx) {
    this.ctx = ctx;
  }

  static PromqlException duplicateLabelset() {
    return new PromqlException(
        ErrorType.EXECUTION, "vector cannot contain metrics with the same labelset");
  }

  void add(StepSeries s) {
    StepSeries have = map.get(s.labels);
    int n = s.cardinality();
    ctx.addSamples(n);
    held += n;
    if (have == null) {
      map.put(s.labels, s.copy());
      return;
    }
    if (have.overlaps(s.bits)) {
      throw duplicateLabelset();
    }
    have.mergeFrom(s);
  }

  void addAll(SeriesStream in) {
    try (in) {
      for (StepSeries s = in.next(); s != null; s = in.next()) {
        ctx.check();
        add(s);
      }
    }
  }

  List<StepSeries> list() {
    return new ArrayList<>(map.values());
  }

  int size() {
    return map.size();
  }

  @Override
  public void close() {
    ctx.releaseSamples(held);
    held = 0;
  }

  static List<StepSeries> collect(EvalContext ctx, SeriesStream in) {
    Collector c = new Collector(ctx);
    c.addAll(in);
    return c.list();
  }
}
