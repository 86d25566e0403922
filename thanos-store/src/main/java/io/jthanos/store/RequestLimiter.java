package io.jthanos.store;

import io.jthanos.storeapi.StoreLimitException;
import io.jthanos.storeapi.StoreLimits;
import io.micrometer.core.instrument.Counter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The limits of one Series/LabelNames/LabelValues call, shared by all its blocks (Thanos' series,
 * chunks and bytes limiters): series touched after postings are expanded, chunks to fetch (the
 * samples limit counts 120 samples per chunk) and bytes downloaded or read from caches. Going over
 * one throws {@link StoreLimitException} (gRPC {@code RESOURCE_EXHAUSTED}) and counts {@code
 * thanos_bucket_store_queries_dropped_total{reason}}.
 */
final class RequestLimiter {
  private final StoreLimits limits;
  private final StoreMetrics metrics;
  private final AtomicLong series = new AtomicLong();
  private final AtomicLong chunks = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();

  RequestLimiter(StoreLimits limits, StoreMetrics metrics) {
    this.limits = limits;
    this.metrics = metrics;
  }

  void reserveSeries(long n) {
    check("series", limits.series(), series.addAndGet(n), metrics.droppedSeries);
  }

  void reserveChunks(long n) {
    check("chunks", limits.chunks(), chunks.addAndGet(n), metrics.droppedChunks);
  }

  void reserveBytes(long n) {
    check("bytes", limits.bytes(), bytes.addAndGet(n), metrics.droppedBytes);
  }

  private static void check(String what, long limit, long got, Counter dropped) {
    if (limit > 0 && got > limit) {
      dropped.increment();
      throw new StoreLimitException(
          what, "exceeded " + what + " limit: limit " + limit + " violated (got " + got + ")");
    }
  }
}
