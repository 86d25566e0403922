package io.jthanos.tsdb.index;

import io.jthanos.tsdb.util.LongList;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A pull iterator over ascending series refs, as Prometheus' {@code index.Postings}. Start with
 * {@link #next()} or {@link #seek(long)}; neither moves backwards. Static helpers combine lists:
 * {@link #intersect}, {@link #merge}, {@link #without}. Lists read from the index (and results of
 * combining them) are combined eagerly in bulk; other iterators lazily by leapfrogging seeks.
 */
public interface Postings {

  /** Advances to the next ref; false when exhausted. */
  boolean next();

  /**
   * Advances to the first ref {@code >= v}; stays put when the current ref already is. False when
   * exhausted.
   */
  boolean seek(long v);

  /** The current ref. */
  long at();

  Postings EMPTY =
      new Postings() {
        @Override
        public boolean next() {
          return false;
        }

        @Override
        public boolean seek(long v) {
          return false;
        }

        @Override
        public long at() {
          throw new IllegalStateException("empty postings");
        }
      };

  static Postings empty() {
    return EMPTY;
  }

  /** Postings over ascending refs in an array (not copied). */
  static Postings of(long... sortedRefs) {
    return new ListPostings(sortedRefs, sortedRefs.length);
  }

  /** Postings over {@code n} big-endian uint32 refs stored in {@code buf} from position 0. */
  static Postings bigEndian(ByteBuffer buf, int n) {
    return new BigEndianPostings(buf, n);
  }

  /** Drains the iterator into an array. */
  static long[] expand(Postings p) {
    LongList out = new LongList();
    while (p.next()) {
      out.add(p.at());
    }
    return out.toArray();
  }

  /** Refs present in every input. */
  static Postings intersect(List<Postings> its) {
    if (its.isEmpty()) {
      return EMPTY;
    }
    if (its.size() == 1) {
      return its.get(0);
    }
    for (Postings p : its) {
      if (p == EMPTY) {
        return EMPTY;
      }
    }
    if (PostingsArrays.allBulk(its)) {
      return PostingsArrays.intersect(its);
    }
    return new IntersectPostings(its.toArray(new Postings[0]));
  }

  static Postings intersect(Postings... its) {
    return intersect(List.of(its));
  }

  /** Refs present in any input, each once. */
  static Postings merge(List<Postings> its) {
    List<Postings> nonEmpty = new ArrayList<>(its.size());
    for (Postings p : its) {
      if (p != EMPTY) {
        nonEmpty.add(p);
      }
    }
    if (nonEmpty.isEmpty()) {
      return EMPTY;
    }
    if (nonEmpty.size() == 1) {
      return nonEmpty.get(0);
    }
    if (PostingsArrays.allBulk(nonEmpty)) {
      return PostingsArrays.merge(nonEmpty);
    }
    return new MergedPostings(nonEmpty.toArray(new Postings[0]));
  }

  static Postings merge(Postings... its) {
    return merge(List.of(its));
  }

  /** Refs of {@code full} that are not in {@code drop}. */
  static Postings without(Postings full, Postings drop) {
    if (full == EMPTY) {
      return EMPTY;
    }
    if (drop == EMPTY) {
      return full;
    }
    return new RemovedPostings(full, drop);
  }
}
