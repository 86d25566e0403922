package io.jthanos.store;

import java.util.concurrent.ExecutorService;

/**
 * What every block of one request shares: tenant (for cache metrics), limits, statistics, the chunk
 * pool and the executor running range reads.
 */
record QueryContext(
    String tenant,
    RequestLimiter limiter,
    RequestStats stats,
    ChunkPool chunkPool,
    ExecutorService executor,
    StoreMetrics metrics,
    Canonicalizer strings) {}
