package io.jthanos.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jthanos.block.Blocks;
import io.jthanos.block.fetcher.FetchResult;
import io.jthanos.block.fetcher.MetaFetcher;
import io.jthanos.block.metadata.BlockFile;
import io.jthanos.block.metadata.HashFunc;
import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.ObjectHash;
import io.jthanos.block.shipper.ShipperMeta;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.BucketConfig;
import io.jthanos.objstore.BucketContext;
import io.jthanos.objstore.Buckets;
import io.jthanos.testing.objstore.FaultProxy;
import io.jthanos.testing.objstore.S3ProxyServer;
import io.jthanos.testing.prometheus.PrometheusServer;
import io.jthanos.tsdb.block.Ulid;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipper in real sidecar processes over a real Prometheus 2.42 (replica A: 2m blocks it cut
 * itself from back-filled data, plus promtool-made level-1 blocks): blocks land in a FILESYSTEM and
 * an S3 (S3Proxy) bucket with a correct meta.json, a restart uploads nothing twice, an upload
 * interrupted by a paused bucket and a killed sidecar is completed by the next run while readers
 * never see a block without meta.json, and a Prometheus with unequal block durations gets nothing
 * uploaded.
 */
class SidecarShipperIT {
  @RegisterExtension static final Servers SERVERS = new Servers();
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir Path tmp;

  private static String fsConfig(Path dir) {
    return "type: FILESYSTEM\nconfig:\n  directory: " + dir + "\n";
  }

  private static String s3Config(String bucket, String hostPort) {
    return "type: S3\nconfig:\n  bucket: "
        + bucket
        + "\n  endpoint: "
        + hostPort
        + "\n  insecure: true\n  access_key: "
        + S3ProxyServer.ACCESS_KEY
        + "\n  secret_key: "
        + S3ProxyServer.SECRET_KEY
        + "\n  bucket_lookup_type: path\n  max_retries: 0\n";
  }

  private static Set<Ulid> bucketBlocks(Bucket b) throws Exception {
    Set<Ulid> out = new TreeSet<>();
    for (String n : b.list("", false)) {
      Blocks.blockId(n).ifPresent(out::add);
    }
    return out;
  }

  private SidecarProcess shipping(
      String name, PrometheusServer prom, Path tsdb, String bucket, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--tsdb.path=" + tsdb,
                "--objstore.config=" + bucket,
                "--prometheus.get_config_interval=1s",
                "--log.level=debug"));
    args.addAll(List.of(more));
    return SidecarProcess.start(tmp.resolve(name + ".log"), prom.baseUri(), args);
  }

  /** The uploaded meta.json: local meta plus the thanos section; files as on disk. */
  private static void assertUploaded(Bucket bucket, Path tsdb, Ulid id, boolean hashes)
      throws Exception {
    Meta local = Meta.read(tsdb.resolve(id.toString()));
    Meta up = Blocks.downloadMeta(bucket, id);
    assertThat(up.ulid()).isEqualTo(id);
    assertThat(up.minTime()).isEqualTo(local.minTime());
    assertThat(up.maxTime()).isEqualTo(local.maxTime());
    assertThat(up.block().stats()).isEqualTo(local.block().stats());
    assertThat(up.block().compaction()).isEqualTo(local.block().compaction());
    assertThat(up.block().compaction().level()).isEqualTo(1);
    assertThat(up.labels()).isEqualTo(Map.of("cluster", "ha", "replica", "A"));
    assertThat(up.thanos().source()).isEqualTo("sidecar");
    assertThat(up.resolution()).isZero();
    assertThat(up.thanos().uploadTime()).isNotNull();
    assertThat(up.thanos().segmentFiles()).isNotEmpty();
    assertThat(up.thanos().files()).extracting(BlockFile::relPath).contains("index", "meta.json");
    for (BlockFile f : up.thanos().files()) {
      if (f.relPath().equals("meta.json")) {
        continue;
      }
      Path p = tsdb.resolve(id.toString()).resolve(f.relPath());
      assertThat(f.sizeBytes()).as(f.relPath()).isEqualTo(Files.size(p));
      assertThat(bucket.attributes(id + "/" + f.relPath()).size()).isEqualTo(Files.size(p));
      if (hashes) {
        assertThat(f.hash()).isEqualTo(ObjectHash.of(p, HashFunc.SHA256));
      }
    }
  }

  @Test
  void blocksLandInFilesystemAndS3BucketsOnceEvenAcrossRestartsAndKills() throws Exception {
    TestPrometheus servers = SERVERS.get();
    PrometheusServer prom = servers.replicaA();
    Path tsdb = servers.dataDir(prom);
    List<Ulid> local = TestPrometheus.blocks(tsdb);
    assertThat(local).hasSizeGreaterThanOrEqualTo(3); // promtool's two + Prometheus' own

    // --- FILESYSTEM bucket ------------------------------------------------------------------
    Path fsDir = tmp.resolve("fs-bucket");
    Map<Ulid, byte[]> metasAfterFirstRun = new HashMap<>();
    try (Bucket fs =
        Buckets.createUninstrumented(
            BucketConfig.parse(fsConfig(fsDir)), new BucketContext("test"))) {
      try (SidecarProcess sc = shipping("fs", prom, tsdb, fsConfig(fsDir), "--hash-func=SHA256")) {
        sc.awaitReady();
        await()
            .atMost(WAIT)
            .until(() -> sc.metricOr("thanos_shipper_uploads_total", 0) >= local.size());
        assertThat(sc.metricOr("thanos_shipper_upload_failures_total", -1)).isZero();
        assertThat(sc.output()).contains("msg=\"upload new block\" id=" + local.get(0));
      }
      Set<Ulid> uploaded = bucketBlocks(fs);
      assertThat(uploaded).containsAll(local);
      for (Ulid id : uploaded) {
        assertUploaded(fs, tsdb, id, true);
        metasAfterFirstRun.put(id, fs.readAllBytes(id + "/meta.json"));
      }
      assertThat(ShipperMeta.read(tsdb, ShipperMeta.DEFAULT_FILE_NAME).uploaded())
          .containsAll(uploaded);

      // --- restart: nothing is uploaded twice ------------------------------------------------
      try (SidecarProcess again =
          shipping("fs-restart", prom, tsdb, fsConfig(fsDir), "--hash-func=SHA256")) {
        again.awaitReady();
        await().atMost(WAIT).until(() -> again.metricOr("thanos_shipper_dir_syncs_total", 0) >= 1);
        for (Ulid id : metasAfterFirstRun.keySet()) {
          assertThat(again.output()).doesNotContain("upload new block\" id=" + id);
        }
      }
      for (Map.Entry<Ulid, byte[]> e : metasAfterFirstRun.entrySet()) {
        assertThat(fs.readAllBytes(e.getKey() + "/meta.json")).isEqualTo(e.getValue());
      }
    }

    // --- S3 bucket, paused and killed mid-upload -------------------------------------------
    String stateFile = "thanos.shipper.s3.json";
    try (S3ProxyServer s3 = S3ProxyServer.startInMemory()) {
      String bucketName = s3.createBucket();
      try (Bucket direct =
          Buckets.createUninstrumented(
              BucketConfig.parse(s3Config(bucketName, s3.hostPort())), new BucketContext("test"))) {
        Ulid first = local.get(0);
        CountDownLatch never = new CountDownLatch(1);
        FaultProxy proxy = FaultProxy.start(s3.port());
        try {
          FaultProxy.Rule hold =
              proxy.holdNext(
                  q -> q.method().equals("PUT") && q.path().endsWith(first + "/index"), 1, never);
          try (SidecarProcess sc =
              shipping(
                  "s3-killed",
                  prom,
                  tsdb,
                  s3Config(bucketName, proxy.hostPort()),
                  "--shipper.meta-file-name=" + stateFile)) {
            await().atMost(WAIT).until(() -> hold.hits() == 1);
            // Chunks are in, the index is held: a partial block, which readers must not load.
            assertThat(direct.list(first + "/", true)).anyMatch(n -> n.contains("/chunks/"));
            assertThat(direct.exists(first + "/meta.json")).isFalse();
            FetchResult r = MetaFetcher.builder(direct).build().fetch();
            assertThat(r.metas()).doesNotContainKey(first);
            assertThat(r.partial()).containsKey(first);
            sc.process.kill();
          }
        } finally {
          proxy.close(); // the held request dies with the proxy
        }
        assertThat(direct.exists(first + "/meta.json")).isFalse();
        assertThat(MetaFetcher.builder(direct).build().fetch().metas()).doesNotContainKey(first);

        // The next run completes the upload.
        try (SidecarProcess sc =
            shipping(
                "s3-rerun",
                prom,
                tsdb,
                s3Config(bucketName, s3.hostPort()),
                "--shipper.meta-file-name=" + stateFile)) {
          await()
              .atMost(WAIT)
              .until(() -> sc.metricOr("thanos_shipper_uploads_total", 0) >= local.size());
        }
        Set<Ulid> inS3 = bucketBlocks(direct);
        assertThat(inS3).containsAll(local);
        FetchResult r = MetaFetcher.builder(direct).build().fetch();
        assertThat(r.partial()).isEmpty();
        assertThat(r.metas().keySet()).containsAll(local);
        for (Ulid id : local) {
          assertUploaded(direct, tsdb, id, false);
        }
        assertThat(ShipperMeta.read(tsdb, stateFile).uploaded()).containsAll(local);
      }
    }
  }

  @Test
  void unequalBlockDurationsMeanNoUploadAndAClearLogLine() throws Exception {
    TestPrometheus servers = SERVERS.get();
    PrometheusServer prom = servers.contract();
    Path tsdb = servers.dataDir(prom);
    assertThat(TestPrometheus.blocks(tsdb)).isNotEmpty();
    Path fsDir = tmp.resolve("unequal-bucket");
    try (SidecarProcess sc =
        shipping(
            "unequal",
            prom,
            tsdb,
            fsConfig(fsDir),
            "--shipper.meta-file-name=thanos.shipper.unequal.json")) {
      sc.awaitReady();
      sc.process.awaitOutput(
          "level=warn msg=\"failed to validate prometheus flags, not uploading blocks\\. Retrying\""
              + " err=\"found that TSDB Max time is \\S+ and Min time is 2h\\. Compaction needs to be"
              + " disabled \\(storage\\.tsdb\\.min-block-duration = storage\\.tsdb\\.max-block-duration\\)\"",
          WAIT);
      // It keeps checking, and serves queries meanwhile.
      await()
          .atMost(WAIT)
          .until(() -> sc.output().split("failed to validate prometheus flags", -1).length > 2);
      assertThat(sc.metricOr("thanos_shipper_dir_syncs_total", 0)).isZero();
      assertThat(sc.status("/-/ready")).isEqualTo(200);
    }
    assertThat(Files.exists(fsDir) ? Files.list(fsDir).toList() : List.of()).isEmpty();
    assertThat(Files.exists(tsdb.resolve("thanos.shipper.unequal.json"))).isFalse();
  }
}
