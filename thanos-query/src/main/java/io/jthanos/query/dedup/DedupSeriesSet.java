package io.jthanos.query.dedup;

import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.storage.Series;
import io.jthanos.tsdb.storage.SeriesSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Deduplicates a series set whose replicas of one series come one after another with equal labels
 * (replica labels already removed). A group of one passes through; larger groups are merged with
 * the {@link DedupAlgorithm}, folding replicas pairwise ({@code merge(merge(r0, r1), r2)...}). With
 * the penalty algorithm and a counter function ({@code rate}, {@code increase}, {@code irate},
 * {@code resets}) values never go down across a replica switch.
 */
public final class DedupSeriesSet implements SeriesSet {
  private final SeriesSet in;
  private final DedupAlgorithm algorithm;
  private final boolean counter;
  private Series peek;
  private boolean peeked;
  private Series current;

  /**
   * @param func the PromQL function around the selection ({@code SelectHints.func()})
   */
  public DedupSeriesSet(SeriesSet in, DedupAlgorithm algorithm, String func) {
    this.in = in;
    this.algorithm = algorithm;
    this.counter = DedupAlgorithm.isCounterFunction(func == null ? "" : func);
  }

  @Override
  public boolean next() {
    if (!peeked) {
      peeked = true;
      peek = in.next() ? in.at() : null;
    }
    if (peek == null) {
      current = null;
      return false;
    }
    Labels labels = peek.labels();
    Series first = peek;
    List<Series> group = null;
    while (true) {
      peek = in.next() ? in.at() : null;
      if (peek == null || !peek.labels().equals(labels)) {
        break;
      }
      if (group == null) {
        group = new ArrayList<>(4);
        group.add(first);
      }
      group.add(peek);
    }
    current = group == null ? first : new Merged(labels, List.copyOf(group), algorithm, counter);
    return true;
  }

  @Override
  public Series at() {
    return current;
  }

  @Override
  public List<String> warnings() {
    return in.warnings();
  }

  @Override
  public void close() {
    in.close();
  }

  /** Merges replica iterators with the algorithm; exposed for tests and stacked use. */
  public static SampleIterator merge(
      List<SampleIterator> replicas, DedupAlgorithm algorithm, boolean counter) {
    if (replicas.size() == 1) {
      return replicas.getFirst();
    }
    if (algorithm == DedupAlgorithm.CHAIN) {
      SampleIterator it = replicas.getFirst();
      for (int i = 1; i < replicas.size(); i++) {
        it = new ChainIterator(it, replicas.get(i));
      }
      return it;
    }
    AdjustableIterator it = AdjustableIterator.of(replicas.getFirst(), counter);
    for (int i = 1; i < replicas.size(); i++) {
      it = new PenaltyIterator(it, AdjustableIterator.of(replicas.get(i), counter));
    }
    return it;
  }

  private record Merged(
      Labels labels, List<Series> replicas, DedupAlgorithm algorithm, boolean counter)
      implements Series {
    @Override
    public SampleIterator iterator(SampleIterator reuse) {
      List<SampleIterator> its = new ArrayList<>(replicas.size());
      for (Series s : replicas) {
        its.add(s.iterator(null));
      }
      return merge(its, algorithm, counter);
    }
  }
}
