package io.jthanos.promql.engine;

/**
 * A pull iterator over the series of an instant-vector expression. {@link #next()} returns null at
 * the end; the returned object may be reused by the producer on the following call. A stream may
 * hand out several series with equal labels whose points never share a step (e.g. after a function
 * dropped the metric name); consumers merge them.
 */
interface SeriesStream extends AutoCloseable {
  StepSeries next();

  @Override
  default void close() {}

  static SeriesStream empty() {
    return () -> null;
  }

  static SeriesStream of(java.util.List<StepSeries> list) {
    java.util.Iterator<StepSeries> it = list.iterator();
    return () -> it.hasNext() ? it.next() : null;
  }
}
