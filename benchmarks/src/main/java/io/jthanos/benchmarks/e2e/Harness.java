package io.jthanos.benchmarks.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.jthanos.benchmarks.store.StoreGatewayBench;
import io.jthanos.block.generator.DatasetCache;
import io.jthanos.block.generator.GeneratorConfig;
import io.jthanos.block.generator.Layout;
import io.jthanos.block.metadata.HashFunc;
import io.jthanos.tsdb.block.BlockFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The end-to-end benchmark harness: real processes on loopback over a generated bucket, a fixed
 * query mix side by side with Prometheus.
 *
 * <ol>
 *   <li>Generates (or reuses from the dataset cache) the fleet dataset twice: raw 2h blocks and the
 *       compacted layout with 5m and 1h downsampled copies, both as FILESYSTEM buckets.
 *   <li>Copies the raw blocks into a Prometheus 2.42 data directory (retention 100y). By default
 *       Prometheus compacts them first and the harness waits until it is idle, then restarts it.
 *   <li>Starts the store gateway over the compacted bucket and the querier in front of it, as child
 *       JVMs from this jar's classpath (the same launch as {@link StoreGatewayBench}).
 *   <li>For every range and query: a cold run (the first of that query in the processes' lifetime)
 *       and {@code --warm} repeated runs on each side, then the querier again with {@code
 *       max_source_resolution=auto} for every range but the shortest.
 *   <li>Writes the JSON result and replaces the marked section of the docs page with a table.
 * </ol>
 *
 * <p>See {@link HarnessConfig#USAGE} for the flags.
 */
public final class Harness {
  /** End of the generated data: fixed, so the dataset is cached across runs. */
  static final long END =
      Math.floorDiv(1_700_000_000_000L, GeneratorConfig.TWO_HOURS) * GeneratorConfig.TWO_HOURS;

  private static final long HOUR = 3_600_000L;

  private Harness() {}

  public static void main(String[] args) throws Exception {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.print(HarnessConfig.USAGE);
      return;
    }
    HarnessConfig cfg;
    try {
      cfg = HarnessConfig.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Result r = run(cfg);
    System.out.printf(
        Locale.ROOT, "wrote %s%s%n", cfg.out(), cfg.docs() == null ? "" : " and " + cfg.docs());
    System.out.println(Report.markdown(r));
  }

  /** One side's figures for one query over one range. */
  public record Measurement(
      String target,
      double coldMs,
      double p50Ms,
      double p99Ms,
      double[] warmMs,
      int series,
      long points,
      long samplesTouched,
      long chunksTouched,
      Map<String, Long> peakRssKb) {}

  /** One query over one range: jthanos (raw), Prometheus, and jthanos with auto resolution. */
  public record Row(
      String query,
      String promql,
      String range,
      long rangeMs,
      long stepS,
      Measurement jthanos,
      Measurement prometheus,
      Measurement jthanosAuto) {}

  /** A process' memory: RSS when idle after start, its peak and its RSS at the end. */
  public record ProcessMemory(String name, long idleRssKb, long peakRssKb, long endRssKb) {}

  /** Everything a run measured. */
  public record Result(
      HarnessConfig config,
      GeneratorConfig generator,
      JsonNode rawDataset,
      JsonNode compactedDataset,
      String storeLayout,
      Map<String, Object> environment,
      Map<String, Object> prometheusSetup,
      List<Row> rows,
      List<ProcessMemory> processes,
      double wallSeconds) {}

  /** Runs the harness, writes the JSON result and the docs section, and returns the figures. */
  public static Result run(HarnessConfig cfg) throws Exception {
    long t0 = System.nanoTime();
    String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
    DatasetSize size = cfg.size();
    GeneratorConfig gen =
        GeneratorConfig.defaults(END)
            .withSeed(cfg.seed())
            .withSeries(size.series())
            .withDays(size.days())
            .withInterval(size.intervalMs());
    log(
        "dataset %s: %d series x %d days at %ds",
        size.name(), size.series(), size.days(), size.intervalMs() / 1000);
    long g0 = System.nanoTime();
    DatasetCache.Dataset raw =
        DatasetCache.materialize(cfg.cacheDir(), gen.withLayout(Layout.RAW), HashFunc.NONE);
    DatasetCache.Dataset compacted =
        DatasetCache.materialize(cfg.cacheDir(), gen.withLayout(Layout.COMPACTED), HashFunc.NONE);
    log("datasets ready in %.1f s: %s, %s", secs(g0), raw.dir(), compacted.dir());

    Path work =
        cfg.workDir() != null
            ? Files.createDirectories(cfg.workDir())
            : Files.createTempDirectory("jthanos-e2e-harness-");
    List<Process> children = new ArrayList<>();
    Thread hook = new Thread(() -> children.forEach(Process::destroyForcibly));
    Runtime.getRuntime().addShutdownHook(hook);
    boolean done = false;
    try {
      Path promData = Files.createDirectories(work.resolve("prometheus-data"));
      int copied = linkBlocks(raw.bucketDir(), promData);
      Files.createDirectories(promData.resolve("wal"));
      Files.writeString(work.resolve("prometheus.yml"), "scrape_configs: []\n");
      String storeLayout = layout(compacted.bucketDir());
      Map<String, Object> promSetup = new LinkedHashMap<>();
      promSetup.put("raw_blocks", copied);
      promSetup.put("compaction", cfg.settlePrometheus() ? "settled" : "disabled");
      if (cfg.settlePrometheus()) {
        long s0 = System.nanoTime();
        Prom p = launchPrometheus(cfg, work, promData, children, "prometheus-compaction.log");
        StoreGatewayBench.awaitReady(p.api.base(), p.process);
        int blocks = awaitCompactionIdle(p);
        stop(p.process, children);
        promSetup.put("blocks_after_compaction", blocks);
        promSetup.put("compaction_wait_seconds", Math.round(secs(s0)));
        log("prometheus compacted %d raw blocks into %d in %.0f s", copied, blocks, secs(s0));
      }

      // The jthanos side: store gateway over the compacted bucket, querier in front; Prometheus.
      Stack stack = new Stack(cfg, work, promData, compacted.bucketDir(), children);
      stack.startBoth();
      Map<String, Long> idle = new LinkedHashMap<>();
      for (String name : Stack.NAMES) {
        idle.put(name, StoreGatewayBench.rssKb(stack.procs.get(name).pid()));
        stack.notePeak(name);
      }

      // Cold runs first when every cold run gets fresh processes, then the warm runs.
      List<Variant> variants = variants(size, cfg.queries());
      if (variants.isEmpty()) {
        throw new IllegalArgumentException("--queries=" + cfg.queries() + " selects no query");
      }
      Map<Variant, Cold> colds = new LinkedHashMap<>();
      if (cfg.coldRestart()) {
        // One restart of both sides serves the cold runs of jthanos and Prometheus (separate
        // processes); the auto-resolution run gets its own store gateway and querier.
        boolean fresh = true;
        for (Variant v : variants) {
          log("cold: %s over %s (%s), fresh processes", v.query.name(), v.label(), v.target);
          if (v.target.equals("jthanos")) {
            if (!fresh) {
              stack.restart(true, true);
            }
          } else if (v.target.equals("jthanos-auto")) {
            stack.restart(true, false);
          }
          fresh = false;
          colds.put(v, cold(stack, v));
        }
        stack.restart(true, true);
        // The warm runs measure the steady state: a JIT and caches warmed by the whole mix.
        log("warm-up: every query once, untimed");
        for (Variant v : variants) {
          (v.jthanos() ? stack.jthanos : stack.prom)
              .rangeQuery(v.query.promql(), v.startMs(), END, v.stepS, v.resolution(), false);
        }
      }
      Map<Variant, Measurement> measured = new LinkedHashMap<>();
      for (Variant v : variants) {
        log("%s over %s, step %ds (%s)", v.query.name(), v.label(), v.stepS, v.target);
        Cold c = cfg.coldRestart() ? colds.get(v) : null;
        measured.put(v, warm(stack, v, c, cfg.warmRuns()));
      }
      List<Row> rows = new ArrayList<>();
      for (Variant v : variants) {
        if (v.target.equals("jthanos")) {
          Measurement auto = null;
          Measurement prom = null;
          for (Variant o : variants) {
            if (o.query.equals(v.query) && o.hours == v.hours) {
              if (o.target.equals("prometheus")) {
                prom = measured.get(o);
              } else if (o.target.equals("jthanos-auto")) {
                auto = measured.get(o);
              }
            }
          }
          rows.add(
              new Row(
                  v.query.name(),
                  v.query.promql(),
                  v.label(),
                  v.hours * HOUR,
                  v.stepS,
                  measured.get(v),
                  prom,
                  auto));
        }
      }
      for (String name : Stack.NAMES) {
        stack.notePeak(name);
      }
      Map<String, Process> procs = stack.procs;
      Map<String, Long> peak = stack.peakKb;
      List<ProcessMemory> mem = new ArrayList<>();
      for (var e : procs.entrySet()) {
        long pid = e.getValue().pid();
        mem.add(
            new ProcessMemory(
                e.getKey(),
                idle.get(e.getKey()),
                Math.max(peak.get(e.getKey()), StoreGatewayBench.hwmKb(pid)),
                StoreGatewayBench.rssKb(pid)));
      }
      Map<String, Object> env = environment(loadBefore, cfg.prometheus());
      Result result =
          new Result(
              cfg,
              gen,
              raw.manifest(),
              compacted.manifest(),
              storeLayout,
              env,
              promSetup,
              rows,
              mem,
              secs(t0));
      Report.writeJson(result, cfg.out());
      if (cfg.docs() != null) {
        Report.replaceSection(cfg.docs(), Report.markdown(result));
      }
      done = true;
      return result;
    } finally {
      for (Process p : children) {
        p.destroy();
      }
      for (Process p : children) {
        if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor();
        }
      }
      Runtime.getRuntime().removeShutdownHook(hook);
      if (cfg.workDir() == null && done) {
        BlockFiles.deleteRecursively(work);
      } else if (!done) {
        log("kept %s (process logs and data directories)", work);
      }
    }
  }

  /** One query over one range on one target. */
  record Variant(String target, QueryMix.Query query, int hours, long stepS) {
    boolean jthanos() {
      return !target.equals("prometheus");
    }

    String label() {
      return DatasetSize.rangeLabel(hours);
    }

    long startMs() {
      return END - hours * HOUR;
    }

    String resolution() {
      return switch (target) {
        case "jthanos" -> "0s";
        case "jthanos-auto" -> "auto";
        default -> null;
      };
    }

    List<String> processes() {
      return jthanos() ? List.of("store", "querier") : List.of("prometheus");
    }
  }

  /** The measurement order: by range, query, then jthanos, Prometheus, jthanos with auto. */
  static List<Variant> variants(DatasetSize size, java.util.regex.Pattern queries) {
    List<Variant> out = new ArrayList<>();
    for (int i = 0; i < size.rangesHours().size(); i++) {
      int hours = size.rangesHours().get(i);
      long step = QueryMix.stepSeconds(hours * HOUR, size.intervalMs());
      for (QueryMix.Query q : QueryMix.QUERIES) {
        if (!queries.matcher(q.name()).matches()) {
          continue;
        }
        out.add(new Variant("jthanos", q, hours, step));
        out.add(new Variant("prometheus", q, hours, step));
        if (i > 0) {
          out.add(new Variant("jthanos-auto", q, hours, step));
        }
      }
    }
    return out;
  }

  /** A cold run: its time, answer, and the gateway's chunks touched (-1 for Prometheus). */
  record Cold(double millis, ApiClient.Answer answer, long chunks) {}

  private static Cold cold(Stack stack, Variant v) throws Exception {
    ApiClient api = v.jthanos() ? stack.jthanos : stack.prom;
    double chunks0 = v.jthanos() ? chunksTouched(stack.storeApi) : 0;
    ApiClient.Timed t =
        api.rangeQuery(v.query.promql(), v.startMs(), END, v.stepS, v.resolution(), true);
    long chunks = v.jthanos() ? Math.round(chunksTouched(stack.storeApi) - chunks0) : -1;
    return new Cold(t.millis(), ApiClient.parse(t.body()), chunks);
  }

  /**
   * The warm runs of a variant. Without a cold run done on fresh processes, the first run here is
   * the cold one; with it, the warm-up pass over the whole mix came before.
   */
  private static Measurement warm(Stack stack, Variant v, Cold cold, int warmRuns)
      throws Exception {
    for (String p : v.processes()) {
      StoreGatewayBench.resetPeak(stack.procs.get(p).pid());
    }
    ApiClient api = v.jthanos() ? stack.jthanos : stack.prom;
    if (cold == null) {
      cold = cold(stack, v);
    }
    double[] warm = new double[warmRuns];
    for (int i = 0; i < warmRuns; i++) {
      ApiClient.Timed t =
          api.rangeQuery(v.query.promql(), v.startMs(), END, v.stepS, v.resolution(), false);
      warm[i] = t.millis();
      if (i == warmRuns - 1) {
        ApiClient.Answer last = ApiClient.parse(t.body());
        if (last.series() != cold.answer().series()) {
          throw new IllegalStateException(
              v.target
                  + " answered "
                  + v.query.promql()
                  + " with "
                  + last.series()
                  + " series warm, "
                  + cold.answer().series()
                  + " cold");
        }
      }
    }
    Map<String, Long> peaks = new LinkedHashMap<>();
    for (String p : v.processes()) {
      peaks.put(p, StoreGatewayBench.hwmKb(stack.procs.get(p).pid()));
      stack.notePeak(p);
    }
    double[] sorted = warm.clone();
    Arrays.sort(sorted);
    return new Measurement(
        v.target,
        cold.millis(),
        percentile(sorted, 0.5),
        percentile(sorted, 0.99),
        warm,
        cold.answer().series(),
        cold.answer().points(),
        cold.answer().totalQueryableSamples(),
        cold.chunks(),
        peaks);
  }

  /** The processes under test: store gateway, querier and Prometheus, restartable. */
  private static final class Stack {
    static final List<String> NAMES = List.of("store", "querier", "prometheus");

    final HarnessConfig cfg;
    final Path work;
    final Path promData;
    final String objstore;
    final List<Process> children;
    final Map<String, Process> procs = new LinkedHashMap<>();

    /** Peak RSS of each process name over all its incarnations. */
    final Map<String, Long> peakKb = new LinkedHashMap<>();

    ApiClient jthanos;
    ApiClient storeApi;
    ApiClient prom;
    int starts;

    Stack(HarnessConfig cfg, Path work, Path promData, Path bucketDir, List<Process> children) {
      this.cfg = cfg;
      this.work = work;
      this.promData = promData;
      this.children = children;
      this.objstore =
          "type: FILESYSTEM\nconfig:\n  directory: " + bucketDir.toAbsolutePath() + "\n";
      NAMES.forEach(n -> peakKb.put(n, 0L));
    }

    void startBoth() throws Exception {
      starts++;
      long s0 = System.nanoTime();
      Prom p = launchPrometheus(cfg, work, promData, children, "prometheus-" + starts + ".log");
      startJthanos();
      StoreGatewayBench.awaitReady(p.api.base(), p.process);
      awaitData(p.api, p.process);
      procs.put("prometheus", p.process);
      prom = p.api;
      if (starts == 1) {
        log("all processes ready and answering in %.1f s", secs(s0));
      }
    }

    private void startJthanos() throws Exception {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      int sHttp = StoreGatewayBench.freePort();
      int sGrpc = StoreGatewayBench.freePort();
      List<String> storeCmd = new ArrayList<>(List.of(java));
      storeCmd.addAll(cfg.storeJvm());
      storeCmd.addAll(
          List.of(
              "-cp",
              cfg.classpath(),
              "io.jthanos.store.StoreMain",
              "--http-address=127.0.0.1:" + sHttp,
              "--grpc-address=127.0.0.1:" + sGrpc,
              "--objstore.config=" + objstore,
              "--data-dir=" + work.resolve("store-data"),
              "--log.level=warn"));
      Process store = StoreGatewayBench.start(storeCmd, work.resolve("store-" + starts + ".log"));
      children.add(store);
      String storeBase = "http://127.0.0.1:" + sHttp;
      StoreGatewayBench.awaitReady(storeBase, store);
      int qHttp = StoreGatewayBench.freePort();
      List<String> querierCmd = new ArrayList<>(List.of(java));
      querierCmd.addAll(cfg.querierJvm());
      querierCmd.addAll(
          List.of(
              "-cp",
              cfg.classpath(),
              "io.jthanos.query.QueryMain",
              "--http-address=127.0.0.1:" + qHttp,
              "--grpc-address=127.0.0.1:" + StoreGatewayBench.freePort(),
              "--endpoint-strict=127.0.0.1:" + sGrpc,
              "--query.promql-semantics=2",
              "--log.level=warn"));
      Process querier =
          StoreGatewayBench.start(querierCmd, work.resolve("querier-" + starts + ".log"));
      children.add(querier);
      String qBase = "http://127.0.0.1:" + qHttp;
      StoreGatewayBench.awaitReady(qBase, querier);
      jthanos = new ApiClient(qBase);
      storeApi = new ApiClient(storeBase);
      awaitData(jthanos, querier);
      procs.put("store", store);
      procs.put("querier", querier);
    }

    /** Restarts one side or both with empty caches (new processes on new ports). */
    void restart(boolean jthanosSide, boolean prometheusSide) throws Exception {
      List<String> names = new ArrayList<>();
      if (jthanosSide) {
        names.addAll(List.of("querier", "store"));
      }
      if (prometheusSide) {
        names.add("prometheus");
      }
      for (String n : names) {
        notePeak(n);
        stop(procs.get(n), children);
      }
      if (jthanosSide && prometheusSide) {
        startBoth();
        return;
      }
      starts++;
      if (jthanosSide) {
        startJthanos();
      } else {
        Prom p = launchPrometheus(cfg, work, promData, children, "prometheus-" + starts + ".log");
        StoreGatewayBench.awaitReady(p.api.base(), p.process);
        awaitData(p.api, p.process);
        procs.put("prometheus", p.process);
        prom = p.api;
      }
    }

    void notePeak(String name) throws IOException {
      Process p = procs.get(name);
      if (p != null && p.isAlive()) {
        peakKb.merge(name, StoreGatewayBench.hwmKb(p.pid()), Math::max);
      }
    }
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(double[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static double chunksTouched(ApiClient store) throws Exception {
    return ApiClient.metricSum(
        store.metrics(), "thanos_bucket_store_series_data_touched_sum", "data_type=\"chunks\"");
  }

  /** A running Prometheus. */
  private record Prom(Process process, ApiClient api) {}

  private static Prom launchPrometheus(
      HarnessConfig cfg, Path work, Path data, List<Process> children, String logName)
      throws Exception {
    int port = StoreGatewayBench.freePort();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                cfg.prometheus().toString(),
                "--config.file=" + work.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + data,
                "--storage.tsdb.retention.time=100y",
                "--web.listen-address=127.0.0.1:" + port));
    if (!cfg.settlePrometheus()) {
      // Hidden Prometheus flags: with both at 2h the compactor has no range to compact into.
      cmd.add("--storage.tsdb.min-block-duration=2h");
      cmd.add("--storage.tsdb.max-block-duration=2h");
    }
    Process p = StoreGatewayBench.start(cmd, work.resolve(logName));
    children.add(p);
    return new Prom(p, new ApiClient("http://127.0.0.1:" + port));
  }

  /**
   * Waits until Prometheus has run its first compaction cycle (a minute after start) and then used
   * less than 2% of a core over 10 s. Returns the blocks loaded.
   */
  private static int awaitCompactionIdle(Prom p) throws Exception {
    long deadline = System.nanoTime() + 60L * 60 * 1_000_000_000L;
    long lastCpu = cpuTicks(p.process.pid());
    long lastAt = System.nanoTime();
    while (System.nanoTime() < deadline) {
      Thread.sleep(2000);
      if (!p.process.isAlive()) {
        throw new IllegalStateException("prometheus exited: " + p.process.exitValue());
      }
      String m = p.api.metrics();
      double triggered = ApiClient.metricSum(m, "prometheus_tsdb_compactions_triggered_total", "");
      if (triggered < 1) {
        lastCpu = cpuTicks(p.process.pid());
        lastAt = System.nanoTime();
        continue;
      }
      if (System.nanoTime() - lastAt >= 10_000_000_000L) {
        long cpu = cpuTicks(p.process.pid());
        if (cpu - lastCpu < 20) { // 0.2 s of CPU in 10 s (USER_HZ = 100)
          return (int) ApiClient.metricSum(m, "prometheus_tsdb_blocks_loaded", "");
        }
        lastCpu = cpu;
        lastAt = System.nanoTime();
      }
    }
    throw new IllegalStateException("prometheus kept compacting for an hour");
  }

  /** User + system CPU time of a process, in clock ticks. */
  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** Waits until the API answers {@code count(up)} over the data with a series. */
  private static void awaitData(ApiClient api, Process p) throws Exception {
    long deadline = System.nanoTime() + 10L * 60 * 1_000_000_000L;
    IOException last = null;
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("process exited: " + p.exitValue());
      }
      try {
        ApiClient.Timed t =
            api.rangeQuery("count(up)", END - 2 * HOUR, END - 60_000, 600, null, false);
        if (ApiClient.parse(t.body()).series() > 0) {
          return;
        }
      } catch (IOException e) {
        last = e;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(api.base() + " never answered over the data", last);
  }

  private static void stop(Process p, List<Process> children) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
    }
    children.remove(p);
  }

  /**
   * The blocks of a FILESYSTEM bucket by resolution and length, e.g. "raw: 1×14d, 3×2h; 5m: 1×14d".
   */
  static String layout(Path bucket) throws IOException {
    Map<Long, Map<String, Integer>> byRes = new java.util.TreeMap<>();
    List<Path> metas;
    try (Stream<Path> s = Files.list(bucket)) {
      metas = s.map(d -> d.resolve("meta.json")).filter(Files::isRegularFile).toList();
    }
    com.fasterxml.jackson.databind.ObjectMapper m =
        new com.fasterxml.jackson.databind.ObjectMapper();
    for (Path meta : metas) {
      JsonNode n = m.readTree(meta.toFile());
      long res = n.path("thanos").path("downsample").path("resolution").asLong(0);
      long hours = (n.path("maxTime").asLong() - n.path("minTime").asLong()) / HOUR;
      byRes
          .computeIfAbsent(res, k -> new java.util.TreeMap<>(java.util.Comparator.reverseOrder()))
          .merge(DatasetSize.rangeLabel((int) hours), 1, Integer::sum);
    }
    List<String> parts = new ArrayList<>();
    byRes.forEach(
        (res, spans) -> {
          List<String> ss = new ArrayList<>();
          spans.forEach((span, count) -> ss.add(count + "×" + span));
          String r = res == 0 ? "raw" : res == 300_000 ? "5m" : res == HOUR ? "1h" : res + "ms";
          parts.add(r + ": " + String.join(", ", ss));
        });
    return String.join("; ", parts);
  }

  /**
   * Links (or copies, across file systems) every block of a FILESYSTEM bucket into a TSDB data
   * directory. Block files are immutable and Prometheus replaces meta.json by rename, so the cached
   * dataset is never written through the links; meta.json is copied anyway.
   */
  static int linkBlocks(Path bucket, Path data) throws IOException {
    int n = 0;
    List<Path> blocks;
    try (Stream<Path> s = Files.list(bucket)) {
      blocks = s.filter(d -> Files.isRegularFile(d.resolve("meta.json"))).sorted().toList();
    }
    for (Path b : blocks) {
      List<Path> files;
      try (Stream<Path> s = Files.walk(b)) {
        files = s.filter(Files::isRegularFile).toList();
      }
      for (Path f : files) {
        Path t = data.resolve(b.getFileName().toString()).resolve(b.relativize(f).toString());
        Files.createDirectories(t.getParent());
        if (f.getFileName().toString().equals("meta.json")) {
          Files.copy(f, t, StandardCopyOption.REPLACE_EXISTING);
          continue;
        }
        try {
          Files.createLink(t, f);
        } catch (IOException | UnsupportedOperationException e) {
          Files.copy(f, t, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      n++;
    }
    return n;
  }

  private static Map<String, Object> environment(String loadBefore, Path prometheus)
      throws IOException {
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("date", Instant.now().toString());
    env.put("jdk", Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")");
    env.put("cpus", Runtime.getRuntime().availableProcessors());
    String memTotal =
        Files.readAllLines(Path.of("/proc/meminfo")).stream()
            .filter(l -> l.startsWith("MemTotal:"))
            .findFirst()
            .orElse("MemTotal: ? kB");
    env.put("mem_total_kb", Long.parseLong(memTotal.replaceAll("[^0-9]", "")));
    env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    env.put("loadavg_before", loadBefore);
    env.put("prometheus", prometheusVersion(prometheus));
    env.put("loadavg_after", Files.readString(Path.of("/proc/loadavg")).trim());
    return env;
  }

  private static String prometheusVersion(Path prometheus) throws IOException {
    Process p =
        new ProcessBuilder(prometheus.toString(), "--version").redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    String first = out.lines().findFirst().orElse("");
    int v = first.indexOf("version ");
    return v < 0 ? first.trim() : first.substring(v + 8).split(" ")[0];
  }

  static void log(String fmt, Object... args) {
    System.out.printf(Locale.ROOT, Instant.now() + " " + fmt + "%n", args);
  }

  static double secs(long t0) {
    return StoreGatewayBench.secs(t0);
  }
}
