package io.jthanos.tools.bucket;

import io.jthanos.block.fetcher.IgnoreDeletionMarkFilter;
import io.jthanos.block.fetcher.MetaFetcher;
import io.jthanos.block.fetcher.MetaFilter;
import io.jthanos.block.fetcher.TimePartitionFilter;
import io.jthanos.block.metadata.Meta;
import io.jthanos.config.ConfigException;
import io.jthanos.config.Durations;
import io.jthanos.config.PathOrContent;
import io.jthanos.config.TimeOrDuration;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.Buckets;
import io.jthanos.promql.parser.Parser;
import io.jthanos.promql.parser.ParserOptions;
import io.jthanos.server.Component;
import io.jthanos.server.flags.HttpServerOptions;
import io.jthanos.server.flags.ObjstoreOptions;
import io.jthanos.server.run.RunGroup;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code thanos tools bucket replicate}: copies blocks (meta.json last) from one bucket to another,
 * filtered by external labels, resolution, compaction level, time and id; once, or every minute.
 */
@Command(
    name = "replicate",
    description =
        "Replicate data from one object storage to another. NOTE: Currently it works only with"
            + " Thanos blocks (meta.json has to have Thanos metadata).")
public final class ReplicateCommand extends ToolCommand {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicateCommand.class);

  @Mixin HttpServerOptions http;
  @Mixin ObjstoreOptions objstore;

  @Option(
      names = "--objstore-to.config-file",
      defaultValue = "",
      paramLabel = "<file-path>",
      description =
          "Path to YAML file that contains object store-to configuration. See format details:"
              + " https://thanos.io/tip/thanos/storage.md/#configuration The object storage which"
              + " replicate data to.")
  String toFile;

  @Option(
      names = "--objstore-to.config",
      defaultValue = "",
      paramLabel = "<content>",
      description =
          "Alternative to 'objstore-to.config-file' flag (mutually exclusive). Content of YAML file"
              + " that contains object store-to configuration. See format details:"
              + " https://thanos.io/tip/thanos/storage.md/#configuration The object storage which"
              + " replicate data to.")
  String toContent;

  @Option(
      names = "--resolution",
      defaultValue = "0s,5m,1h",
      split = ",",
      paramLabel = "<duration>",
      description = "Only blocks with these resolutions will be replicated. Repeated flag.")
  List<String> resolutions;

  @Option(
      names = "--compaction-min",
      defaultValue = "1",
      paramLabel = "<level>",
      description = "Only blocks with at least this compaction level will be replicated.")
  int compactionMin;

  @Option(
      names = "--compaction-max",
      defaultValue = "4",
      paramLabel = "<level>",
      description = "Only blocks up to a maximum of this compaction level will be replicated.")
  int compactionMax;

  @Option(
      names = "--compaction",
      paramLabel = "<level>",
      description =
          "Only blocks with these compaction levels will be replicated. Repeated flag. Overrides"
              + " compaction-min and compaction-max if set.")
  List<Integer> compactions = new ArrayList<>();

  @Option(
      names = "--matcher",
      defaultValue = "",
      paramLabel = "<matchers>",
      description =
          "blocks whose external labels match this matcher will be replicated. All Prometheus"
              + " matchers are supported, including =, !=, =~ and !~.")
  String matcher;

  @Option(
      names = "--single-run",
      negatable = true,
      defaultValue = "false",
      fallbackValue = "true",
      description = "Run replication only one time, then exit.")
  boolean singleRun;

  @Option(
      names = "--min-time",
      defaultValue = "0000-01-01T00:00:00Z",
      paramLabel = "<time>",
      description =
          "Start of time range limit to replicate. Thanos Replicate will replicate only metrics,"
              + " which happened later than this value. Option can be a constant time in RFC3339"
              + " format or time duration relative to current time, such as -1d or 2h45m. Valid"
              + " duration units are ms, s, m, h, d, w, y.")
  String minTime;

  @Option(
      names = "--max-time",
      defaultValue = "9999-12-31T23:59:59Z",
      paramLabel = "<time>",
      description =
          "End of time range limit to replicate. Thanos Replicate will replicate only metrics,"
              + " which happened earlier than this value. Option can be a constant time in RFC3339"
              + " format or time duration relative to current time, such as -1d or 2h45m. Valid"
              + " duration units are ms, s, m, h, d, w, y.")
  String maxTime;

  @Option(
      names = "--id",
      paramLabel = "<ulid>",
      description =
          "Block to be replicated to the destination bucket. IDs will be used to match blocks and"
              + " other matchers will be ignored. When specified, this command will be run only"
              + " once after successful replication. Repeated field")
  List<String> ids = new ArrayList<>();

  @Option(
      names = "--ignore-marked-for-deletion",
      negatable = true,
      defaultValue = "false",
      fallbackValue = "true",
      description = "Do not replicate blocks that have deletion mark.")
  boolean ignoreMarked;

  @Override
  protected String component() {
    return "replicate";
  }

  /** Which blocks to copy. */
  record Filter(List<Matcher> matchers, Set<Long> resolutions, Set<Integer> levels, Set<Ulid> ids) {
    boolean accepts(Meta m) {
      if (!ids.isEmpty()) {
        return ids.contains(m.ulid());
      }
      Labels l = m.thanos().labelSet();
      for (Matcher x : matchers) {
        if (!x.matches(l)) {
          return false;
        }
      }
      return resolutions.contains(m.resolution())
          && levels.contains(m.block().compaction().level());
    }
  }

  Filter filter() {
    List<Matcher> ms = List.of();
    String sel = matcher.strip();
    if (!sel.isEmpty()) {
      if (!sel.startsWith("{")) {
        sel = "{" + sel + "}";
      }
      try {
        ms = Parser.parseMetricSelector(sel, ParserOptions.DEFAULT);
      } catch (RuntimeException e) {
        throw new ConfigException("parse block label matchers: " + e.getMessage(), "matcher");
      }
    }
    Set<Long> res = new HashSet<>();
    for (String r : resolutions) {
      try {
        res.add(Durations.parse(r).toMillis());
      } catch (IllegalArgumentException e) {
        throw new ConfigException("invalid --resolution " + r, "resolution");
      }
    }
    Set<Integer> levels = new HashSet<>(compactions);
    if (levels.isEmpty()) {
      if (compactionMin > compactionMax) {
        throw new ConfigException(
            "compaction-min must be less than or equal to compaction-max", "compaction-min");
      }
      for (int l = compactionMin; l <= compactionMax; l++) {
        levels.add(l);
      }
    }
    Set<Ulid> idSet = new HashSet<>();
    for (String id : ids) {
      if (!Ulid.isValid(id)) {
        throw new ConfigException("invalid ULID found in --id flag: " + id, "id");
      }
      idSet.add(Ulid.parse(id));
    }
    return new Filter(ms, res, levels, idSet);
  }

  @Override
  protected void compose(Component c) throws Exception {
    Filter f = filter();
    TimeOrDuration min = TimeOrDuration.parse(minTime);
    TimeOrDuration max = TimeOrDuration.parse(maxTime);
    PathOrContent to =
        new PathOrContent("objstore-to.config-file", "objstore-to.config", toFile, toContent);
    if (to.read().filter(s -> !s.isBlank()).isEmpty()) {
      throw new ConfigException(
          "No supported bucket was configured to replicate to", "objstore-to.config");
    }
    Bucket from = bucket(c, objstore, "replicate");
    Bucket target =
        Buckets.fromFlags(
            to, "replicate", new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    c.onClose(() -> close(target));
    Clock clock = Clock.systemUTC();
    List<MetaFilter> filters = new ArrayList<>();
    filters.add(new TimePartitionFilter(min, max, clock));
    if (ignoreMarked) {
      filters.add(new IgnoreDeletionMarkFilter(from, Duration.ZERO, 32, clock));
    }
    MetaFetcher fetcher = MetaFetcher.builder(from).filters(filters).build();
    Replicator r = new Replicator(from, target, fetcher, f, c.registry());
    c.http(http);
    c.probes().ready();
    boolean once = singleRun || !f.ids().isEmpty();
    c.add("replicate", new Loop(r, once));
  }

  /** Copies the filtered blocks that the target does not have. */
  static final class Replicator {
    private final Bucket from;
    private final Bucket to;
    private final MetaFetcher fetcher;
    private final Filter filter;
    private final Counter already;
    private final Counter replicated;
    private final Counter objects;
    final Counter runsOk;
    final Counter runsFailed;
    final Timer durationOk;
    final Timer durationFailed;

    Replicator(Bucket from, Bucket to, MetaFetcher fetcher, Filter filter, MeterRegistry reg) {
      this.from = from;
      this.to = to;
      this.fetcher = fetcher;
      this.filter = filter;
      MeterRegistry r =
          reg == null ? new io.micrometer.core.instrument.simple.SimpleMeterRegistry() : reg;
      already =
          Counter.builder("thanos_replicate_blocks_already_replicated")
              .description("Total number of blocks skipped due to already being replicated.")
              .register(r);
      replicated =
          Counter.builder("thanos_replicate_blocks_replicated")
              .description("Total number of blocks replicated.")
              .register(r);
      objects =
          Counter.builder("thanos_replicate_objects_replicated")
              .description("Total number of objects replicated.")
              .register(r);
      runsOk = runs(r, "success");
      runsFailed = runs(r, "error");
      durationOk = duration(r, "success");
      durationFailed = duration(r, "error");
    }

    private static Counter runs(MeterRegistry r, String result) {
      return Counter.builder("thanos_replicate_replication_runs")
          .description("The number of replication runs split by success and error.")
          .tag("result", result)
          .register(r);
    }

    private static Timer duration(MeterRegistry r, String result) {
      return Timer.builder("thanos_replicate_replication_run_duration")
          .description("The Duration of replication runs split by success and error.")
          .tag("result", result)
          .register(r);
    }

    /** One replication run; returns the blocks copied. */
    int run() throws IOException {
      LOG.atInfo().log("running replication attempt");
      int n = 0;
      for (Meta m : fetcher.fetch().metasOrThrow().values()) {
        if (!filter.accepts(m)) {
          continue;
        }
        if (ensure(m.ulid())) {
          n++;
        }
      }
      return n;
    }

    private boolean ensure(Ulid id) throws IOException {
      String meta = id + "/meta.json";
      byte[] origin = from.readAllBytes(meta);
      if (to.exists(meta)) {
        byte[] target = to.readAllBytes(meta);
        if (Arrays.equals(origin, target)) {
          LOG.atDebug().addKeyValue("block_uuid", id).log("skipping block as already replicated");
          already.increment();
          return false;
        }
        throw new IOException("target block " + id + " exists but its meta.json differs");
      }
      List<String> names = new ArrayList<>();
      for (String name : from.list(id + "/chunks/", true)) {
        names.add(name);
      }
      names.add(id + "/index");
      for (String name : names) {
        try (InputStream in = from.get(name)) {
          to.upload(name, in, from.attributes(name).size());
        }
        objects.increment();
      }
      to.upload(meta, origin);
      objects.increment();
      replicated.increment();
      LOG.atInfo().addKeyValue("block_uuid", id).log("replicated block");
      return true;
    }
  }

  private static final class Loop implements RunGroup.Actor {
    private final Replicator r;
    private final boolean once;
    private final CountDownLatch stop = new CountDownLatch(1);

    Loop(Replicator r, boolean once) {
      this.r = r;
      this.once = once;
    }

    @Override
    public void run() throws Exception {
      while (true) {
        long start = System.nanoTime();
        try {
          int n = r.run();
          r.runsOk.increment();
          r.durationOk.record(Duration.ofNanos(System.nanoTime() - start));
          LOG.atInfo().addKeyValue("blocks", n).log("ran replication successfully");
        } catch (IOException | RuntimeException e) {
          r.runsFailed.increment();
          r.durationFailed.record(Duration.ofNanos(System.nanoTime() - start));
          if (once) {
            throw new IOException("replication execute: " + e.getMessage(), e);
          }
          LOG.atError()
              .setCause(e)
              .addKeyValue("err", e.getMessage())
              .log("running replication failed");
        }
        if (once || stop.await(1, TimeUnit.MINUTES)) {
          return;
        }
      }
    }

    @Override
    public void interrupt(Throwable cause) {
      stop.countDown();
    }
  }
}
