package io.jthanos.tools.bucket;

import io.jthanos.block.compact.CompactorMetrics;
import io.jthanos.block.compact.MetaSyncer;
import io.jthanos.block.compact.Retention;
import io.jthanos.block.relabel.RelabelConfig;
import io.jthanos.objstore.Bucket;
import io.jthanos.server.Component;
import io.jthanos.server.flags.DurationConverter;
import io.jthanos.server.flags.ObjstoreOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code thanos tools bucket retention}: applies the retention flags once. */
@Command(
    name = "retention",
    description =
        "Retention applies retention policies on the given bucket. Please make sure no compactor"
            + " is running on the same bucket at the same time.")
public final class RetentionCommand extends ToolCommand {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionCommand.class);

  @Mixin ObjstoreOptions objstore;

  @Option(
      names = "--delete-delay",
      defaultValue = "48h",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description = "Time before a block marked for deletion is deleted from bucket.")
  Duration deleteDelay;

  @Option(
      names = "--consistency-delay",
      defaultValue = "30m",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description =
          "Minimum age of fresh (non-compacted) blocks before they are being processed. Malformed"
              + " blocks older than the maximum of consistency-delay and 48h0m0s will be removed.")
  Duration consistencyDelay;

  @Option(
      names = "--block-sync-concurrency",
      defaultValue = "20",
      paramLabel = "<n>",
      description = "Number of goroutines to use when syncing block metadata from object storage.")
  int concurrency;

  @Mixin SelectorOptions selector;

  @Option(
      names = "--retention.resolution-raw",
      defaultValue = "0d",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description =
          "How long to retain raw samples in bucket. Setting this to 0d will retain samples of this"
              + " resolution forever")
  Duration raw;

  @Option(
      names = "--retention.resolution-5m",
      defaultValue = "0d",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description =
          "How long to retain samples of resolution 1 (5 minutes) in bucket. Setting this to 0d"
              + " will retain samples of this resolution forever")
  Duration fiveMinutes;

  @Option(
      names = "--retention.resolution-1h",
      defaultValue = "0d",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description =
          "How long to retain samples of resolution 2 (1 hour) in bucket. Setting this to 0d will"
              + " retain samples of this resolution forever")
  Duration oneHour;

  /** Overridable in tests. */
  Clock clock = Clock.systemUTC();

  @Override
  protected String component() {
    return "retention";
  }

  @Override
  protected void compose(Component c) throws Exception {
    List<RelabelConfig> relabel = selector.configs();
    Retention.Policy policy = new Retention.Policy(raw, fiveMinutes, oneHour);
    Bucket bkt = bucket(c, objstore, "retention");
    once(
        c,
        "retention",
        () -> {
          CompactorMetrics metrics = new CompactorMetrics(null, deleteDelay);
          MetaSyncer sy =
              CleanupCommand.syncer(
                  bkt, relabel, consistencyDelay, deleteDelay, concurrency, metrics, clock);
          LOG.atInfo().log("syncing blocks metadata");
          sy.sync();
          LOG.atInfo().log("synced blocks done");
          LOG.atWarn().log("GLOBAL COMPACTOR SHOULD __NOT__ BE RUNNING ON THE SAME BUCKET");
          Retention.apply(
              bkt, sy.metas().values(), policy, metrics.blocksMarkedForDeletion(), clock);
        });
  }
}
