package io.jthanos.block.fetcher;

import io.jthanos.block.metadata.Meta;
import io.jthanos.tsdb.block.Ulid;
import java.io.IOException;
import java.util.Map;

/**
 * Removes (or rewrites) metas after a sync, counting what it removed into the {@code synced} gauge
 * under its state name, as Thanos' {@code MetadataFilter}. Filters run in the order given to the
 * {@link MetaFetcher}; the map may be modified in place.
 */
@FunctionalInterface
public interface MetaFilter {
  void filter(Map<Ulid, Meta> metas, TxGaugeVec synced, TxGaugeVec modified) throws IOException;
}
