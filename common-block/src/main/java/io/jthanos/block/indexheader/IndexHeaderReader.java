package io.jthanos.block.indexheader;

import java.util.List;

/**
 * What a store gateway needs from a block's index without reading the index itself: label names and
 * values, where the postings list of a label pair lies in the index object, and symbol lookups for
 * decoding series entries fetched with range reads. Thread-safe. Whoever opens a reader closes it.
 */
public interface IndexHeaderReader extends AutoCloseable {

  /** The format version of the block's index (2 or 3). */
  int indexVersion();

  /** The postings list of {@code name=value} in the index, or null when the pair is absent. */
  PostingsRange postingsRange(String name, String value);

  /**
   * The postings lists of {@code name} with each of {@code sortedValues} (ascending, UTF-8 byte
   * order): a list of the same size, null where the value is absent.
   */
  List<PostingsRange> postingsRanges(String name, List<String> sortedValues);

  /** Visits values of a label and their postings ranges. */
  @FunctionalInterface
  interface ValueVisitor {
    /** Returns false to stop the scan. */
    boolean visit(String value, PostingsRange range);
  }

  /**
   * Visits the values of {@code name} in ascending order, starting at the first value {@code >=
   * from} ({@code null}: all values).
   */
  void scanValues(String name, String from, ValueVisitor visitor);

  /** The symbol with reference {@code ref} as the block's series entries use it. */
  String lookupSymbol(long ref);

  /** Sorted label names of the block. */
  List<String> labelNames();

  /** Sorted values of a label (empty when absent). */
  List<String> labelValues(String name);

  /**
   * Offset in the index of the first postings list: series entries end before it, so range reads of
   * series never need to go past it.
   */
  long postingsStart();

  /**
   * Pins the reader for a series of calls (a query): a lazily loaded reader is loaded if needed and
   * not unloaded until {@link #release()}. Eager readers return themselves.
   */
  default IndexHeaderReader acquire() {
    return this;
  }

  /** Ends an {@link #acquire()}. */
  default void release() {}

  @Override
  void close();
}
