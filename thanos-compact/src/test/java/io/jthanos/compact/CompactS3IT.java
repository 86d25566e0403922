package io.jthanos.compact;

import static io.jthanos.block.compact.testing.BucketBlocks.H;
import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.block.compact.testing.BucketBlocks;
import io.jthanos.block.metadata.BlockFile;
import io.jthanos.block.metadata.HashFunc;
import io.jthanos.block.metadata.Meta;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.BucketConfig;
import io.jthanos.objstore.BucketContext;
import io.jthanos.objstore.Buckets;
import io.jthanos.testing.Ports;
import io.jthanos.testing.objstore.S3ProxyServer;
import io.jthanos.testing.process.JavaProcess;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.testing.SyntheticData;
import io.jthanos.tsdb.testing.TestSeries;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compactor on an S3 bucket (S3Proxy in this JVM), sharded by two compactor processes the way
 * Thanos users shard it: one keeps {@code cluster="eu1"} (two HA replicas, deduplicated with the
 * replica label, results hashed with {@code --hash-func=SHA256}), the other keeps {@code
 * cluster="us1"} and only the blocks overlapping {@code [--min-time, --max-time]}. Each touches
 * only its own blocks.
 */
class CompactS3IT {
  static final long T0 = 1_703_116_800_000L; // 2023-12-21T00:00:00Z, a 2d boundary
  static final Map<String, String> EU1 = Map.of("cluster", "eu1");
  static final Map<String, String> US1 = Map.of("cluster", "us1");

  @TempDir Path tmp;

  static String s3Config(String bucket, String hostPort) {
    return "type: S3\nconfig:\n  bucket: "
        + bucket
        + "\n  endpoint: "
        + hostPort
        + "\n  insecure: true\n  access_key: "
        + S3ProxyServer.ACCESS_KEY
        + "\n  secret_key: "
        + S3ProxyServer.SECRET_KEY
        + "\n  bucket_lookup_type: path\n";
  }

  static List<TestSeries> data(long seed, int hours) {
    return new SyntheticData(seed)
        .start(T0)
        .interval(30_000)
        .gaps(0)
        .mix(2, (int) (hours * H / 30_000));
  }

  void upload(Bucket bkt, Map<String, String> labels, List<TestSeries> series, int blocks) {
    for (int i = 0; i < blocks; i++) {
      BucketBlocks.upload(
          bkt, tmp.resolve("up"), labels, series, T0 + i * 2 * H, T0 + (i + 1) * 2 * H);
    }
  }

  void compact(String objstore, String name, String... extra) {
    List<String> args = new ArrayList<>();
    args.add("--objstore.config=" + objstore);
    args.add("--data-dir=" + tmp.resolve(name + "-data"));
    args.add("--http-address=127.0.0.1:" + Ports.freePort());
    args.add("--http-grace-period=0s");
    args.add("--delete-delay=0s");
    args.addAll(List.of(extra));
    try (JavaProcess p =
        JavaProcess.main(CompactMain.class.getName())
            .args(args)
            .logTo(tmp.resolve(name + ".log"))
            .start()) {
      assertThat(p.awaitExit(Duration.ofSeconds(180))).as(p.output()).isZero();
    }
  }

  static Map<Ulid, Meta> stream(Bucket bkt, Map<String, String> ext) throws Exception {
    Map<Ulid, Meta> out = new TreeMap<>();
    for (Meta m : BucketBlocks.live(bkt).values()) {
      if (m.labels().get("cluster").equals(ext.get("cluster"))) {
        out.put(m.ulid(), m);
      }
    }
    return out;
  }

  @Test
  void shardedCompactorsDeduplicateAndCompactOnlyTheirBlocksOnS3() throws Exception {
    try (S3ProxyServer s3 = S3ProxyServer.startInMemory()) {
      String objstore = s3Config(s3.createBucket(), s3.hostPort());
      try (Bucket bkt =
          Buckets.createUninstrumented(BucketConfig.parse(objstore), new BucketContext("test"))) {
        // eu1: an HA pair, replica 1 scraping 2s later and seeing slightly different values.
        List<TestSeries> a = data(7, 12);
        List<TestSeries> b = new ArrayList<>();
        for (TestSeries s : a) {
          long[] ts = s.ts().clone();
          double[] vs = new double[ts.length];
          for (int i = 0; i < ts.length; i++) {
            ts[i] += 2_000;
            vs[i] = s.value(i) + 1;
          }
          b.add(TestSeries.of(s.labels(), ts, vs));
        }
        upload(bkt, Map.of("cluster", "eu1", "replica", "0"), a, 6);
        upload(bkt, Map.of("cluster", "eu1", "replica", "1"), b, 6);
        // us1: 24h of 2h blocks.
        List<TestSeries> u = data(8, 24);
        upload(bkt, US1, u, 12);
        Map<Ulid, Meta> us1Before = stream(bkt, US1);
        assertThat(us1Before).hasSize(12);

        String keep = "- action: keep\n  source_labels: [cluster]\n  regex: ";
        compact(
            objstore,
            "eu1",
            "--selector.relabel-config=" + keep + "eu1",
            "--deduplication.replica-label=replica",
            "--deduplication.func=penalty",
            "--hash-func=SHA256");

        // us1 untouched by the eu1 shard.
        assertThat(stream(bkt, US1)).isEqualTo(us1Before);
        // eu1: one copy, the replica label gone, every new block's files hashed.
        Map<Ulid, Meta> eu1 = stream(bkt, EU1);
        assertThat(eu1.values()).allSatisfy(m -> assertThat(m.labels()).isEqualTo(EU1));
        assertThat(eu1.values())
            .allSatisfy(m -> assertThat(m.block().compaction().level()).isGreaterThan(1));
        for (Meta m : eu1.values()) {
          assertThat(m.thanos().files()).isNotEmpty();
          for (BlockFile f : m.thanos().files()) {
            if (!f.relPath().equals("meta.json")) {
              assertThat(f.hash()).as(m.ulid() + "/" + f.relPath()).isNotNull();
              assertThat(f.hash().func()).isEqualTo(HashFunc.SHA256);
            }
          }
        }
        var eu1Content = BucketBlocks.read(bkt, tmp.resolve("read-eu1"), 0, EU1);
        List<TestSeries> expected = BucketBlocks.slice(a, T0, T0 + 12 * H);
        assertThat(eu1Content.doubled()).isZero();
        assertThat(eu1Content.samples()).isEqualTo(BucketBlocks.samples(expected));
        assertThat(eu1Content.series()).isEqualTo(BucketBlocks.byLabels(expected));
        Map<Ulid, Meta> eu1Before = eu1;

        // The us1 shard limited to the blocks overlapping [T0, T0+8h]: the first 8h window
        // (the block starting at T0+8h is in range but is the newest, so it waits).
        compact(
            objstore,
            "us1",
            "--selector.relabel-config=" + keep + "us1",
            "--min-time=2023-12-21T00:00:00Z",
            "--max-time=2023-12-21T08:00:00Z");
        assertThat(stream(bkt, EU1)).isEqualTo(eu1Before);
        Map<Ulid, Meta> us1 = stream(bkt, US1);
        Set<Ulid> kept = new TreeSet<>(us1.keySet());
        kept.retainAll(us1Before.keySet());
        assertThat(kept)
            .as("blocks from T0+8h on stay as uploaded")
            .hasSize(8)
            .allSatisfy(
                id -> assertThat(us1Before.get(id).minTime()).isGreaterThanOrEqualTo(T0 + 8 * H));
        List<Meta> made = us1.values().stream().filter(m -> !kept.contains(m.ulid())).toList();
        assertThat(made).hasSize(1);
        assertThat(made.get(0).minTime()).isEqualTo(T0);
        assertThat(made.get(0).maxTime()).isEqualTo(T0 + 8 * H);
        assertThat(made.get(0).block().compaction().sources()).hasSize(4);
        var us1Content = BucketBlocks.read(bkt, tmp.resolve("read-us1"), 0, US1);
        assertThat(us1Content.doubled()).isZero();
        assertThat(us1Content.series()).isEqualTo(BucketBlocks.byLabels(u));
      }
    }
  }
}
