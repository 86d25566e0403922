package io.jthanos.store;

import java.util.concurrent.atomic.AtomicLong;

/** What one request touched and fetched, per data type (Thanos' query stats). */
final class RequestStats {
  final AtomicLong blocksQueried = new AtomicLong();
  final AtomicLong postingsTouched = new AtomicLong();
  final AtomicLong postingsTouchedBytes = new AtomicLong();
  final AtomicLong postingsFetched = new AtomicLong();
  final AtomicLong postingsFetchedBytes = new AtomicLong();
  final AtomicLong postingsFetchCount = new AtomicLong();
  final AtomicLong seriesTouched = new AtomicLong();
  final AtomicLong seriesTouchedBytes = new AtomicLong();
  final AtomicLong seriesFetched = new AtomicLong();
  final AtomicLong seriesFetchedBytes = new AtomicLong();
  final AtomicLong seriesFetchCount = new AtomicLong();
  final AtomicLong chunksTouched = new AtomicLong();
  final AtomicLong chunksTouchedBytes = new AtomicLong();
  final AtomicLong chunksFetched = new AtomicLong();
  final AtomicLong chunksFetchedBytes = new AtomicLong();
  final AtomicLong chunksFetchCount = new AtomicLong();
  final AtomicLong mergedSeries = new AtomicLong();
  final AtomicLong mergedChunks = new AtomicLong();
}
