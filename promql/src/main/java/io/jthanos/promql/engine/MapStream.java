package io.jthanos.promql.engine;

/**
 * Applies a per-series transformation (in place), optionally dropping the metric name, and checks
 * the output for duplicate label sets the way Prometheus does for that kind of node.
 */
final class MapStream implements SeriesStream {
  /** Transforms a series in place; may clear points. */
  interface Op {
    void apply(StepSeries s);
  }

  enum Check {
    NONE,
    PER_STEP,
    WHOLE
  }

  private final EvalContext ctx;
  private final SeriesStream in;
  private final Op op;
  private final boolean dropName;
  private final StepCollisionTracker perStep;
  private final WholeSeriesTracker whole;

  MapStream(EvalContext ctx, SeriesStream in, Op op, boolean dropName, Check check) {
    this(ctx, in, op, dropName, check, false);
  }

  /**
   * @param alwaysCheck check even with delayed name removal (label functions merge equal label sets
   *     and fail on overlapping points in every mode)
   */
  MapStream(
      EvalContext ctx, SeriesStream in, Op op, boolean dropName, Check check, boolean alwaysCheck) {
    this.ctx = ctx;
    this.in = in;
    this.op = op;
    this.dropName = dropName;
    boolean track = check != Check.NONE && (alwaysCheck || !ctx.delayedNameRemoval);
    this.perStep = track && check == Check.PER_STEP ? new StepCollisionTracker() : null;
    this.whole = track && check == Check.WHOLE ? new WholeSeriesTracker() : null;
  }

  /** A name-dropping value function with Prometheus' per-step duplicate check. */
  static MapStream dropping(EvalContext ctx, SeriesStream in, Op op) {
    return new MapStream(ctx, in, op, true, Check.PER_STEP);
  }

  @Override
  public StepSeries next() {
    StepSeries s;
    while ((s = in.next()) != null) {
      io.jthanos.tsdb.labels.Labels before = s.labels;
      op.apply(s);
      if (s.isEmpty()) {
        continue;
      }
      if (dropName) {
        if (ctx.delayedNameRemoval) {
          s.dropName = true;
        } else {
          s.labels = s.labels.withoutMetricName();
        }
      }
      if (perStep != null) {
        perStep.check(s);
      }
      if (whole != null) {
        whole.check(s.labels, before);
      }
      return s;
    }
    return null;
  }

  @Override
  public void close() {
    in.close();
  }
}
