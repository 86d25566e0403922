package io.jthanos.tsdb.storage;

import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.labels.Labels;

/** One series: its labels and its samples in time order. */
public interface Series {
  Labels labels();

  /** A fresh (or reset) iterator over the samples; {@code reuse} may be null. */
  SampleIterator iterator(SampleIterator reuse);
}
