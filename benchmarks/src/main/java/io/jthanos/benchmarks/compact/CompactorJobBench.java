package io.jthanos.benchmarks.compact;

import io.jthanos.block.Blocks;
import io.jthanos.block.compact.CompactorJob;
import io.jthanos.block.compact.CompactorMetrics;
import io.jthanos.block.compact.Retention;
import io.jthanos.block.generator.DatasetCache;
import io.jthanos.block.generator.GeneratorConfig;
import io.jthanos.block.generator.Layout;
import io.jthanos.block.metadata.BlockFile;
import io.jthanos.block.metadata.HashFunc;
import io.jthanos.block.metadata.Meta;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.filesystem.FilesystemBucket;
import io.jthanos.tsdb.block.BlockFiles;
import io.jthanos.tsdb.block.Ulid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * End-to-end compactor benchmark over generated buckets (the block layer's fleet generator, cached
 * under the dataset directory): one compactor pass ({@code --delete-delay=0s}) over a fresh copy of
 * the bucket, for three jobs:
 *
 * <ul>
 *   <li><b>non-overlapping</b>: 2 days of raw 2h blocks compacted to 8h and 2d blocks (downsampling
 *       off); MB = bytes (chunks + index) of the input blocks compacted away;
 *   <li><b>vertical</b>: 2 days uploaded twice as two HA replicas ({@code replica="a"} and {@code
 *       "b"}, distinct block ids), deduplicated with {@code --deduplication.replica-label=replica
 *       --deduplication.func=penalty} (every overlapping chunk decoded, merged, re-encoded), then
 *       compacted to 2d; samples = input samples;
 *   <li><b>downsampling</b>: a 2d raw block (the generator's compacted layout without its
 *       downsampled copies) downsampled to 5m; samples = raw input samples.
 * </ul>
 *
 * <p>{@code --mode=process} (default) runs {@code thanos compact} (one pass) as a child JVM under
 * GNU {@code /usr/bin/time -v}: wall and CPU time (user + system) of the whole process including
 * JVM start-up and JIT compilation, and its peak RSS. {@code --mode=in-process} runs {@link
 * CompactorJob#iteration()} in this JVM, as a compactor with {@code --wait} runs its later passes:
 * the first run warms the JVM up; CPU time is the process's (all threads, JIT and GC included).
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar
 * io.jthanos.benchmarks.compact.CompactorJobBench <dataset-dir> [--series=8000] [--runs=3]
 * [--mode=process|in-process] [--jvm="-Xmx2g -XX:+UseParallelGC"] [--jobs=<regex>]}
 */
public final class CompactorJobBench {
  /** 2024-03-10T00:00:00Z: a 2d boundary, so the generated 2 days form one 2d window. */
  static final long END = 1_710_028_800_000L;

  private CompactorJobBench() {}

  record Run(double wallS, double cpuS, long maxRssKb) {}

  record Input(long bytes, long samples, int blocks) {}

  /** A job: its datasets, the resolutions dropped from them, and its flags. */
  record Job(
      String name,
      List<DatasetCache.Dataset> sources,
      Set<Long> drop,
      List<String> flags,
      UnaryOperator<CompactorJob.Config> config) {}

  /** A prepared bucket and what it held before the job. */
  record Prepared(Path bucketDir, Path dataDir, Map<Ulid, Meta> before, Map<Ulid, Long> sizes) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new TreeMap<>();
    Path root = Path.of("bench-datasets");
    for (String a : args) {
      if (a.startsWith("--") && a.contains("=")) {
        opts.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
      } else {
        root = Path.of(a);
      }
    }
    int series = Integer.parseInt(opts.getOrDefault("series", "8000"));
    int runs = Integer.parseInt(opts.getOrDefault("runs", "3"));
    String jvm = opts.getOrDefault("jvm", "-Xmx2g -XX:+UseParallelGC");
    Pattern only = Pattern.compile(opts.getOrDefault("jobs", ".*"));
    boolean inProcess = opts.getOrDefault("mode", "process").equals("in-process");
    GeneratorConfig raw =
        GeneratorConfig.defaults(END)
            .withSeries(series)
            .withDays(2)
            .withInterval(15_000)
            .withChurn(0.2)
            .withLayout(Layout.RAW)
            .withExternalLabels(Map.of("cluster", "bench"));
    List<Job> jobs = new ArrayList<>();
    if (only.matcher("non-overlapping").matches()) {
      jobs.add(
          new Job(
              "non-overlapping",
              List.of(DatasetCache.materialize(root, raw, HashFunc.NONE)),
              Set.of(),
              List.of("--downsampling.disable"),
              c -> c.withRetention(Retention.Policy.FOREVER, true)));
    }
    if (only.matcher("vertical").matches()) {
      GeneratorConfig replica = raw.withSeries(series / 4);
      jobs.add(
          new Job(
              "vertical",
              List.of(
                  DatasetCache.materialize(
                      root,
                      replica.withExternalLabels(Map.of("cluster", "bench", "replica", "a")),
                      HashFunc.NONE),
                  DatasetCache.materialize(
                      root,
                      replica.withExternalLabels(Map.of("cluster", "bench", "replica", "b")),
                      HashFunc.NONE)),
              Set.of(),
              List.of(
                  "--downsampling.disable",
                  "--deduplication.replica-label=replica",
                  "--deduplication.func=penalty"),
              c ->
                  c.withRetention(Retention.Policy.FOREVER, true)
                      .withReplicaLabels(List.of("replica"), CompactorJob.DEDUP_PENALTY)));
    }
    if (only.matcher("downsampling").matches()) {
      jobs.add(
          new Job(
              "downsampling",
              List.of(
                  DatasetCache.materialize(root, raw.withLayout(Layout.COMPACTED), HashFunc.NONE)),
              Set.of(300_000L, 3_600_000L),
              List.of(),
              c -> c));
    }
    for (Job j : jobs) {
      System.out.printf("%s: %s%n", j.name(), j.sources().stream().map(d -> d.manifest()).toList());
    }
    Path work = Files.createTempDirectory("jthanos-compact-bench-");
    try {
      for (int r = 0; r < runs; r++) {
        for (Job j : jobs) {
          if (inProcess) {
            inProcess(j, work, r == 0);
          } else {
            process(j, work, jvm);
          }
        }
      }
    } finally {
      BlockFiles.deleteRecursively(work);
    }
  }

  /** Copies the datasets (without blocks of the dropped resolutions) into a fresh bucket. */
  static Prepared prepare(Job job, Path work) throws IOException {
    Path bucketDir = work.resolve(job.name() + "-bucket");
    Path dataDir = work.resolve(job.name() + "-data");
    BlockFiles.deleteRecursively(bucketDir);
    BlockFiles.deleteRecursively(dataDir);
    Map<Ulid, Meta> before = new TreeMap<>();
    Map<Ulid, Long> sizes = new TreeMap<>();
    try (Bucket b = new FilesystemBucket(Files.createDirectories(bucketDir))) {
      for (int i = 0; i < job.sources().size(); i++) {
        if (i == 0) {
          DatasetCache.copy(job.sources().get(i), b);
        } else {
          copyRenamed(job.sources().get(i), b);
        }
      }
      for (String name : b.list("", false)) {
        Ulid id = Blocks.blockId(name).orElse(null);
        if (id == null) {
          continue;
        }
        Meta m = Blocks.downloadMeta(b, id);
        if (job.drop().contains(m.resolution())) {
          Blocks.delete(b, id);
          continue;
        }
        before.put(id, m);
        long size = 0;
        for (BlockFile f : m.thanos().files()) {
          size += f.sizeBytes();
        }
        sizes.put(id, size);
      }
    }
    return new Prepared(bucketDir, dataDir, before, sizes);
  }

  /** Runs the job as {@code thanos compact} (one pass) in a child JVM under {@code time -v}. */
  static void process(Job job, Path work, String jvm) throws Exception {
    Prepared p = prepare(job, work);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-v", java));
    cmd.addAll(Arrays.asList(jvm.split(" ")));
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "io.jthanos.compact.CompactMain",
            "--objstore.config=type: FILESYSTEM\nconfig:\n  directory: " + p.bucketDir() + "\n",
            "--data-dir=" + p.dataDir(),
            "--http-address=127.0.0.1:0",
            "--http-grace-period=0s",
            "--delete-delay=0s",
            "--log.level=warn"));
    cmd.addAll(job.flags());
    Path log = work.resolve(job.name() + ".log");
    Process proc =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    int exit = proc.waitFor();
    String out = Files.readString(log);
    if (exit != 0) {
      throw new IllegalStateException(job.name() + " failed with " + exit + ":\n" + out);
    }
    report(job.name() + " (process)", p, parseTime(out));
  }

  /**
   * Runs the job's {@link CompactorJob#iteration()} in this JVM, as a compactor with {@code --wait}
   * runs its passes after the first: the process CPU time of the pass (all threads, including JIT
   * and GC) and its wall time. The first run warms the JVM and is marked as such.
   */
  static void inProcess(Job job, Path work, boolean first) throws Exception {
    Prepared p = prepare(job, work);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    CompactorJob.Config cfg =
        job.config()
            .apply(CompactorJob.Config.defaults(p.dataDir()))
            .withDelays(Duration.ofMinutes(30), Duration.ZERO);
    var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    long cpu0;
    long wall0;
    try (Bucket b = new FilesystemBucket(p.bucketDir())) {
      CompactorJob j =
          new CompactorJob(
              b,
              cfg,
              new CompactorMetrics(registry, cfg.deleteDelay()),
              registry,
              java.time.Clock.systemUTC());
      cpu0 = os.getProcessCpuTime();
      wall0 = System.nanoTime();
      j.iteration();
    }
    double wall = (System.nanoTime() - wall0) / 1e9;
    double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
    report(
        job.name() + (first ? " (in-process, warm-up)" : " (in-process)"),
        p,
        new Run(wall, cpu, 0));
  }

  /** Prints the job's throughput: inputs are the blocks compacted away, or downsampled. */
  static void report(String name, Prepared p, Run run) throws IOException {
    long bytes = 0;
    long samples = 0;
    int blocks = 0;
    try (Bucket b = new FilesystemBucket(p.bucketDir())) {
      List<Meta> after = new ArrayList<>();
      for (String n : b.list("", false)) {
        Ulid id = Blocks.blockId(n).orElse(null);
        if (id != null && b.exists(id + "/meta.json")) {
          after.add(Blocks.downloadMeta(b, id));
        }
      }
      if (name.startsWith("downsampling")) {
        for (Meta m : after) {
          if (m.resolution() != 300_000L || p.before().containsKey(m.ulid())) {
            continue;
          }
          for (Meta src : p.before().values()) {
            if (src.resolution() == 0
                && src.block().compaction().sources().equals(m.block().compaction().sources())) {
              samples += src.block().stats().numSamples();
              bytes += p.sizes().get(src.ulid());
              blocks++;
            }
          }
        }
      } else {
        Set<Ulid> alive = new java.util.HashSet<>();
        after.forEach(m -> alive.add(m.ulid()));
        for (Map.Entry<Ulid, Meta> e : p.before().entrySet()) {
          if (!alive.contains(e.getKey())) {
            samples += e.getValue().block().stats().numSamples();
            bytes += p.sizes().get(e.getKey());
            blocks++;
          }
        }
      }
    }
    double mb = bytes / 1e6;
    System.out.printf(
        "%-36s %3d input blocks, %7.1f MB, %,12d samples | wall %6.2f s, cpu %6.2f s | %6.1f MB/s"
            + " wall, %6.1f MB/CPU-s | %5.1f M samples/s wall, %5.1f M samples/CPU-s%s%n",
        name,
        blocks,
        mb,
        samples,
        run.wallS(),
        run.cpuS(),
        mb / run.wallS(),
        mb / run.cpuS(),
        samples / 1e6 / run.wallS(),
        samples / 1e6 / run.cpuS(),
        run.maxRssKb() > 0 ? String.format(" | peak RSS %,d MB", run.maxRssKb() / 1024) : "");
  }

  /**
   * Copies a dataset under fresh block ids (the same generator seed gives the same ids; real HA
   * replicas upload distinct blocks).
   */
  static void copyRenamed(DatasetCache.Dataset ds, Bucket b) throws IOException {
    io.jthanos.tsdb.block.UlidGenerator ids =
        io.jthanos.tsdb.block.UlidGenerator.defaultGenerator();
    try (Stream<Path> dirs = Files.list(ds.bucketDir())) {
      for (Path dir : dirs.toList()) {
        if (!Ulid.isValid(dir.getFileName().toString())) {
          continue;
        }
        Meta m = Meta.read(dir);
        Ulid id = ids.next();
        try (Stream<Path> files = Files.walk(dir)) {
          for (Path f : files.filter(Files::isRegularFile).toList()) {
            String rel = dir.relativize(f).toString();
            if (!rel.equals("meta.json")) {
              b.upload(id + "/" + rel, f);
            }
          }
        }
        var bm = m.block();
        var renamed =
            new io.jthanos.tsdb.block.BlockMeta(
                id,
                bm.minTime(),
                bm.maxTime(),
                bm.stats(),
                new io.jthanos.tsdb.block.BlockCompaction(
                    bm.compaction().level(), List.of(id), false, List.of(), false, List.of()),
                bm.version(),
                bm.extensions());
        b.upload(id + "/meta.json", new Meta(renamed, m.thanos()).toBytes());
      }
    }
  }

  static Run parseTime(String out) {
    double wall = 0;
    Matcher w =
        Pattern.compile(
                "Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\): (?:(\\d+):)?(\\d+):([0-9.]+)")
            .matcher(out);
    if (w.find()) {
      wall =
          (w.group(1) == null ? 0 : Integer.parseInt(w.group(1)) * 3600)
              + Integer.parseInt(w.group(2)) * 60
              + Double.parseDouble(w.group(3));
    }
    double user = number(out, "User time \\(seconds\\): ([0-9.]+)");
    double sys = number(out, "System time \\(seconds\\): ([0-9.]+)");
    long rss = (long) number(out, "Maximum resident set size \\(kbytes\\): (\\d+)");
    return new Run(wall, user + sys, rss);
  }

  static double number(String out, String regex) {
    Matcher m = Pattern.compile(regex).matcher(out);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
