package io.jthanos.block.compact;

import io.jthanos.block.Blocks;
import io.jthanos.block.downsample.Resolutions;
import io.jthanos.block.metadata.Meta;
import io.jthanos.objstore.Bucket;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention per resolution ({@code --retention.resolution-raw}, {@code -5m}, {@code -1h}; zero
 * keeps forever), as Thanos' {@code ApplyRetentionPolicyByResolution}: a block is marked for
 * deletion once now is after its maxTime (whole seconds) plus the retention of its resolution.
 */
public final class Retention {
  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

  /** Retention by resolution; {@link Duration#ZERO} keeps forever. */
  public record Policy(Duration raw, Duration fiveMinutes, Duration oneHour) {
    public static final Policy FOREVER = new Policy(Duration.ZERO, Duration.ZERO, Duration.ZERO);

    public Duration of(long resolution) {
      if (resolution == Resolutions.RES_5M) {
        return fiveMinutes;
      }
      if (resolution == Resolutions.RES_1H) {
        return oneHour;
      }
      return resolution == Resolutions.RAW ? raw : Duration.ZERO;
    }

    /**
     * Thanos' checks: with downsampling on, raw retention must cover the 40h after which 5m blocks
     * are made, and 5m retention the 10 days after which 1h blocks are made.
     *
     * @throws IllegalArgumentException naming the violated rule
     */
    public void validate(boolean downsampling) {
      if (!raw.isZero() && downsampling && raw.toMillis() < Resolutions.DOWNSAMPLE_RANGE_5M) {
        throw new IllegalArgumentException(
            "raw resolution must be higher than the minimum block size after which 5m resolution"
                + " downsampling will occur (40 hours)");
      }
      if (!fiveMinutes.isZero()
          && downsampling
          && fiveMinutes.toMillis() < Resolutions.DOWNSAMPLE_RANGE_1H) {
        throw new IllegalArgumentException(
            "5m resolution retention must be higher than the minimum block size after which 1h"
                + " resolution downsampling will occur (10 days)");
      }
    }
  }

  private Retention() {}

  /** The blocks past retention. */
  public static List<Meta> expired(Collection<Meta> metas, Policy policy, Clock clock) {
    List<Meta> out = new ArrayList<>();
    long now = clock.millis();
    for (Meta m : metas) {
      Duration d = policy.of(m.resolution());
      if (d.isZero()) {
        continue;
      }
      long maxTimeSeconds = Math.floorDiv(m.maxTime(), 1000) * 1000;
      if (now > maxTimeSeconds + d.toMillis()) {
        out.add(m);
      }
    }
    return out;
  }

  /**
   * Marks expired blocks for deletion; returns how many were marked. A failed mark is logged and
   * the others proceed (as Thanos).
   */
  public static int apply(
      Bucket bkt, Collection<Meta> metas, Policy policy, Counter marked, Clock clock) {
    LOG.atInfo().log("start optional retention");
    int n = 0;
    for (Meta m : expired(metas, policy, clock)) {
      Duration d = policy.of(m.resolution());
      LOG.atInfo()
          .addKeyValue("id", m.ulid())
          .addKeyValue("maxTime", java.time.Instant.ofEpochMilli(m.maxTime()))
          .log("applying retention: marking block for deletion");
      try {
        if (Blocks.markForDeletion(
            bkt,
            m.ulid(),
            "block exceeding retention of " + io.jthanos.config.Durations.formatGo(d),
            clock)) {
          marked.increment();
          n++;
        }
      } catch (java.io.IOException | RuntimeException e) {
        LOG.atError()
            .setCause(e)
            .addKeyValue("id", m.ulid())
            .log("failed to mark block for deletion");
      }
    }
    LOG.atInfo().log("optional retention apply done");
    return n;
  }
}
