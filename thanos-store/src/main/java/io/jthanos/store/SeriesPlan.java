package io.jthanos.store;

import io.jthanos.proto.store.ShardInfo;
import java.util.Set;

/**
 * What a Series request asks of every block: time range, whether chunks are wanted, labels to drop
 * ({@code without_replica_labels}), the shard, the highest resolution accepted and whether a
 * failing block is a warning (partial response) or fails the call.
 */
record SeriesPlan(
    long mint,
    long maxt,
    boolean skipChunks,
    Set<String> removed,
    ShardInfo shard,
    long maxResolution,
    boolean partialResponse,
    int batchSize) {}
