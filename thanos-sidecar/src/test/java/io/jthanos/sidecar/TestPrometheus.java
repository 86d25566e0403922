package io.jthanos.sidecar;

import io.jthanos.storeapi.testing.ContractData;
import io.jthanos.testing.prometheus.PrometheusServer;
import io.jthanos.testing.prometheus.Promtool;
import io.jthanos.tsdb.block.Ulid;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real Prometheus servers the sidecar's integration tests share (one JVM runs every IT class,
 * and starting Prometheus, cutting blocks and scraping take time), started on first use and stopped
 * when the test run ends:
 *
 * <ul>
 *   <li>{@link #contract()}: external labels {@code region="eu",replica="r1"}, the StoreAPI
 *       contract data as promtool-made blocks, scraping itself and {@link #target()} every second,
 *       a recording and an always-firing alerting rule, exemplar storage, lifecycle API, default
 *       block durations (so its sidecar must refuse to upload).
 *   <li>{@link #replicaA()} / {@link #replicaB()}: an HA pair ({@code cluster="ha"}, {@code
 *       replica="A"|"B"}) scraping the same two targets (the contract Prometheus and {@link
 *       #target()}). Replica A has min = max block duration = 2m and, before scraping started, got
 *       8 minutes of {@value #BACKFILL} series by remote write, so that it has already cut level-1
 *       blocks.
 * </ul>
 */
public final class TestPrometheus implements AutoCloseable {
  static final String BACKFILL = "sidecar_backfill";
  static final int BACKFILL_SERIES = 20;

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Path root;
  private ExemplarTarget target;
  private PrometheusServer contract;
  private PrometheusServer replicaA;
  private PrometheusServer replicaB;
  private long backfillFrom;
  private long backfillTo;

  private TestPrometheus() {
    try {
      root = Files.createTempDirectory("jthanos-sidecar-it-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The run's shared instance (closed when the whole test run ends). */
  public static TestPrometheus get(ExtensionContext ctx) {
    return ctx.getRoot()
        .getStore(ExtensionContext.Namespace.create(TestPrometheus.class))
        .computeIfAbsent("servers", k -> new TestPrometheus(), TestPrometheus.class);
  }

  Path root() {
    return root;
  }

  synchronized ExemplarTarget target() {
    if (target == null) {
      try {
        target = new ExemplarTarget();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return target;
  }

  /** The rule file of the contract Prometheus. */
  static final String RULES =
      """
      groups:
        - name: contract
          interval: 1s
          rules:
            - record: contract:up:sum
              expr: sum(up)
              labels:
                source: recording
            - alert: ContractAlwaysFiring
              expr: vector(1)
              labels:
                severity: none
              annotations:
                summary: always firing
      """;

  /** The contract Prometheus' configuration; {@code scrapeInterval} is substituted. */
  static String contractConfig(
      int port, String targetAddress, Path rulesDir, String scrapeInterval) {
    return "global:\n"
        + "  scrape_interval: "
        + scrapeInterval
        + "\n"
        + "  evaluation_interval: 1s\n"
        + "  external_labels:\n"
        + "    region: eu\n"
        + "    replica: r1\n"
        + "rule_files:\n"
        + "  - "
        + rulesDir.resolve("*.yml")
        + "\n"
        + "scrape_configs:\n"
        + "  - job_name: prometheus\n"
        + "    static_configs:\n"
        + "      - targets: ['127.0.0.1:"
        + port
        + "']\n"
        + "  - job_name: exemplars\n"
        + "    static_configs:\n"
        + "      - targets: ['"
        + targetAddress
        + "']\n";
  }

  public synchronized PrometheusServer contract() {
    if (contract == null) {
      try {
        Path data = Files.createDirectories(root.resolve("contract-data"));
        Path om = root.resolve("contract.om");
        Files.writeString(om, ContractData.openMetrics());
        Promtool.locate().createBlocksFromOpenMetrics(om, data, null);
        Path work = Files.createDirectories(root.resolve("contract-work"));
        Path rules = Files.createDirectories(work.resolve("rules"));
        Files.writeString(rules.resolve("contract.yml"), RULES);
        String t = target().address();
        contract =
            PrometheusServer.builder(data)
                .workDir(work)
                .config(port -> contractConfig(port, t, rules, "1s"))
                .flag("--web.enable-lifecycle")
                .flag("--enable-feature=exemplar-storage")
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return contract;
  }

  private String haConfig(String replica, boolean scrape) {
    StringBuilder sb =
        new StringBuilder(
            "global:\n  scrape_interval: 1s\n  external_labels:\n    cluster: ha\n    replica: "
                + replica
                + "\n");
    if (!scrape) {
      return sb.append("scrape_configs: []\n").toString();
    }
    return sb.append("scrape_configs:\n")
        .append("  - job_name: contract-prometheus\n    static_configs:\n      - targets: ['")
        .append(contract().baseUri().getAuthority())
        .append("']\n")
        .append("  - job_name: exemplars\n    static_configs:\n      - targets: ['")
        .append(target().address())
        .append("']\n")
        .toString();
  }

  /** Replica A: 2m blocks, back-filled with {@value #BACKFILL} and already cut into blocks. */
  synchronized PrometheusServer replicaA() {
    if (replicaA == null) {
      try {
        Path data = Files.createDirectories(root.resolve("replica-a-data"));
        Path work = Files.createDirectories(root.resolve("replica-a-work"));
        // Level-1 blocks made by promtool for old data, as a back-filled Prometheus has.
        Path om = root.resolve("replica-a.om");
        Files.writeString(om, ContractData.openMetrics());
        Promtool.locate().createBlocksFromOpenMetrics(om, data, null);
        replicaA =
            PrometheusServer.builder(data)
                .workDir(work)
                .config(haConfig("A", false))
                .flag("--storage.tsdb.min-block-duration=2m")
                .flag("--storage.tsdb.max-block-duration=2m")
                .flag("--web.enable-remote-write-receiver")
                .flag("--web.enable-lifecycle")
                .start();
        // Samples older than the head allows once scraping runs: write them first. A head spanning
        // more than 1.5 block ranges is compacted at once.
        long now = System.currentTimeMillis() / 15_000 * 15_000;
        backfillFrom = now - 9 * 60_000;
        backfillTo = now - 60_000;
        RemoteWrite.write(
            replicaA.baseUri(), BACKFILL, BACKFILL_SERIES, backfillFrom, backfillTo, 15_000);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int promtoolBlocks = blocks(data).size();
        while (blocks(data).size() <= promtoolBlocks) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(
                "replica A cut no block from back-filled data:\n" + replicaA.logTail());
          }
          Thread.sleep(100); // polling the data directory
        }
        Files.writeString(replicaA.configFile(), haConfig("A", true));
        reload(replicaA);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return replicaA;
  }

  /** [first, last] sample time of the back-filled series. */
  synchronized long[] backfillRange() {
    replicaA();
    return new long[] {backfillFrom, backfillTo};
  }

  synchronized PrometheusServer replicaB() {
    if (replicaB == null) {
      try {
        Path data = Files.createDirectories(root.resolve("replica-b-data"));
        Path work = Files.createDirectories(root.resolve("replica-b-work"));
        replicaB = PrometheusServer.builder(data).workDir(work).config(haConfig("B", true)).start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return replicaB;
  }

  /** The data directory of a server this holder started. */
  Path dataDir(PrometheusServer p) {
    if (p == contract) {
      return root.resolve("contract-data");
    }
    if (p == replicaA) {
      return root.resolve("replica-a-data");
    }
    if (p == replicaB) {
      return root.resolve("replica-b-data");
    }
    throw new IllegalArgumentException("not a shared server");
  }

  /** Complete blocks (with meta.json) in a TSDB directory, oldest first. */
  static List<Ulid> blocks(Path dataDir) throws IOException {
    List<Ulid> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dataDir)) {
      for (Path p : s.toList()) {
        String n = p.getFileName().toString();
        if (Ulid.isValid(n) && Files.exists(p.resolve("meta.json"))) {
          out.add(Ulid.parse(n));
        }
      }
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  /** POST /-/reload. */
  static void reload(PrometheusServer p) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(p.baseUri().resolve("/-/reload"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("reload: " + r.statusCode() + " " + r.body());
    }
  }

  static URI uri(PrometheusServer p) {
    return p.baseUri();
  }

  @Override
  public synchronized void close() {
    for (PrometheusServer p : new PrometheusServer[] {replicaA, replicaB, contract}) {
      if (p != null) {
        p.close();
      }
    }
    if (target != null) {
      target.close();
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // temp files only
    }
  }
}
