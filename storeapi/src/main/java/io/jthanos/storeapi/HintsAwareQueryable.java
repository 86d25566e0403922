package io.jthanos.storeapi;

import io.jthanos.tsdb.storage.ChunkQuerier;
import io.jthanos.tsdb.storage.ChunkQueryable;

/**
 * A source that takes StoreAPI request hints (block matchers, tenant) and reports response hints
 * (queried blocks, query stats). The {@link StoreServer} uses this method instead of {@link
 * #chunkQuerier(long, long)} and always answers Series with a {@code hintspb.SeriesResponseHints}
 * frame, and label calls with response hints, as Thanos' bucket store does.
 */
public interface HintsAwareQueryable extends ChunkQueryable {

  ChunkQuerier chunkQuerier(long mint, long maxt, RequestHints hints);

  @Override
  default ChunkQuerier chunkQuerier(long mint, long maxt) {
    return chunkQuerier(mint, maxt, new RequestHints(java.util.List.of(), false, ""));
  }
}
