package io.jthanos.block.fetcher;

import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.Sources;
import io.jthanos.tsdb.block.Ulid;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Hides blocks younger than the consistency delay ({@code --consistency-delay}), so eventually
 * consistent buckets have time to show every object of a new block. Age counts from {@code
 * thanos.upload_time} when set, else from the ULID's time. Blocks made by the compactor or a repair
 * are never too fresh. State {@code too-fresh}; exports {@code thanos_consistency_delay_seconds}.
 */
public final class ConsistencyDelayFilter implements MetaFilter {
  private static final Set<String> EXEMPT =
      Set.of(Sources.BUCKET_REPAIR, Sources.COMPACTOR, Sources.COMPACTOR_REPAIR);

  private final Duration delay;
  private final Clock clock;

  /**
   * @param registry for {@code thanos_consistency_delay_seconds}; may be null
   */
  public ConsistencyDelayFilter(Duration delay, Clock clock, MeterRegistry registry) {
    this.delay = delay;
    this.clock = clock;
    if (registry != null) {
      Gauge.builder("thanos_consistency_delay_seconds", () -> delay.toMillis() / 1000.0)
          .description("Configured consistency delay in seconds.")
          .register(registry);
    }
  }

  @Override
  public void filter(Map<Ulid, Meta> metas, TxGaugeVec synced, TxGaugeVec modified) {
    Instant now = clock.instant();
    metas
        .entrySet()
        .removeIf(
            e -> {
              Meta m = e.getValue();
              boolean tooFresh;
              Instant uploaded = m.thanos().uploadTime();
              if (uploaded != null) {
                tooFresh = Duration.between(uploaded, now).compareTo(delay) < 0;
              } else {
                tooFresh = now.toEpochMilli() - e.getKey().timestamp() < delay.toMillis();
              }
              if (tooFresh && !EXEMPT.contains(m.thanos().source())) {
                synced.inc(SyncedStates.TOO_FRESH);
                return true;
              }
              return false;
            });
  }
}
