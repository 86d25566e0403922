package io.jthanos.sidecar;

import io.jthanos.block.shipper.Shipper;
import io.jthanos.config.Durations;
import io.jthanos.objstore.Bucket;
import io.jthanos.server.run.RunGroup;
import io.jthanos.sidecar.promclient.PrometheusClient;
import io.jthanos.sidecar.promclient.PrometheusException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar's upload loop. Once Prometheus' external labels are loaded it checks Prometheus'
 * block durations through {@code /api/v1/status/flags} (every {@code get_config_interval} until
 * {@code storage.tsdb.min-block-duration} equals {@code storage.tsdb.max-block-duration}, so that
 * Prometheus never compacts a block before it is uploaded; skipped with {@code
 * --shipper.ignore-unequal-block-size}, or when Prometheus delays compaction through the shipper
 * file itself), then runs a shipper sync every 30 seconds. Nothing is uploaded while the check
 * fails; every attempt logs why.
 */
final class ShipperLoop implements RunGroup.Actor {
  private static final Logger LOG = LoggerFactory.getLogger(ShipperLoop.class);

  static final Duration SYNC_INTERVAL = Duration.ofSeconds(30);

  private final Shipper shipper;
  private final Bucket bucket;
  private final PrometheusClient client;
  private final PrometheusState state;
  private final boolean ignoreUnequalBlockSize;
  private final Duration checkInterval;
  private final Duration checkTimeout;
  private final Duration readyTimeout;
  private final CountDownLatch stop = new CountDownLatch(1);

  ShipperLoop(
      Shipper shipper,
      Bucket bucket,
      PrometheusClient client,
      PrometheusState state,
      boolean ignoreUnequalBlockSize,
      Duration checkInterval,
      Duration checkTimeout,
      Duration readyTimeout) {
    this.shipper = shipper;
    this.bucket = bucket;
    this.client = client;
    this.state = state;
    this.ignoreUnequalBlockSize = ignoreUnequalBlockSize;
    this.checkInterval = checkInterval;
    this.checkTimeout = checkTimeout;
    this.readyTimeout = readyTimeout;
  }

  @Override
  public void run() throws Exception {
    try (bucket) {
      if (!state.awaitLoaded(readyTimeout)) {
        if (stop.getCount() == 0) {
          return;
        }
        throw new IOException("aborting as no external labels found after waiting " + readyTimeout);
      }
      while (true) {
        try {
          validate(client.flags(checkTimeout));
          LOG.atInfo().log("successfully validated prometheus flags");
          break;
        } catch (PrometheusException e) {
          if (e.status() == 404) {
            LOG.atWarn()
                .addKeyValue("err", e.getMessage())
                .log(
                    "failed to check Prometheus flags, due to potentially older Prometheus. No"
                        + " extra validation is done.");
            break;
          }
          LOG.atWarn()
              .addKeyValue("err", e.getMessage())
              .log("failed to validate prometheus flags, not uploading blocks. Retrying");
        } catch (IOException | IllegalStateException e) {
          LOG.atWarn()
              .addKeyValue("err", e.getMessage())
              .log("failed to validate prometheus flags, not uploading blocks. Retrying");
        }
        if (stop.await(checkInterval.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
      }
      do {
        try {
          int uploaded = shipper.sync();
          if (uploaded > 0) {
            LOG.atDebug().addKeyValue("uploaded", uploaded).log("shipper sync done");
          }
        } catch (IOException | RuntimeException e) {
          LOG.atWarn().addKeyValue("err", e.getMessage()).log("shipper sync failed");
        }
      } while (!stop.await(SYNC_INTERVAL.toMillis(), TimeUnit.MILLISECONDS));
    }
  }

  /**
   * Thanos' {@code validatePrometheus}: min and max block duration must be equal unless ignored, or
   * unless Prometheus delays compaction through this shipper's state file.
   *
   * @throws IllegalStateException when uploading would be unsafe
   */
  void validate(Map<String, String> flags) {
    String min = flags.getOrDefault("storage.tsdb.min-block-duration", "");
    String max = flags.getOrDefault("storage.tsdb.max-block-duration", "");
    String delayFile = flags.getOrDefault("storage.tsdb.delay-compact-file.path", "");
    if (!delayFile.isEmpty()) {
      Path ours = shipper.dir().resolve(shipper.metaFileName()).toAbsolutePath().normalize();
      Path theirs = Path.of(delayFile).toAbsolutePath().normalize();
      if (!ours.equals(theirs) && !sameFile(ours, theirs)) {
        throw new IllegalStateException(
            "Prometheus storage.tsdb.delay-compact-file.path "
                + delayFile
                + " is not the shipper meta file "
                + ours);
      }
      return;
    }
    Duration dmin = parse(min);
    Duration dmax = parse(max);
    if (dmin != null && dmax != null && !dmin.equals(dmax)) {
      if (!ignoreUnequalBlockSize) {
        throw new IllegalStateException(
            "found that TSDB Max time is "
                + max
                + " and Min time is "
                + min
                + ". Compaction needs to be disabled (storage.tsdb.min-block-duration ="
                + " storage.tsdb.max-block-duration)");
      }
      LOG.atWarn()
          .log(
              "flag to ignore Prometheus min/max block duration flags differing is being used. If"
                  + " the upload of a 2h block fails and a Prometheus compaction happens that block"
                  + " may be missing from your Thanos bucket storage.");
    }
    if (dmin != null && !dmin.equals(Duration.ofHours(2))) {
      LOG.atWarn()
          .addKeyValue("block-time", min)
          .log("found that TSDB block time is not 2h. Only 2h block time is recommended.");
    }
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }

  private static Duration parse(String d) {
    if (d.isEmpty()) {
      return null;
    }
    try {
      return Durations.parse(d);
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public void interrupt(Throwable cause) {
    stop.countDown();
  }
}
