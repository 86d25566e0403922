package io.jthanos.block.fetcher;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The meta fetcher's metrics with Thanos' names:
 *
 * <ul>
 *   <li>{@code thanos_blocks_meta_syncs_total}
 *   <li>{@code thanos_blocks_meta_sync_failures_total}
 *   <li>{@code thanos_blocks_meta_sync_duration_seconds} (histogram: 0.01, 1, 10, 100, 300, 600,
 *       1000 s)
 *   <li>{@code thanos_blocks_meta_synced{state}} (see {@link SyncedStates})
 *   <li>{@code thanos_blocks_meta_modified{modified}}
 * </ul>
 */
public final class FetcherMetrics {
  static final Duration[] DURATION_BUCKETS = {
    Duration.ofMillis(10),
    Duration.ofSeconds(1),
    Duration.ofSeconds(10),
    Duration.ofSeconds(100),
    Duration.ofSeconds(300),
    Duration.ofSeconds(600),
    Duration.ofSeconds(1000)
  };

  final Counter syncs;
  final Counter syncFailures;
  final Timer syncDuration;
  final TxGaugeVec synced;
  final TxGaugeVec modified;

  /**
   * @param registry where to register (null: a private registry)
   * @param extraSyncedStates states a component adds to the defaults (exported as 0 from the start)
   */
  public FetcherMetrics(MeterRegistry registry, List<String> extraSyncedStates) {
    MeterRegistry reg = registry == null ? new SimpleMeterRegistry() : registry;
    syncs =
        Counter.builder("thanos_blocks_meta_syncs")
            .description("Total blocks metadata synchronization attempts")
            .register(reg);
    syncFailures =
        Counter.builder("thanos_blocks_meta_sync_failures")
            .description("Total blocks metadata synchronization failures")
            .register(reg);
    syncDuration =
        Timer.builder("thanos_blocks_meta_sync_duration")
            .description("Duration of the blocks metadata synchronization in seconds")
            .serviceLevelObjectives(DURATION_BUCKETS)
            .register(reg);
    List<String> states = new ArrayList<>(SyncedStates.DEFAULTS);
    if (extraSyncedStates != null) {
      extraSyncedStates.stream().filter(s -> !states.contains(s)).forEach(states::add);
    }
    synced =
        new TxGaugeVec(
            reg, "thanos_blocks_meta_synced", "Number of block metadata synced", "state", states);
    modified =
        new TxGaugeVec(
            reg,
            "thanos_blocks_meta_modified",
            "Number of blocks whose metadata changed",
            "modified",
            SyncedStates.MODIFIED_DEFAULTS);
  }

  public TxGaugeVec synced() {
    return synced;
  }

  public TxGaugeVec modified() {
    return modified;
  }
}
