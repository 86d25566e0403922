package io.jthanos.store;

import io.jthanos.storeapi.StoreLimitException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the chunk bytes held in memory by all requests together ({@code --chunk-pool-size}): a
 * request reserves the size of each range it fetches and releases it when the series built from it
 * have been handed on. When the pool is exhausted the request fails with {@code RESOURCE_EXHAUSTED}
 * instead of driving the process out of memory.
 */
final class ChunkPool {
  private final long max;
  private final AtomicLong used = new AtomicLong();

  ChunkPool(long max) {
    this.max = max;
  }

  void reserve(long n) {
    if (max <= 0) {
      used.addAndGet(n);
      return;
    }
    long now = used.addAndGet(n);
    if (now > max) {
      used.addAndGet(-n);
      throw new StoreLimitException(
          "bytes",
          "chunk pool exhausted: cannot hold "
              + n
              + " more bytes of chunks (pool size "
              + max
              + ", in use "
              + (now - n)
              + ")");
    }
  }

  void release(long n) {
    used.addAndGet(-n);
  }

  long used() {
    return used.get();
  }
}
