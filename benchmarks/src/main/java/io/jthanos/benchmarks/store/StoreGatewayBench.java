package io.jthanos.benchmarks.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jthanos.block.Blocks;
import io.jthanos.block.generator.DatasetCache;
import io.jthanos.block.generator.FleetGenerator;
import io.jthanos.block.generator.GeneratorConfig;
import io.jthanos.block.generator.Layout;
import io.jthanos.block.metadata.HashFunc;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.filesystem.FilesystemBucket;
import io.jthanos.proto.store.Aggr;
import io.jthanos.proto.store.SeriesRequest;
import io.jthanos.storeapi.SeriesStreams;
import io.jthanos.storeapi.StoreClient;
import io.jthanos.storeapi.StoreClientConfig;
import io.jthanos.storeapi.StoreProtos;
import io.jthanos.storeapi.StoreSeries;
import io.jthanos.tsdb.labels.Matcher;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * End-to-end store gateway benchmark: the gateway ({@code thanos store}) and the querier run as
 * child JVMs from this jar over generated data (the block layer's fleet generator): 20k series × 30
 * days at 30s in the compacted and downsampled layout, then one more 2h block of 1M series. Reports
 * the gateway's resident memory when idle (with and without the 1M-series block), its peak during
 * {@code count by (job) ({__name__=~".+"})}, and query latencies through the querier (p50/p99, cold
 * = first run after a gateway restart with empty caches, warm = following runs).
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.jthanos.benchmarks.store.StoreGatewayBench
 * <dataset-cache-dir> [runs] [store-jvm-flags]}. Datasets are generated once into the cache dir.
 */
public final class StoreGatewayBench {
  static final long END =
      Math.floorDiv(1_700_000_000_000L, GeneratorConfig.TWO_HOURS) * GeneratorConfig.TWO_HOURS;
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private StoreGatewayBench() {}

  /** Ends the generator after its first block. */
  static final class Stop extends RuntimeException {
    Stop() {
      super(null, null, false, false);
    }
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args.length > 0 ? args[0] : "bench-datasets");
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    String storeJvm =
        args.length > 2
            ? args[2]
            : "-Xms32m -Xmx512m -XX:+UseSerialGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30";
    GeneratorConfig fleet =
        GeneratorConfig.defaults(END)
            .withSeries(20_000)
            .withDays(30)
            .withInterval(30_000)
            .withLayout(Layout.COMPACTED);
    long t0 = System.nanoTime();
    DatasetCache.Dataset ds = DatasetCache.materialize(root, fleet, HashFunc.NONE);
    System.out.printf("dataset %s ready in %.1f s: %s%n", ds.dir(), secs(t0), ds.manifest());

    Path big = root.resolve("one-block-1m-series-seed2");
    if (!Files.exists(big.resolve("done"))) {
      t0 = System.nanoTime();
      Path tmp = Files.createDirectories(root.resolve("one-block-1m-series-seed2.tmp"));
      GeneratorConfig one =
          GeneratorConfig.defaults(END)
              .withSeries(1_000_000)
              .withDays(1)
              .withInterval(30_000)
              .withChurn(0)
              .withSeed(2) // block ULIDs derive from the seed: keep them apart from the fleet's
              .withExternalLabels(Map.of("cluster", "fleet-big"));
      try (Bucket b = new FilesystemBucket(Files.createDirectories(tmp.resolve("bucket")))) {
        new FleetGenerator(one)
            .generate(
                tmp.resolve("work"),
                (dir, meta) -> {
                  Blocks.upload(b, dir, Blocks.UploadOptions.DEFAULT);
                  throw new Stop();
                });
      } catch (Stop expected) {
        // one block is all we need
      }
      Files.writeString(tmp.resolve("done"), "ok\n");
      Files.move(tmp, big);
      System.out.printf("1M-series block generated in %.1f s%n", secs(t0));
    }

    Path work = Files.createTempDirectory("jthanos-store-bench-");
    Path bucketDir = work.resolve("bucket");
    t0 = System.nanoTime();
    try (Bucket b = new FilesystemBucket(Files.createDirectories(bucketDir))) {
      DatasetCache.copy(ds, b);
    }
    System.out.printf("bucket copied in %.1f s%n", secs(t0));
    String objstore = "type: FILESYSTEM\nconfig:\n  directory: " + bucketDir + "\n";
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    List<Process> children = new ArrayList<>();
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> children.forEach(Process::destroyForcibly)));
    try {
      int sHttp = freePort();
      int sGrpc = freePort();
      List<String> storeCmd = new ArrayList<>();
      storeCmd.add(java);
      storeCmd.addAll(Arrays.asList(storeJvm.split(" ")));
      storeCmd.addAll(
          List.of(
              "-cp",
              cp,
              "io.jthanos.store.StoreMain",
              "--http-address=127.0.0.1:" + sHttp,
              "--grpc-address=127.0.0.1:" + sGrpc,
              "--objstore.config=" + objstore,
              "--data-dir=" + work.resolve("store-data"),
              "--sync-block-duration=5s",
              "--chunk-pool-size=256MB",
              "--log.level=warn"));
      t0 = System.nanoTime();
      Process store = start(storeCmd, work.resolve("store.log"));
      children.add(store);
      String sBase = "http://127.0.0.1:" + sHttp;
      awaitReady(sBase, store);
      System.out.printf("gateway ready (index-headers built) in %.1f s%n", secs(t0));
      int qHttp = freePort();
      Process querier =
          start(
              List.of(
                  java,
                  "-Xmx2g",
                  "-cp",
                  cp,
                  "io.jthanos.query.QueryMain",
                  "--http-address=127.0.0.1:" + qHttp,
                  "--grpc-address=127.0.0.1:" + freePort(),
                  "--endpoint-strict=127.0.0.1:" + sGrpc,
                  "--query.promql-semantics=2",
                  "--log.level=warn"),
              work.resolve("querier.log"));
      children.add(querier);
      String qBase = "http://127.0.0.1:" + qHttp;
      awaitReady(qBase, querier);
      awaitStores(qBase);

      settle(store);
      long idleA = rssKb(store.pid());
      System.out.printf("RSS idle (fleet: %s blocks): %d MB%n", blocksLoaded(sBase), idleA / 1024);

      // Add the 1M-series block without restart, measure idle RSS again.
      int loaded = blocksLoaded(sBase);
      t0 = System.nanoTime();
      try (Bucket b = new FilesystemBucket(bucketDir);
          Bucket src = new FilesystemBucket(big.resolve("bucket"))) {
        for (String name : src.list("", true)) {
          if (!name.endsWith("meta.json")) {
            try (var in = src.get(name)) {
              b.upload(name, in, -1);
            }
          }
        }
        for (String name : src.list("", true)) {
          if (name.endsWith("meta.json")) {
            b.upload(name, src.readAllBytes(name));
          }
        }
      }
      while (blocksLoaded(sBase) <= loaded) {
        Thread.sleep(200);
      }
      System.out.printf("1M-series block loaded without restart in %.1f s%n", secs(t0));
      settle(store);
      long idleB = rssKb(store.pid());
      System.out.printf(
          "RSS idle with the 1M-series block: %d MB (+%d MB)%n",
          idleB / 1024, (idleB - idleA) / 1024);

      // A fresh gateway over both: peak RSS while counting every series (fleet + 1M-series block).
      store.destroy();
      store.waitFor();
      children.remove(store);
      t0 = System.nanoTime();
      store = start(storeCmd, work.resolve("store-2.log"));
      children.add(store);
      awaitReady(sBase, store);
      System.out.printf("gateway restarted (index-headers reused), ready in %.1f s%n", secs(t0));
      awaitStores(qBase);
      settle(store);
      resetPeak(store.pid());
      long before = hwmKb(store.pid());
      long tc = timeMs(qBase + instant("count by (job) ({__name__=~\".+\"})", END - 60_000));
      System.out.printf(
          "count by (job) ({__name__=~\".+\"}) over %s: %d ms, RSS peak %d MB (from %d MB)%n",
          "the fleet and the 1M-series block", tc, hwmKb(store.pid()) / 1024, before / 1024);
      restartQuerierStores(qBase);

      // Query latencies over the fleet alone: the 1M-series block is deleted from the bucket and
      // dropped by the gateway without a restart.
      int withBig = blocksLoaded(sBase);
      try (Bucket b = new FilesystemBucket(bucketDir);
          Bucket src = new FilesystemBucket(big.resolve("bucket"))) {
        for (String name : src.list("", false)) {
          Blocks.delete(b, io.jthanos.tsdb.block.Ulid.parse(name.replace("/", "")));
        }
      }
      while (blocksLoaded(sBase) >= withBig) {
        Thread.sleep(200);
      }
      System.out.printf(
          "1M-series block dropped without restart (%d blocks loaded)%n", blocksLoaded(sBase));

      // Query latencies.
      long day = 86_400_000L;
      String q1 = "sum by (app) (rate(http_requests_total[5m]))";
      List<String[]> mix =
          List.of(
              new String[] {"1d raw: " + q1, range(q1, END - day, END, 120, "0s")},
              new String[] {"30d 1h: " + q1, range(q1, END - 30 * day, END, 3600, "1h")},
              new String[] {
                "count by (job) ({__name__=~\".+\"})",
                instant("count by (job) ({__name__=~\".+\"})", END - 60_000)
              },
              new String[] {
                "1d raw: max by (job) (process_resident_memory_bytes)",
                range("max by (job) (process_resident_memory_bytes)", END - day, END, 120, "0s")
              },
              new String[] {
                "7d 5m: sum(rate(container_cpu_usage_seconds_total[30m]))",
                range(
                    "sum(rate(container_cpu_usage_seconds_total[30m]))",
                    END - 7 * day,
                    END,
                    1800,
                    "5m")
              },
              new String[] {"instant: up", instant("up", END - 60_000)});
      List<Long> allCold = new ArrayList<>();
      List<Long> allWarm = new ArrayList<>();
      for (String[] m : mix) {
        long[] t = new long[runs];
        for (int i = 0; i < runs; i++) {
          t[i] = timeMs(qBase + m[1]);
        }
        long cold = t[0];
        long[] warm = Arrays.copyOfRange(t, 1, t.length);
        allCold.add(cold);
        for (long w : warm) {
          allWarm.add(w);
        }
        Arrays.sort(warm);
        System.out.printf(
            "%-70s cold %6d ms  warm p50 %6d ms  p99 %6d ms%n",
            m[0],
            cold,
            warm[warm.length / 2],
            warm[Math.min(warm.length - 1, (int) Math.ceil(warm.length * 0.99) - 1)]);
      }

      allCold.sort(null);
      allWarm.sort(null);
      System.out.printf(
          "whole mix: cold p50 %d ms p99 %d ms (%d queries), warm p50 %d ms p99 %d ms (%d queries)%n",
          allCold.get(allCold.size() / 2),
          allCold.get(Math.min(allCold.size() - 1, (int) Math.ceil(allCold.size() * 0.99) - 1)),
          allCold.size(),
          allWarm.get(allWarm.size() / 2),
          allWarm.get(Math.min(allWarm.size() - 1, (int) Math.ceil(allWarm.size() * 0.99) - 1)),
          allWarm.size());

      // The gateway alone: the Series calls the querier makes for the two headline queries.
      try (StoreClient sc = StoreClient.connect("127.0.0.1:" + sGrpc, StoreClientConfig.DEFAULT)) {
        Object[][] direct = {
          {"1d raw", END - day - 300_000, END, 0L},
          {"30d 1h", END - 30 * day - 300_000, END, 3_600_000L}
        };
        for (Object[] d : direct) {
          SeriesRequest r =
              SeriesRequest.newBuilder()
                  .setMinTime((Long) d[1])
                  .setMaxTime((Long) d[2])
                  .setMaxResolutionWindow((Long) d[3])
                  .addAggregates(Aggr.COUNTER)
                  .addAllMatchers(
                      StoreProtos.toProtoMatchers(
                          List.of(Matcher.equal("__name__", "http_requests_total"))))
                  .build();
          long[] t = new long[Math.max(3, runs / 2)];
          int n = 0;
          long chunks = 0;
          for (int i = 0; i < t.length; i++) {
            long s0 = System.nanoTime();
            List<StoreSeries> got = SeriesStreams.toList(sc.series(r));
            t[i] = (System.nanoTime() - s0) / 1_000_000;
            n = got.size();
            chunks = got.stream().mapToLong(x -> x.chunks().size()).sum();
          }
          Arrays.sort(t);
          System.out.printf(
              "gateway Series for %s http_requests_total: %d series, %d chunks, p50 %d ms%n",
              d[0], n, chunks, t[t.length / 2]);
        }
      }

    } finally {
      children.forEach(Process::destroyForcibly);
      for (Process p : children) {
        p.waitFor();
      }
      try (var files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  public static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  static String instant(String q, long t) {
    return "/api/v1/query?query="
        + URLEncoder.encode(q, StandardCharsets.UTF_8)
        + "&time="
        + t / 1000;
  }

  static String range(String q, long start, long end, long step, String res) {
    return "/api/v1/query_range?query="
        + URLEncoder.encode(q, StandardCharsets.UTF_8)
        + "&start="
        + start / 1000
        + "&end="
        + end / 1000
        + "&step="
        + step
        + "&max_source_resolution="
        + res;
  }

  static long timeMs(String url) throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    JsonNode n = JSON.readTree(r.body());
    if (!"success".equals(n.path("status").asText())) {
      throw new IllegalStateException(url + ": " + r.body());
    }
    return ms;
  }

  public static Process start(List<String> cmd, Path log) throws IOException {
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  public static void awaitReady(String base, Process p) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("process exited: " + p.exitValue());
      }
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/-/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("not ready: " + base);
  }

  public static void awaitStores(String qBase) throws Exception {
    for (int i = 0; i < 600; i++) {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(qBase + "/api/v1/stores")).build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.body().contains("store")) {
        return;
      }
      Thread.sleep(100);
    }
  }

  /** Lets the querier re-discover the restarted gateway before timing queries. */
  static void restartQuerierStores(String qBase) throws Exception {
    awaitStores(qBase);
  }

  public static int blocksLoaded(String base) throws Exception {
    String m =
        HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    for (String l : m.split("\n")) {
      if (l.startsWith("thanos_bucket_store_blocks_loaded ")) {
        return (int) Double.parseDouble(l.substring(l.indexOf(' ') + 1));
      }
    }
    return -1;
  }

  /** Lets the gateway's JVM settle (a full GC via jcmd, then a pause) before reading RSS. */
  public static void settle(Process p) throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    new ProcessBuilder(jcmd, String.valueOf(p.pid()), "GC.run")
        .redirectErrorStream(true)
        .start()
        .waitFor();
    Thread.sleep(2000);
  }

  public static long status(long pid, String key) throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (l.startsWith(key + ":")) {
        return Long.parseLong(l.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  public static long rssKb(long pid) throws IOException {
    return status(pid, "VmRSS");
  }

  public static long hwmKb(long pid) throws IOException {
    return status(pid, "VmHWM");
  }

  /** Resets VmHWM to the current RSS (Linux: write 5 to clear_refs). */
  public static void resetPeak(long pid) throws IOException {
    Files.writeString(Path.of("/proc", String.valueOf(pid), "clear_refs"), "5");
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
