package io.jthanos.block.compact;

import io.jthanos.block.Blocks;
import io.jthanos.block.fetcher.IgnoreDeletionMarkFilter;
import io.jthanos.block.metadata.DeletionMark;
import io.jthanos.objstore.Bucket;
import io.jthanos.tsdb.block.Ulid;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what may be deleted: blocks whose deletion mark is older than {@code --delete-delay}
 * (Thanos' {@code BlocksCleaner}), and partial uploads (no meta.json) older than max(consistency
 * delay, 48h) by their ULID time (Thanos' {@code BestEffortCleanAbortedPartialUploads}), so a block
 * still being uploaded is never touched.
 */
public final class BlocksCleaner {
  /** Partial blocks younger than this (by ULID time) are left alone. */
  public static final Duration PARTIAL_UPLOAD_THRESHOLD_AGE = Duration.ofHours(48);

  private static final Logger LOG = LoggerFactory.getLogger(BlocksCleaner.class);

  private final Bucket bkt;
  private final Duration deleteDelay;
  private final Duration partialUploadAge;
  private final CompactorMetrics metrics;
  private final Clock clock;

  /**
   * @param consistencyDelay {@code --consistency-delay}: partial uploads are kept at least
   *     max(consistencyDelay, 48h)
   */
  public BlocksCleaner(
      Bucket bkt,
      Duration deleteDelay,
      Duration consistencyDelay,
      CompactorMetrics metrics,
      Clock clock) {
    this.bkt = bkt;
    this.deleteDelay = deleteDelay;
    this.partialUploadAge =
        consistencyDelay.compareTo(PARTIAL_UPLOAD_THRESHOLD_AGE) > 0
            ? consistencyDelay
            : PARTIAL_UPLOAD_THRESHOLD_AGE;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Deletes blocks whose deletion mark is older than the delete delay. */
  public void deleteMarkedBlocks(IgnoreDeletionMarkFilter marks) throws IOException {
    deleteMarkedBlocks(marks.deletionMarkBlocks());
  }

  public void deleteMarkedBlocks(Map<Ulid, DeletionMark> marks) throws IOException {
    LOG.atInfo().log("started cleaning of blocks marked for deletion");
    SortedMap<Ulid, DeletionMark> sorted = new TreeMap<>(marks);
    long nowMs = clock.millis();
    for (DeletionMark m : sorted.values()) {
      double ageSeconds = (nowMs - m.deletionTime() * 1000.0) / 1000.0;
      if (ageSeconds > deleteDelay.toMillis() / 1000.0) {
        try {
          Blocks.delete(bkt, m.id());
        } catch (IOException | RuntimeException e) {
          metrics.blockCleanupFailures.increment();
          throw new IOException("delete block: " + e.getMessage(), e);
        }
        metrics.blocksCleaned.increment();
        LOG.atInfo().addKeyValue("block", m.id()).log("deleted block marked for deletion");
      }
    }
    LOG.atInfo().log("cleaning of blocks marked for deletion done");
  }

  /** Deletes partial uploads older than the threshold; failures are logged and skipped. */
  public void cleanAbortedPartialUploads(Map<Ulid, ?> partial) {
    LOG.atInfo().log("started cleaning of aborted partial uploads");
    long now = clock.millis();
    for (Ulid id : new TreeMap<>(partial).keySet()) {
      if (now - id.timestamp() <= partialUploadAge.toMillis()) {
        continue;
      }
      metrics.partialUploadDeleteAttempts.increment();
      try {
        Blocks.delete(bkt, id);
      } catch (IOException | RuntimeException e) {
        metrics.blockCleanupFailures.increment();
        LOG.atWarn()
            .setCause(e)
            .addKeyValue("block", id)
            .addKeyValue("thresholdAge", partialUploadAge)
            .log("failed to delete aborted partial upload; skipping");
        return;
      }
      metrics.blocksCleaned.increment();
      LOG.atInfo()
          .addKeyValue("block", id)
          .addKeyValue("thresholdAge", partialUploadAge)
          .log("deleted aborted partial upload");
    }
    LOG.atInfo().log("cleaning of aborted partial uploads done");
  }
}
