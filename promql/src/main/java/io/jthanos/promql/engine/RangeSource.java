package io.jthanos.promql.engine;

/**
 * A range-vector argument (matrix selector or subquery) as series of raw samples covering every
 * step's window, with the window geometry: step i's window ends at {@link #ref(int)} and spans
 * {@link #rangeMs()}; it is left-open in 3.x and closed in 2.x.
 */
interface RangeSource extends AutoCloseable {
  RawSeries next();

  long rangeMs();

  /** The end of step i's window (evaluation time or @ time, minus offset). */
  long ref(int step);

  /**
   * Prometheus 2.x's window end of step i for {@code predict_linear}, which is not @-safe: it turns
   * the @ time into an offset relative to the first step of the evaluation (the query start, or a
   * subquery's first step), so the window starts at the @ time and moves with the steps, over the
   * samples selected for the @ time.
   */
  default long refAtUnsafe(int step) {
    return ref(step);
  }

  /** The vector selector behind a matrix selector, or null for a subquery. */
  io.jthanos.promql.parser.VectorSelector selector();

  @Override
  default void close() {}
}
