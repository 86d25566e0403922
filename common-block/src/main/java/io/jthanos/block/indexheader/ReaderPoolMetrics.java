package io.jthanos.block.indexheader;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;

/**
 * Lazy index-header metrics with the names a Thanos store gateway exports: {@code
 * thanos_bucket_store_indexheader_lazy_{load,load_failed,unload,unload_failed}_total} and {@code
 * thanos_bucket_store_indexheader_lazy_load_duration_seconds}.
 */
public final class ReaderPoolMetrics {
  private static final String PREFIX = "thanos_bucket_store_indexheader_lazy_";

  private final Counter loads;
  private final Counter loadFailures;
  private final Counter unloads;
  private final Counter unloadFailures;
  private final Timer loadDuration;

  /** Registers the metrics in {@code registry} (null: a private registry). */
  public ReaderPoolMetrics(MeterRegistry registry) {
    MeterRegistry reg = registry == null ? new SimpleMeterRegistry() : registry;
    loads =
        Counter.builder(PREFIX + "load")
            .description("Total number of index-header lazy load operations.")
            .register(reg);
    loadFailures =
        Counter.builder(PREFIX + "load_failed")
            .description("Total number of failed index-header lazy load operations.")
            .register(reg);
    unloads =
        Counter.builder(PREFIX + "unload")
            .description("Total number of index-header lazy unload operations.")
            .register(reg);
    unloadFailures =
        Counter.builder(PREFIX + "unload_failed")
            .description("Total number of failed index-header lazy unload operations.")
            .register(reg);
    loadDuration =
        Timer.builder(PREFIX + "load_duration")
            .description("Duration of the index-header lazy loading in seconds.")
            .serviceLevelObjectives(
                Duration.ofMillis(10),
                Duration.ofMillis(50),
                Duration.ofMillis(100),
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5))
            .register(reg);
  }

  void loaded(long nanos) {
    loads.increment();
    loadDuration.record(Duration.ofNanos(nanos));
  }

  void loadFailed() {
    loadFailures.increment();
  }

  void unloaded() {
    unloads.increment();
  }

  void unloadFailed() {
    unloadFailures.increment();
  }

  public double loads() {
    return loads.count();
  }

  public double unloads() {
    return unloads.count();
  }
}
