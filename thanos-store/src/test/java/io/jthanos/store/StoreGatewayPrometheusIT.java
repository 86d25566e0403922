package io.jthanos.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jthanos.block.Blocks;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.BucketConfig;
import io.jthanos.objstore.BucketContext;
import io.jthanos.objstore.Buckets;
import io.jthanos.objstore.filesystem.FilesystemBucket;
import io.jthanos.promql.differential.DifferentialData;
import io.jthanos.promql.differential.DifferentialQueries;
import io.jthanos.proto.store.SeriesRequest;
import io.jthanos.storeapi.SeriesStreams;
import io.jthanos.storeapi.StoreClient;
import io.jthanos.storeapi.StoreClientConfig;
import io.jthanos.storeapi.StoreProtos;
import io.jthanos.storeapi.StoreSeries;
import io.jthanos.testing.Ports;
import io.jthanos.testing.cache.CacheServer;
import io.jthanos.testing.objstore.S3ProxyServer;
import io.jthanos.testing.process.JavaProcess;
import io.jthanos.testing.prometheus.OpenMetricsWriter;
import io.jthanos.testing.prometheus.PrometheusServer;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store gateway as users run it ({@code thanos store} process) over blocks written by Debian's
 * promtool and uploaded into a FILESYSTEM bucket and an S3 bucket (S3Proxy): the real querier over
 * the gateway answers the differential query set exactly as Prometheus 2.42 does on the same data;
 * the S3-backed gateway answers exactly as the FILESYSTEM one; blocks appear and disappear without
 * a restart; a restart over the same data directory downloads no index and is ready sooner.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StoreGatewayPrometheusIT {
  static final long START = 1_700_000_000_000L;
  static final long END = START + 4 * 3_600_000L;

  @TempDir static Path tmp;
  static PrometheusServer prom;
  static S3ProxyServer s3;
  static CacheServer memcached;
  static CacheServer redis;
  static Path bucketDir;
  static String s3Config;
  static JavaProcess fsStore;
  static JavaProcess s3Store;
  static JavaProcess querier;
  static String fsHttp;
  static String fsGrpc;
  static String s3Grpc;
  static String queryBase;
  static long firstReadyMs;

  @BeforeAll
  static void setUp() throws Exception {
    OpenMetricsWriter om = new OpenMetricsWriter();
    DifferentialData.generate(om, START, END);
    Path blocks = GatewayFixtures.promtoolBlocks(tmp.resolve("blocks"), om.finish());
    Path promDir = tmp.resolve("prom");
    GatewayFixtures.copyTree(blocks, promDir);
    prom = PrometheusServer.builder(promDir).start();

    bucketDir = Files.createDirectories(tmp.resolve("bucket"));
    try (Bucket fs = new FilesystemBucket(bucketDir)) {
      GatewayFixtures.upload(
          fs, blocks, Labels.of("replica", "A"), 0, Files.createDirectories(tmp.resolve("s1")));
    }
    s3 = S3ProxyServer.startInMemory();
    s3Config =
        "type: S3\nconfig:\n  bucket: "
            + s3.createBucket()
            + "\n  endpoint: "
            + s3.hostPort()
            + "\n  insecure: true\n  access_key: "
            + S3ProxyServer.ACCESS_KEY
            + "\n  secret_key: "
            + S3ProxyServer.SECRET_KEY
            + "\n  bucket_lookup_type: path\n";
    try (Bucket b =
        Buckets.createUninstrumented(BucketConfig.parse(s3Config), new BucketContext("test"))) {
      GatewayFixtures.upload(
          b, blocks, Labels.of("replica", "A"), 0, Files.createDirectories(tmp.resolve("s2")));
    }

    long t0 = System.nanoTime();
    fsStore = startStore("fs", fsConfig(), tmp.resolve("fs-data"));
    fsHttp = "http://127.0.0.1:" + port(fsStore, "http");
    fsStore.awaitHttp(fsHttp + "/-/ready", 200, Duration.ofSeconds(90));
    firstReadyMs = (System.nanoTime() - t0) / 1_000_000;
    fsGrpc = "127.0.0.1:" + port(fsStore, "grpc");
    // The S3 gateway runs with the caches on the real servers: chunks through the caching bucket
    // in memcached, the index cache in redis.
    memcached = CacheServer.memcached(32);
    redis = CacheServer.redis();
    s3Store =
        startStore(
            "s3",
            s3Config,
            tmp.resolve("s3-data"),
            "--store.caching-bucket.config=type: MEMCACHED\nconfig:\n  addresses: ["
                + memcached.address()
                + "]\n",
            "--index-cache.config=type: REDIS\nconfig:\n  addr: " + redis.address() + "\n");
    s3Store.awaitHttp(
        "http://127.0.0.1:" + port(s3Store, "http") + "/-/ready", 200, Duration.ofSeconds(90));
    s3Grpc = "127.0.0.1:" + port(s3Store, "grpc");
  }

  static String fsConfig() {
    return "type: FILESYSTEM\nconfig:\n  directory: " + bucketDir + "\n";
  }

  private static final java.util.Map<JavaProcess, int[]> PORTS = new java.util.HashMap<>();

  static int port(JavaProcess p, String which) {
    return which.equals("http") ? PORTS.get(p)[0] : PORTS.get(p)[1];
  }

  static JavaProcess startStore(String name, String objstore, Path dataDir, String... extra) {
    int http = Ports.freePort();
    int grpc = Ports.freePort();
    JavaProcess p =
        JavaProcess.main("io.jthanos.store.StoreMain")
            .jvmArgs("-Xmx512m")
            .args(
                "--http-address=127.0.0.1:" + http,
                "--grpc-address=127.0.0.1:" + grpc,
                "--objstore.config=" + objstore,
                "--data-dir=" + dataDir,
                "--sync-block-duration=1s")
            .args(extra)
            .logTo(tmp.resolve(name + "-" + System.nanoTime() + ".log"))
            .start();
    PORTS.put(p, new int[] {http, grpc});
    return p;
  }

  @AfterAll
  static void tearDown() throws Exception {
    for (AutoCloseable c :
        new AutoCloseable[] {querier, fsStore, s3Store, prom, s3, memcached, redis}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception ignored) {
          // keep closing the others
        }
      }
    }
  }

  /** The querier's runnable jar, built by the reactor before this module. */
  static Path querierJar() throws Exception {
    Path root = Path.of(System.getProperty("jthanos.repo.root", "."));
    Path target = root.resolve("thanos-query").resolve("target");
    if (Files.isDirectory(target)) {
      try (Stream<Path> s = Files.list(target)) {
        for (Path p : (Iterable<Path>) s::iterator) {
          String n = p.getFileName().toString();
          if (n.startsWith("thanos-query-") && n.endsWith("-all.jar")) {
            return p;
          }
        }
      }
    }
    return null;
  }

  @Test
  @Order(1)
  void querierOverTheGatewayAnswersAsPrometheus() throws Exception {
    Path jar = querierJar();
    if (jar == null && "1".equals(System.getenv("JTHANOS_REQUIRE_PEERS"))) {
      throw new AssertionError(
          "thanos-query/target/thanos-query-*-all.jar is missing: build thanos-query first");
    }
    Assumptions.assumeTrue(
        jar != null,
        "build thanos-query (its runnable jar) to run the querier against the gateway");
    int http = Ports.freePort();
    queryBase = "http://127.0.0.1:" + http;
    querier =
        JavaProcess.jar(jar)
            .args(
                "--http-address=127.0.0.1:" + http,
                "--grpc-address=127.0.0.1:" + Ports.freePort(),
                "--endpoint-strict=" + fsGrpc,
                "--query.replica-label=replica",
                "--query.promql-semantics=2",
                "--endpoint.info-timeout=1s")
            .logTo(tmp.resolve("querier.log"))
            .start();
    querier.awaitHttp(queryBase + "/-/ready", 200, Duration.ofSeconds(60));
    // The querier discovers the gateway through Info: wait until it is listed.
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (PromAnswers.get(queryBase, "/api/v1/stores").path("data").toString().indexOf(fsGrpc)
        < 0) {
      assertThat(System.nanoTime()).as("querier discovers the gateway").isLessThan(deadline);
      Thread.sleep(100);
    }
    List<String> queries = DifferentialQueries.all(START / 1000 + 5_400);
    long instant = START + 2 * 3_600_000 + 7_000;
    long rangeStart = START + 10 * 60_000;
    long rangeEnd = END + 8 * 60_000;
    List<String> problems = new ArrayList<>();
    long points = 0;
    for (String q : queries) {
      String inst =
          "/api/v1/query?query=" + PromAnswers.enc(q) + "&time=" + PromAnswers.secs(instant);
      String range =
          "/api/v1/query_range?query="
              + PromAnswers.enc(q)
              + "&start="
              + PromAnswers.secs(rangeStart)
              + "&end="
              + PromAnswers.secs(rangeEnd)
              + "&step=60";
      for (String path : List.of(inst, range)) {
        JsonNode theirs = PromAnswers.get(prom.baseUri().toString(), path);
        JsonNode ours = PromAnswers.get(queryBase, path);
        String p = PromAnswers.compare(theirs, ours, q.startsWith("sort"));
        if (p != null) {
          problems.add(path + ": " + p);
        }
        points += PromAnswers.points(theirs);
      }
    }
    System.out.printf(
        "querier over store gateway vs Prometheus 2.42: %d queries, %d mismatches, %d points%n",
        queries.size(), problems.size(), points);
    problems.stream().limit(20).forEach(System.out::println);
    assertThat(queries.size()).isGreaterThanOrEqualTo(200);
    assertThat(points).isGreaterThan(50_000);
    assertThat(problems).isEmpty();
  }

  @Test
  @Order(2)
  void s3BackedGatewayAnswersExactlyAsTheFilesystemOne() throws Exception {
    try (StoreClient fs = StoreClient.connect(fsGrpc, StoreClientConfig.DEFAULT);
        StoreClient s3c = StoreClient.connect(s3Grpc, StoreClientConfig.DEFAULT)) {
      SeriesRequest r =
          SeriesRequest.newBuilder()
              .setMinTime(START)
              .setMaxTime(END)
              .addAllMatchers(StoreProtos.toProtoMatchers(List.of(Matcher.regex("__name__", ".+"))))
              .build();
      List<StoreSeries> a = SeriesStreams.toList(fs.series(r));
      assertThat(a).hasSizeGreaterThan(50);
      // Ask again until answers come from the caches (stored asynchronously): same answer.
      String s3Http = "http://127.0.0.1:" + port(s3Store, "http");
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      do {
        assertThat(SeriesStreams.toList(s3c.series(r))).isEqualTo(a);
        assertThat(System.nanoTime()).as("answers from the caches").isLessThan(deadline);
      } while (metric(
                  s3Http,
                  "thanos_store_bucket_cache_operation_hits_total{",
                  "operation=\"get_range\"")
              == 0
          || metric(s3Http, "thanos_store_index_cache_hits_total{", "item_type=\"Series\"") == 0);
      assertThat(metric(s3Http, "thanos_redis_operation_duration_seconds_count{", "name="))
          .isPositive();
      assertThat(metric(s3Http, "thanos_memcached_operations_total{", "caching-bucket"))
          .isPositive();
    }
  }

  @Test
  @Order(3)
  void blocksAPIAndLoadedPageListTheLoadedBlocks() throws Exception {
    JsonNode r = PromAnswers.get(fsHttp, "/api/v1/blocks?view=loaded");
    assertThat(r.path("status").asText()).isEqualTo("success");
    JsonNode blocks = r.path("data").path("blocks");
    assertThat(blocks.size()).isEqualTo(GatewayFixtures.blockDirs(tmp.resolve("blocks")).size());
    assertThat(blocks.get(0).path("thanos").path("labels").path("replica").asText()).isEqualTo("A");
    String html =
        PromAnswers.HTTP
            .send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(fsHttp + "/loaded"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(html).contains("Loaded Blocks").contains(blocks.get(0).path("ulid").asText());
    String metrics =
        PromAnswers.HTTP
            .send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(fsHttp + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .contains("thanos_bucket_store_blocks_loaded " + blocks.size() + ".0")
        .contains("thanos_blocks_meta_synced{state=\"loaded\"}")
        .contains("thanos_store_index_cache_requests_total{item_type=\"Postings\"")
        .contains("thanos_bucket_store_series_data_fetched_count{data_type=\"chunks\"}");
  }

  static double metric(String base, String line) throws Exception {
    return metric(base, line, "");
  }

  static double metric(String base, String line, String contains) throws Exception {
    String metrics =
        PromAnswers.HTTP
            .send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    double sum = 0;
    for (String l : metrics.split("\n")) {
      if (l.startsWith(line) && l.contains(contains)) {
        sum += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  @Test
  @Order(4)
  void blocksAreLoadedAndDroppedWithoutRestart() throws Exception {
    double before = metric(fsHttp, "thanos_bucket_store_blocks_loaded ");
    Path one = Files.createDirectories(tmp.resolve("extra-src"));
    Ulid fresh = Ulid.of(System.currentTimeMillis(), 1, 42);
    GatewayFixtures.writeBlock(
        one, fresh, Labels.of("__name__", "extra_metric"), START, START + 3_600_000);
    Path scratch = Files.createDirectories(tmp.resolve("extra"));
    Ulid id;
    try (Bucket fs = new FilesystemBucket(bucketDir)) {
      id = GatewayFixtures.upload(fs, one, Labels.of("replica", "B"), 0, scratch).get(0).ulid();
    }
    await(() -> metric(fsHttp, "thanos_bucket_store_blocks_loaded ") == before + 1);
    try (Bucket fs = new FilesystemBucket(bucketDir)) {
      Blocks.delete(fs, id);
    }
    await(() -> metric(fsHttp, "thanos_bucket_store_blocks_loaded ") == before);
    assertThat(metric(fsHttp, "thanos_bucket_store_block_drops_total")).isGreaterThanOrEqualTo(1);
  }

  /** The duration logged with "initial synchronization done". */
  static String syncDuration(String log) {
    for (String l : log.split("\n")) {
      if (l.contains("initial synchronization done")) {
        int i = l.indexOf("duration=");
        return i < 0 ? "?" : l.substring(i + 9).split(" ")[0];
      }
    }
    return "?";
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void await(Check c) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!c.ok()) {
      assertThat(System.nanoTime()).as("condition within 60s").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  @Order(5)
  void restartWithTheSameDataDirDownloadsNoIndexAndIsReadySooner() throws Exception {
    double firstRangeReads =
        metric(fsHttp, "thanos_objstore_bucket_operations_total{", "operation=\"get_range\"");
    String firstStoreLog = fsStore.output();
    fsStore.close();
    long t0 = System.nanoTime();
    fsStore = startStore("fs-restart", fsConfig(), tmp.resolve("fs-data"));
    fsHttp = "http://127.0.0.1:" + port(fsStore, "http");
    fsStore.awaitHttp(fsHttp + "/-/ready", 200, Duration.ofSeconds(90));
    long restartReadyMs = (System.nanoTime() - t0) / 1_000_000;
    String firstSync = syncDuration(firstStoreLog);
    String restartSync = syncDuration(fsStore.output());
    double getRange =
        metric(fsHttp, "thanos_objstore_bucket_operations_total{", "operation=\"get_range\"");
    System.out.printf(
        "store gateway ready: first start %d ms, initial sync %s (index-headers built); restart %d"
            + " ms, initial sync %s (index-headers reused)%n",
        firstReadyMs, firstSync, restartReadyMs, restartSync);
    assertThat(firstRangeReads).isGreaterThan(0);
    assertThat(getRange).as("no index range reads after a restart").isZero();
    assertThat(
            Files.list(tmp.resolve("fs-data"))
                .filter(p -> Ulid.isValid(p.getFileName().toString()))
                .count())
        .isEqualTo(GatewayFixtures.blockDirs(tmp.resolve("blocks")).size());
  }
}
