package io.jthanos.block.fetcher;

import io.jthanos.block.metadata.Meta;
import io.jthanos.config.TimeOrDuration;
import io.jthanos.tsdb.block.Ulid;
import java.time.Clock;
import java.util.Map;

/**
 * Keeps blocks that overlap {@code [--min-time, --max-time]} ({@code maxTime >= min && minTime <=
 * max}, both inclusive, as Thanos compares them). Relative bounds move with the clock. State {@code
 * time-excluded}.
 */
public final class TimePartitionFilter implements MetaFilter {
  private final TimeOrDuration minTime;
  private final TimeOrDuration maxTime;
  private final Clock clock;

  public TimePartitionFilter(TimeOrDuration minTime, TimeOrDuration maxTime, Clock clock) {
    this.minTime = minTime;
    this.maxTime = maxTime;
    this.clock = clock;
  }

  @Override
  public void filter(Map<Ulid, Meta> metas, TxGaugeVec synced, TxGaugeVec modified) {
    long min = minTime.toMillis(clock);
    long max = maxTime.toMillis(clock);
    metas
        .values()
        .removeIf(
            m -> {
              if (m.maxTime() >= min && m.minTime() <= max) {
                return false;
              }
              synced.inc(SyncedStates.TIME_EXCLUDED);
              return true;
            });
  }
}
