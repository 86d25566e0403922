package io.jthanos.tools.bucket;

import io.jthanos.block.compact.CompactorMetrics;
import io.jthanos.block.compact.Downsampling;
import io.jthanos.block.fetcher.DeduplicateFilter;
import io.jthanos.block.fetcher.FetchResult;
import io.jthanos.block.fetcher.GatherMarkFilter;
import io.jthanos.block.fetcher.MetaFetcher;
import io.jthanos.block.metadata.HashFunc;
import io.jthanos.block.metadata.MarkerType;
import io.jthanos.block.metadata.Meta;
import io.jthanos.config.ConfigException;
import io.jthanos.objstore.Bucket;
import io.jthanos.server.Component;
import io.jthanos.server.flags.DurationConverter;
import io.jthanos.server.flags.HttpServerOptions;
import io.jthanos.server.flags.ObjstoreOptions;
import io.jthanos.server.run.RunGroup;
import io.jthanos.tsdb.block.Ulid;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code thanos tools bucket downsample}: the compactor's downsampling job alone, repeated every
 * {@code --wait-interval}, with the HTTP server for metrics and probes.
 */
@Command(
    name = "downsample",
    description = "Continuously downsamples blocks in an object store bucket.")
public final class DownsampleCommand extends ToolCommand {
  private static final Logger LOG = LoggerFactory.getLogger(DownsampleCommand.class);

  @Mixin HttpServerOptions http;
  @Mixin ObjstoreOptions objstore;

  @Option(
      names = "--wait-interval",
      defaultValue = "5m",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description = "Wait interval between downsample runs.")
  Duration waitInterval;

  @Option(
      names = "--downsample.concurrency",
      defaultValue = "1",
      paramLabel = "<n>",
      description = "Number of goroutines to use when downsampling blocks.")
  int concurrency;

  @Option(
      names = "--block-files-concurrency",
      defaultValue = "1",
      paramLabel = "<n>",
      description =
          "Number of goroutines to use when fetching/uploading block files from object storage.")
  int blockFilesConcurrency;

  @Option(
      names = "--data-dir",
      defaultValue = "./data",
      paramLabel = "<dir>",
      description = "Data directory in which to cache blocks and process downsamplings.")
  String dataDir;

  @Option(
      names = "--hash-func",
      defaultValue = "",
      paramLabel = "<func>",
      description =
          "Specify which hash function to use when calculating the hashes of produced files. If no"
              + " function has been specified, it does not happen. This permits avoiding"
              + " downloading some files twice albeit at some performance cost. Possible values"
              + " are: \"\", \"SHA256\".")
  String hashFunc;

  @Override
  protected String component() {
    return "downsample";
  }

  @Override
  protected void compose(Component c) throws Exception {
    HashFunc hf = hashFunc(hashFunc);
    if (concurrency <= 0 || blockFilesConcurrency <= 0) {
      throw new ConfigException("concurrency must be > 0", "downsample.concurrency");
    }
    Bucket bkt = bucket(c, objstore, "downsample");
    Clock clock = Clock.systemUTC();
    CompactorMetrics metrics = new CompactorMetrics(c.registry(), Duration.ZERO);
    GatherMarkFilter noDownsample = new GatherMarkFilter(bkt, MarkerType.NO_DOWNSAMPLE, 32, false);
    MetaFetcher fetcher =
        MetaFetcher.builder(bkt)
            .registry(c.registry())
            .filters(List.of(new DeduplicateFilter(32), noDownsample))
            .build();
    Downsampling job =
        new Downsampling(
            bkt, Path.of(dataDir), concurrency, blockFilesConcurrency, hf, false, metrics, clock);
    c.http(http);
    c.add("downsample", new Loop(fetcher, noDownsample, job, metrics));
    c.probes().ready();
  }

  static HashFunc hashFunc(String s) {
    if (s.isEmpty()) {
      return HashFunc.NONE;
    }
    if (s.equals("SHA256")) {
      return HashFunc.SHA256;
    }
    throw new ConfigException(
        "--hash-func must be one of \"\", \"SHA256\", got \"" + s + "\"", "hash-func");
  }

  private final class Loop implements RunGroup.Actor {
    private final MetaFetcher fetcher;
    private final GatherMarkFilter noDownsample;
    private final Downsampling job;
    private final CompactorMetrics metrics;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile Thread runner;

    Loop(MetaFetcher fetcher, GatherMarkFilter noDownsample, Downsampling job, CompactorMetrics m) {
      this.fetcher = fetcher;
      this.noDownsample = noDownsample;
      this.job = job;
      this.metrics = m;
    }

    private SortedMap<Ulid, Meta> metas(String pass) throws Exception {
      FetchResult r;
      try {
        r = fetcher.fetch();
        r.metasOrThrow();
      } catch (Exception e) {
        throw new IllegalStateException(
            "sync before " + pass + " pass of downsampling: " + e.getMessage(), e);
      }
      SortedMap<Ulid, Meta> m = new TreeMap<>(r.metas());
      m.keySet().removeAll(noDownsample.marked().keySet());
      for (Meta x : m.values()) {
        metrics.downsamples(x.resolution());
        metrics.downsampleFailures(x.resolution());
      }
      return m;
    }

    @Override
    public void run() throws Exception {
      runner = Thread.currentThread();
      while (stop.getCount() > 0) {
        try {
          LOG.atInfo().log("start first pass of downsampling");
          job.run(metas("first"));
          LOG.atInfo().log("start second pass of downsampling");
          job.run(metas("second"));
          LOG.atInfo().log("downsampling iterations done");
        } catch (Exception e) {
          if (stop.getCount() == 0) {
            return;
          }
          throw new IllegalStateException("downsampling failed: " + e.getMessage(), e);
        }
        if (stop.await(waitInterval.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    }

    @Override
    public void interrupt(Throwable cause) {
      stop.countDown();
      Thread t = runner;
      if (t != null && t != Thread.currentThread()) {
        t.interrupt();
      }
    }
  }
}
