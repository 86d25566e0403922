package io.jthanos.tools;

import io.jthanos.block.generator.DatasetCache;
import io.jthanos.block.generator.FleetGenerator;
import io.jthanos.block.generator.GeneratorConfig;
import io.jthanos.block.generator.Layout;
import io.jthanos.block.metadata.HashFunc;
import io.jthanos.config.ConfigException;
import io.jthanos.config.PathOrContent;
import io.jthanos.config.TimeOrDuration;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.Buckets;
import io.jthanos.server.Component;
import io.jthanos.server.ComponentCommand;
import io.jthanos.server.flags.DurationConverter;
import io.jthanos.server.flags.ObjstoreOptions;
import io.jthanos.server.run.RunGroup;
import io.jthanos.tsdb.block.BlockFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code thanos tools bucket generate}: writes a deterministic, Kubernetes-fleet-shaped dataset
 * into a bucket (a jthanos extension, not a Thanos command). See {@link FleetGenerator}.
 */
@Command(
    name = "generate",
    description =
        "Generate a deterministic, Kubernetes-fleet-shaped dataset of TSDB blocks (namespaces, apps,"
            + " pods with churn; counters, gauges, histograms) straight into the bucket: raw 2h blocks,"
            + " or the compacted layout with 5m and 1h downsampled copies. Not a Thanos command: a"
            + " jthanos extension for benchmarks, tests and demos. The same flags give byte-identical"
            + " blocks (pass --end to pin the time range).")
public final class GenerateCommand extends ComponentCommand {
  private static final Logger LOG = LoggerFactory.getLogger(GenerateCommand.class);

  @Mixin ObjstoreOptions objstore;

  @Option(
      names = "--series",
      defaultValue = "1000",
      paramLabel = "<n>",
      description = "Approximate number of series alive at any time (about 34 per pod).")
  int series;

  @Option(
      names = "--days",
      defaultValue = "2",
      paramLabel = "<n>",
      description = "Days of data, ending at --end.")
  int days;

  @Option(
      names = "--interval",
      defaultValue = "15s",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description = "Scrape interval.")
  Duration interval;

  @Option(
      names = "--churn",
      defaultValue = "0.2",
      paramLabel = "<fraction>",
      description =
          "Pods replaced per pod and day (new pod names, so new series); 0 for a fleet without"
              + " churn.")
  double churn;

  @Option(
      names = "--seed",
      defaultValue = "1",
      paramLabel = "<n>",
      description = "Seed of every random choice.")
  long seed;

  @Option(
      names = "--layout",
      defaultValue = "raw",
      paramLabel = "<layout>",
      description =
          "raw: 2h blocks as sidecars upload them. compacted: what the compactor leaves (14d and 2d"
              + " blocks with 5m and 1h downsampled copies, 2h blocks for the rest).")
  String layout;

  @Option(
      names = "--end",
      defaultValue = "now",
      paramLabel = "<time>",
      description =
          "End of the data: now, an RFC 3339 time, or a duration relative to now (-1d); aligned"
              + " down to 2h.")
  String end;

  @Option(
      names = "--label",
      defaultValue = "cluster=\"fleet-1\"",
      paramLabel = "<name>=\"<value>\"",
      description = "External label of the blocks (repeated).")
  List<String> labels;

  @Option(
      names = "--hash-func",
      defaultValue = "",
      showDefaultValue = Visibility.NEVER,
      paramLabel = "<func>",
      description = "Hash of the block files recorded in meta.json: \"\" (none) or SHA256.")
  String hashFunc;

  @Option(
      names = "--cache-dir",
      defaultValue = "",
      showDefaultValue = Visibility.NEVER,
      paramLabel = "<dir>",
      description =
          "Keep the dataset under this directory, keyed by generator version, seed and size, and"
              + " copy it from there when it exists. Without an objstore config the dataset is only"
              + " cached (a FILESYSTEM bucket under <dir>/<key>/bucket).")
  String cacheDir;

  @Option(
      names = "--work-dir",
      defaultValue = "",
      showDefaultValue = Visibility.NEVER,
      paramLabel = "<dir>",
      description = "Where blocks are assembled before upload (default: a temporary directory).")
  String workDir;

  @Override
  protected String component() {
    return "tools";
  }

  /** The flags as a generator config. */
  GeneratorConfig generatorConfig(Clock clock) {
    long endMs;
    if (end.equals("now")) {
      endMs = clock.millis();
    } else {
      try {
        endMs = TimeOrDuration.parse(end).toMillis(clock);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("invalid --end: " + e.getMessage(), "end", e);
      }
    }
    Layout l;
    try {
      l = Layout.parse(layout);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("invalid --layout: " + e.getMessage(), "layout", e);
    }
    try {
      return new GeneratorConfig(
          seed, series, days, interval.toMillis(), churn, l, endMs, parseLabels(labels));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("invalid generator flags: " + e.getMessage(), null, e);
    }
  }

  /** {@code name="value"} (quotes optional), as Thanos' {@code --label}. */
  static Map<String, String> parseLabels(List<String> flags) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String f : flags) {
      int eq = f.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(
            "invalid --label \"" + f + "\": expected name=\"value\"", "label");
      }
      String name = f.substring(0, eq);
      String value = f.substring(eq + 1);
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1);
      }
      if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*") || value.isEmpty()) {
        throw new ConfigException(
            "invalid --label \"" + f + "\": expected name=\"value\"", "label");
      }
      out.put(name, value);
    }
    return out;
  }

  @Override
  protected void compose(Component c) throws Exception {
    GeneratorConfig cfg = generatorConfig(Clock.systemUTC());
    HashFunc hf;
    try {
      hf = HashFunc.parse(hashFunc);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("invalid --hash-func: " + e.getMessage(), "hash-func", e);
    }
    PathOrContent bucketFlags = objstore.config();
    boolean hasBucket = bucketFlags.read().filter(s -> !s.isBlank()).isPresent();
    if (!hasBucket && cacheDir.isEmpty()) {
      throw new ConfigException(
          "one of --objstore.config-file, --objstore.config or --cache-dir is required",
          "objstore.config");
    }
    Bucket bkt = hasBucket ? Buckets.fromFlags(bucketFlags, "tools", c.registry()) : null;
    if (bkt != null) {
      c.onClose(
          () -> {
            try {
              bkt.close();
            } catch (Exception e) {
              LOG.atWarn().setCause(e).log("closing bucket failed");
            }
          });
    }
    c.add("generate", new Generate(cfg, hf, bkt));
  }

  private final class Generate implements RunGroup.Actor {
    private final GeneratorConfig cfg;
    private final HashFunc hf;
    private final Bucket bkt;
    private volatile Thread thread;

    Generate(GeneratorConfig cfg, HashFunc hf, Bucket bkt) {
      this.cfg = cfg;
      this.hf = hf;
      this.bkt = bkt;
    }

    @Override
    public void run() throws Exception {
      thread = Thread.currentThread();
      LOG.atInfo()
          .addKeyValue("config", cfg.canonical())
          .addKeyValue("key", cfg.cacheKey())
          .log("generating dataset");
      long start = System.nanoTime();
      if (!cacheDir.isEmpty()) {
        DatasetCache.Dataset ds = DatasetCache.materialize(Path.of(cacheDir), cfg, hf);
        int copied = bkt == null ? 0 : DatasetCache.copy(ds, bkt);
        LOG.atInfo()
            .addKeyValue("dataset", ds.bucketDir())
            .addKeyValue("blocks", ds.manifest().path("blocks").asInt())
            .addKeyValue("series", ds.manifest().path("series").asLong())
            .addKeyValue("samples", ds.manifest().path("raw_samples").asLong())
            .addKeyValue(
                "bytes_per_sample",
                String.format("%.3f", ds.manifest().path("bytes_per_sample").asDouble()))
            .addKeyValue("copied_blocks", copied)
            .addKeyValue("duration", Duration.ofNanos(System.nanoTime() - start))
            .log("dataset ready");
        return;
      }
      Path work =
          workDir.isEmpty()
              ? Files.createTempDirectory("jthanos-generate-")
              : Files.createDirectories(Path.of(workDir)).resolve("jthanos-generate");
      try {
        FleetGenerator.Summary s = new FleetGenerator(cfg).generateTo(bkt, work, hf);
        LOG.atInfo()
            .addKeyValue("blocks", s.blocks())
            .addKeyValue("series", s.series())
            .addKeyValue("samples", s.rawSamples())
            .addKeyValue("bytes_per_sample", String.format("%.3f", s.bytesPerSample()))
            .addKeyValue("duration", Duration.ofNanos(System.nanoTime() - start))
            .log("dataset uploaded");
      } finally {
        BlockFiles.deleteRecursively(work);
      }
    }

    @Override
    public void interrupt(Throwable cause) {
      Thread t = thread;
      if (t != null && t != Thread.currentThread()) {
        t.interrupt();
      }
    }
  }

  /** Every subcommand of {@code tools}, for docs and tests. */
  static List<String> commands() {
    List<String> out = new ArrayList<>();
    out.add("");
    out.add("bucket");
    out.add("bucket generate");
    return out;
  }
}
