package io.jthanos.store.cache;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds concurrent operations (Thanos' {@code gate}): callers wait for a slot. Exports {@code
 * <prefix>gate_queries_max}, {@code <prefix>gate_queries_in_flight} and {@code
 * <prefix>gate_duration_seconds}; max 0 means unlimited.
 */
final class Gate {
  private final Semaphore slots;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Timer waited;

  Gate(int max, String prefix, MeterRegistry reg, String nameTag) {
    this.slots = max > 0 ? new Semaphore(max) : null;
    Gauge.builder(prefix + "gate_queries_max", () -> max)
        .description("Maximum number of concurrent queries.")
        .tag("name", nameTag)
        .register(reg);
    Gauge.builder(prefix + "gate_queries_in_flight", inFlight, AtomicInteger::get)
        .description("Number of queries that are currently in flight.")
        .tag("name", nameTag)
        .register(reg);
    waited =
        Timer.builder(prefix + "gate_duration")
            .description("How many seconds it took for queries to wait at the gate.")
            .tag("name", nameTag)
            .register(reg);
  }

  void start() throws InterruptedException {
    long t = System.nanoTime();
    if (slots != null) {
      slots.acquire();
    }
    inFlight.incrementAndGet();
    waited.record(Duration.ofNanos(System.nanoTime() - t));
  }

  void done() {
    inFlight.decrementAndGet();
    if (slots != null) {
      slots.release();
    }
  }
}
