package io.jthanos.store;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** The bucket store's metrics, with Thanos' names ({@code thanos_bucket_store_*}). */
final class StoreMetrics {
  private static final Duration[] DURATION_BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(10),
    Duration.ofMillis(100),
    Duration.ofMillis(300),
    Duration.ofMillis(600),
    Duration.ofSeconds(1),
    Duration.ofSeconds(3),
    Duration.ofSeconds(6),
    Duration.ofSeconds(9),
    Duration.ofSeconds(20),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60),
    Duration.ofSeconds(90),
    Duration.ofSeconds(120)
  };

  private final MeterRegistry reg;
  final Counter blockLoads;
  final Counter blockLoadFailures;
  final Counter blockDrops;
  final Counter blockDropFailures;
  final Counter droppedSeries;
  final Counter droppedChunks;
  final Counter droppedBytes;
  final Counter seriesRefetches;
  final Counter chunkRefetches;
  final DistributionSummary blocksQueried;
  final DistributionSummary resultSeries;
  final Timer getAllDuration;
  final Timer mergeDuration;
  final Timer postingsFetchDuration;
  final Timer seriesFetchDuration;
  final AtomicInteger gateInFlight = new AtomicInteger();
  final Timer gateDuration;

  StoreMetrics(MeterRegistry reg, Supplier<Number> blocksLoaded, int maxConcurrency) {
    this.reg = reg;
    Gauge.builder("thanos_bucket_store_blocks_loaded", blocksLoaded)
        .description("Number of currently loaded blocks.")
        .register(reg);
    blockLoads =
        counter(
            "thanos_bucket_store_block_loads", "Total number of remote block loading attempts.");
    blockLoadFailures =
        counter(
            "thanos_bucket_store_block_load_failures",
            "Total number of failed remote block loading attempts.");
    blockDrops =
        counter(
            "thanos_bucket_store_block_drops", "Total number of local blocks that were dropped.");
    blockDropFailures =
        counter(
            "thanos_bucket_store_block_drop_failures",
            "Total number of local blocks that failed to be dropped.");
    droppedSeries = dropped("series");
    droppedChunks = dropped("chunks");
    droppedBytes = dropped("bytes");
    seriesRefetches =
        counter(
            "thanos_bucket_store_series_refetches",
            "Total number of cases where configured estimated series bytes was not enough was to"
                + " fetch series from index, resulting in refetch.");
    chunkRefetches =
        counter(
            "thanos_bucket_store_chunk_refetches",
            "Total number of cases where configured estimated chunk bytes was not enough was to"
                + " fetch chunks from object store, resulting in refetch.");
    blocksQueried =
        DistributionSummary.builder("thanos_bucket_store_series_blocks_queried")
            .description("Number of blocks in a bucket store that were touched to satisfy a query.")
            .register(reg);
    resultSeries =
        DistributionSummary.builder("thanos_bucket_store_series_result_series")
            .description("Number of series observed in the final result of a query.")
            .register(reg);
    getAllDuration =
        timer(
            "thanos_bucket_store_series_get_all_duration",
            "Time it takes until all per-block prepares and loads for a query are finished.");
    mergeDuration =
        timer(
            "thanos_bucket_store_series_merge_duration",
            "Time it takes to merge sub-results from all queried blocks into a single result.");
    postingsFetchDuration =
        timer(
            "thanos_bucket_store_cached_postings_fetch_duration",
            "The time it takes to fetch postings to respond to a request sent to a store gateway."
                + " It includes both the time to fetch it from the cache and from storage in case"
                + " of cache misses.");
    seriesFetchDuration =
        timer(
            "thanos_bucket_store_cached_series_fetch_duration",
            "The time it takes to fetch series to respond to a request sent to a store gateway."
                + " It includes both the time to fetch it from the cache and from storage in case"
                + " of cache misses.");
    Gauge.builder("thanos_bucket_store_series_gate_queries_max", () -> maxConcurrency)
        .description("Maximum number of concurrent queries.")
        .register(reg);
    Gauge.builder(
            "thanos_bucket_store_series_gate_queries_in_flight", gateInFlight, AtomicInteger::get)
        .description("Number of queries that are currently in flight.")
        .register(reg);
    gateDuration =
        timer(
            "thanos_bucket_store_series_gate_duration",
            "How many seconds it took for queries to wait at the gate.");
    for (String t : new String[] {"postings", "series", "chunks"}) {
      touched(t);
      fetched(t);
      touchedSize(t);
      fetchedSize(t);
    }
  }

  private Counter counter(String name, String help) {
    return Counter.builder(name).description(help).register(reg);
  }

  private Counter dropped(String reason) {
    return Counter.builder("thanos_bucket_store_queries_dropped")
        .description("Number of queries that were dropped due to the limit.")
        .tag("reason", reason)
        .register(reg);
  }

  private Timer timer(String name, String help) {
    return Timer.builder(name)
        .description(help)
        .serviceLevelObjectives(DURATION_BUCKETS)
        .register(reg);
  }

  DistributionSummary touched(String type) {
    return DistributionSummary.builder("thanos_bucket_store_series_data_touched")
        .description(
            "How many items of a data type in a block were touched for a single series request.")
        .tag("data_type", type)
        .register(reg);
  }

  DistributionSummary fetched(String type) {
    return DistributionSummary.builder("thanos_bucket_store_series_data_fetched")
        .description(
            "How many items of a data type in a block were fetched for a single series request.")
        .tag("data_type", type)
        .register(reg);
  }

  DistributionSummary touchedSize(String type) {
    return DistributionSummary.builder("thanos_bucket_store_series_data_size_touched_bytes")
        .description(
            "Size of all items of a data type in a block were touched for a single series request.")
        .tag("data_type", type)
        .register(reg);
  }

  DistributionSummary fetchedSize(String type) {
    return DistributionSummary.builder("thanos_bucket_store_series_data_size_fetched_bytes")
        .description(
            "Size of all items of a data type in a block were fetched for a single series request.")
        .tag("data_type", type)
        .register(reg);
  }

  /** Records one request's data stats. */
  void observe(RequestStats s) {
    blocksQueried.record(s.blocksQueried.get());
    touched("postings").record(s.postingsTouched.get());
    touchedSize("postings").record(s.postingsTouchedBytes.get());
    fetched("postings").record(s.postingsFetched.get());
    fetchedSize("postings").record(s.postingsFetchedBytes.get());
    touched("series").record(s.seriesTouched.get());
    touchedSize("series").record(s.seriesTouchedBytes.get());
    fetched("series").record(s.seriesFetched.get());
    fetchedSize("series").record(s.seriesFetchedBytes.get());
    touched("chunks").record(s.chunksTouched.get());
    touchedSize("chunks").record(s.chunksTouchedBytes.get());
    fetched("chunks").record(s.chunksFetched.get());
    fetchedSize("chunks").record(s.chunksFetchedBytes.get());
  }
}
