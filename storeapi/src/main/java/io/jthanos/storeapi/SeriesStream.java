package io.jthanos.storeapi;

import com.google.protobuf.Any;
import java.util.List;

/**
 * A pull iterator over a Series answer: series sorted by labels, one entry per label set (frames of
 * one series are joined). Failures surface from {@link #next()} as {@link StoreApiException}.
 * Warnings and response hints are complete once {@link #next()} has returned false. Whoever opens a
 * stream closes it; closing before the end cancels the call.
 */
public interface SeriesStream extends AutoCloseable {

  boolean next();

  StoreSeries at();

  /** Warning frames received so far, in order. */
  List<String> warnings();

  /** Hints frames received so far (for example {@code hintspb.SeriesResponseHints}). */
  List<Any> hints();

  @Override
  void close();
}
