package io.jthanos.tsdb.chunkenc;

/**
 * A pull iterator over the samples of one series (or one chunk), oldest first. Implementations are
 * reusable: decoders accept a previous iterator to reset instead of allocating.
 *
 * <p>Errors (corrupt data, unsupported encodings) are thrown as unchecked exceptions from {@link
 * #next()} or {@link #seek(long)}.
 */
public interface SampleIterator {

  /** Advances to the next sample; {@link ValueType#NONE} when exhausted. */
  ValueType next();

  /**
   * Advances to the first sample with timestamp {@code >= t}. If the current sample already
   * satisfies that, the iterator does not move. Returns {@link ValueType#NONE} when exhausted.
   */
  ValueType seek(long t);

  /** Timestamp (ms) of the current sample. */
  long atT();

  /** Value of the current float sample. */
  double atV();

  /** An iterator with no samples. */
  static SampleIterator empty() {
    return EmptyIterator.INSTANCE;
  }

  final class EmptyIterator implements SampleIterator {
    static final EmptyIterator INSTANCE = new EmptyIterator();

    private EmptyIterator() {}

    @Override
    public ValueType next() {
      return ValueType.NONE;
    }

    @Override
    public ValueType seek(long t) {
      return ValueType.NONE;
    }

    @Override
    public long atT() {
      throw new IllegalStateException("empty iterator");
    }

    @Override
    public double atV() {
      throw new IllegalStateException("empty iterator");
    }
  }
}
