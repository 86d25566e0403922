package io.jthanos.tsdb.storage;

import io.jthanos.tsdb.labels.Matcher;
import java.util.List;

/** Like {@link Querier} but yields encoded chunks. */
public interface ChunkQuerier extends AutoCloseable {
  ChunkSeriesSet select(boolean sortSeries, SelectHints hints, List<Matcher> matchers);

  LabelResult labelValues(String name, LabelHints hints, List<Matcher> matchers);

  LabelResult labelNames(LabelHints hints, List<Matcher> matchers);

  @Override
  void close();
}
