package io.jthanos.tools.bucket;

import io.jthanos.block.compact.BlocksCleaner;
import io.jthanos.block.compact.CompactorMetrics;
import io.jthanos.block.compact.MetaSyncer;
import io.jthanos.block.fetcher.ConsistencyDelayFilter;
import io.jthanos.block.fetcher.DeduplicateFilter;
import io.jthanos.block.fetcher.IgnoreDeletionMarkFilter;
import io.jthanos.block.fetcher.LabelShardedFilter;
import io.jthanos.block.fetcher.MetaFetcher;
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

/**
 * {@code thanos tools bucket cleanup}: deletes blocks whose deletion mark is older than the delete
 * delay, and partial uploads older than max(consistency delay, 48h), once.
 */
@Command(name = "cleanup", description = "Cleans up all blocks marked for deletion.")
public final class CleanupCommand extends ToolCommand {
  private static final Logger LOG = LoggerFactory.getLogger(CleanupCommand.class);

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

  @Override
  protected String component() {
    return "cleanup";
  }

  @Override
  protected void compose(Component c) throws Exception {
    List<RelabelConfig> relabel = selector.configs();
    Bucket bkt = bucket(c, objstore, "cleanup");
    once(
        c,
        "cleanup",
        () -> {
          Clock clock = Clock.systemUTC();
          CompactorMetrics metrics = new CompactorMetrics(null, deleteDelay);
          MetaSyncer sy =
              syncer(bkt, relabel, consistencyDelay, deleteDelay, concurrency, metrics, clock);
          LOG.atInfo().log("syncing blocks metadata");
          sy.sync();
          LOG.atInfo().log("synced blocks done");
          BlocksCleaner cleaner =
              new BlocksCleaner(bkt, deleteDelay, consistencyDelay, metrics, clock);
          cleaner.cleanAbortedPartialUploads(sy.partial());
          cleaner.deleteMarkedBlocks(sy.deletionMarks());
          LOG.atInfo().log("cleanup done");
        });
  }

  /** The syncer the cleanup and retention tools use (Thanos' filters for them). */
  static MetaSyncer syncer(
      Bucket bkt,
      List<RelabelConfig> relabel,
      Duration consistencyDelay,
      Duration deleteDelay,
      int concurrency,
      CompactorMetrics metrics,
      Clock clock)
      throws java.io.IOException {
    IgnoreDeletionMarkFilter marks =
        new IgnoreDeletionMarkFilter(bkt, deleteDelay.dividedBy(2), concurrency, clock);
    DeduplicateFilter dups = new DeduplicateFilter(concurrency);
    MetaFetcher f =
        MetaFetcher.builder(bkt)
            .concurrency(concurrency)
            .filters(
                List.of(
                    new LabelShardedFilter(relabel),
                    new ConsistencyDelayFilter(consistencyDelay, clock, null),
                    marks,
                    dups))
            .build();
    return new MetaSyncer(bkt, f, dups, marks, metrics, clock);
  }
}
