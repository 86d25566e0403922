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

  /** The vector selector behind a matrix selector, or null for a subquery. */
  io.jthanos.promql.parser.VectorSelector selector();

  @Override
  default void close() {}
}
