package io.jthanos.tsdb.storage;

import io.jthanos.tsdb.labels.Matcher;
import java.util.List;

/**
 * Reads series over the time range it was opened for. One owner closes it; series sets it handed
 * out must be closed before it.
 */
public interface Querier extends AutoCloseable {

  /**
   * Selects the series matching all matchers. With {@code sortSeries} the set is ordered by labels
   * ({@link io.jthanos.tsdb.labels.Labels#compare}). {@code hints} may be null.
   */
  SeriesSet select(boolean sortSeries, SelectHints hints, List<Matcher> matchers);

  /** Sorted distinct values of a label among series matching the matchers (none = all). */
  LabelResult labelValues(String name, LabelHints hints, List<Matcher> matchers);

  /** Sorted distinct label names among series matching the matchers (none = all). */
  LabelResult labelNames(LabelHints hints, List<Matcher> matchers);

  @Override
  void close();
}
