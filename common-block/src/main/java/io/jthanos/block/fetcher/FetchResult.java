package io.jthanos.block.fetcher;

import io.jthanos.block.metadata.Meta;
import io.jthanos.tsdb.block.Ulid;
import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a meta sync found, as Thanos' {@code Fetch} returns it.
 *
 * @param metas the complete blocks that passed every filter, by id (sorted)
 * @param partial blocks without a usable meta.json (partial uploads, corrupted or missing
 *     meta.json) and why
 * @param error non-null when some metas could not be loaded (bucket errors): the view is incomplete
 *     and {@code metas} may miss blocks; callers that must not act on an incomplete view (the
 *     compactor) stop
 */
public record FetchResult(
    SortedMap<Ulid, Meta> metas, SortedMap<Ulid, Exception> partial, IOException error) {
  public FetchResult {
    metas = Collections.unmodifiableSortedMap(new TreeMap<>(metas));
    partial = Collections.unmodifiableSortedMap(new TreeMap<>(partial));
  }

  static FetchResult of(Map<Ulid, Meta> metas, Map<Ulid, Exception> partial, IOException error) {
    return new FetchResult(new TreeMap<>(metas), new TreeMap<>(partial), error);
  }

  /** The metas, or the incomplete-view error. */
  public SortedMap<Ulid, Meta> metasOrThrow() throws IOException {
    if (error != null) {
      throw error;
    }
    return metas;
  }
}
