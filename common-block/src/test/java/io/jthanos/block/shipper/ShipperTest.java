package io.jthanos.block.shipper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.block.Blocks;
import io.jthanos.block.metadata.BlockFile;
import io.jthanos.block.metadata.HashFunc;
import io.jthanos.block.metadata.Meta;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.ForwardingBucket;
import io.jthanos.objstore.filesystem.FilesystemBucket;
import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.BlockWriter;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.labels.Labels;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShipperTest {
  private static final long H2 = 7_200_000L;
  private static final Labels EXT = Labels.of("cluster", "c1", "replica", "a");
  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

  @TempDir Path tmp;
  private Path tsdb;
  private Path bucketDir;
  private Bucket bucket;
  private MeterRegistry reg;

  @BeforeEach
  void setUp() throws IOException {
    tsdb = Files.createDirectories(tmp.resolve("tsdb"));
    bucketDir = tmp.resolve("bucket");
    bucket = new FilesystemBucket(bucketDir);
    reg = new SimpleMeterRegistry();
  }

  /** A Prometheus-like block (no thanos section) of {@code series} series over [min, max). */
  private Meta block(long ulidTime, int level, long minTime, long maxTime, int series)
      throws IOException {
    Ulid id = Ulid.of(ulidTime, 0, ulidTime);
    try (BlockWriter w =
        BlockWriter.builder(tsdb).ulid(id).level(level).timeRange(minTime, maxTime).build()) {
      for (int s = 0; s < series; s++) {
        int n = (int) ((maxTime - minTime) / 60_000);
        long[] ts = new long[n];
        double[] vs = new double[n];
        for (int i = 0; i < n; i++) {
          ts[i] = minTime + i * 60_000L;
          vs[i] = s + i;
        }
        w.addSeries(Labels.of("__name__", "up", "s", Integer.toString(s)), ts, vs);
      }
      BlockMeta m = w.commit();
      return Meta.of(m);
    }
  }

  private Shipper.Builder shipper() {
    return Shipper.builder(tsdb, bucket)
        .labels(() -> EXT)
        .source("sidecar")
        .clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .meterRegistry(reg);
  }

  private double counter(String name) {
    return reg.get(name).counter().count();
  }

  private String state() throws IOException {
    return Files.readString(tsdb.resolve(ShipperMeta.DEFAULT_FILE_NAME));
  }

  private Set<String> bucketObjects() throws IOException {
    return Set.copyOf(bucket.list("", true));
  }

  @Test
  void uploadsNonEmptyLevelOneBlocksWithTheThanosSectionAndRecordsThem() throws IOException {
    Meta b1 = block(1000, 1, 0, H2, 3);
    Meta b2 = block(2000, 1, H2, 2 * H2, 2);
    Meta empty = block(3000, 1, 2 * H2, 3 * H2, 0);
    Meta compacted = block(4000, 2, 3 * H2, 5 * H2, 1);
    byte[] localMeta = Files.readAllBytes(tsdb.resolve(b1.ulid() + "/meta.json"));

    Shipper s = shipper().build();
    assertThat(s.sync()).isEqualTo(2);

    assertThat(bucketObjects())
        .contains(b1.ulid() + "/meta.json", b1.ulid() + "/index", b1.ulid() + "/chunks/000001")
        .contains(b2.ulid() + "/meta.json")
        .noneMatch(n -> n.startsWith(empty.ulid().toString()))
        .noneMatch(n -> n.startsWith(compacted.ulid().toString()));
    Meta up = Blocks.downloadMeta(bucket, b1.ulid());
    assertThat(up.labels()).isEqualTo(Map.of("cluster", "c1", "replica", "a"));
    assertThat(up.thanos().source()).isEqualTo("sidecar");
    assertThat(up.resolution()).isZero();
    assertThat(up.thanos().segmentFiles()).containsExactly("000001");
    assertThat(up.thanos().uploadTime()).isEqualTo(NOW);
    assertThat(up.thanos().files())
        .extracting(BlockFile::relPath)
        .containsExactly("chunks/000001", "index", "meta.json");
    assertThat(up.thanos().files().get(1).sizeBytes())
        .isEqualTo(Files.size(tsdb.resolve(b1.ulid() + "/index")));
    assertThat(up.block().stats()).isEqualTo(b1.block().stats());
    assertThat(up.block().compaction()).isEqualTo(b1.block().compaction());

    // The TSDB's own block is untouched and the staging area is cleaned up.
    assertThat(Files.readAllBytes(tsdb.resolve(b1.ulid() + "/meta.json"))).isEqualTo(localMeta);
    try (Stream<Path> st = Files.list(tsdb.resolve(Shipper.UPLOAD_DIR))) {
      assertThat(st).isEmpty();
    }

    assertThat(state())
        .isEqualTo(
            "{\n\t\"version\": 1,\n\t\"uploaded\": [\n\t\t\""
                + b1.ulid()
                + "\",\n\t\t\""
                + b2.ulid()
                + "\"\n\t]\n}\n");
    assertThat(counter("thanos_shipper_uploads")).isEqualTo(2);
    assertThat(counter("thanos_shipper_dir_syncs")).isEqualTo(1);
    assertThat(counter("thanos_shipper_dir_sync_failures")).isZero();
    assertThat(reg.find("thanos_shipper_upload_compacted_done").gauge()).isNull();
    assertThat(s.timestamps()).isEqualTo(new Shipper.Timestamps(0, 2 * H2));
  }

  @Test
  void aRestartOrALostStateFileNeverUploadsTwice() throws IOException {
    Meta b1 = block(1000, 1, 0, H2, 1);
    assertThat(shipper().build().sync()).isEqualTo(1);
    String metaBefore = new String(bucket.readAllBytes(b1.ulid() + "/meta.json"), UTF8);

    // New process, same state file.
    MeterRegistry again = new SimpleMeterRegistry();
    Shipper restarted =
        Shipper.builder(tsdb, bucket)
            .labels(() -> EXT)
            .source("sidecar")
            .meterRegistry(again)
            .build();
    assertThat(restarted.sync()).isZero();
    assertThat(again.get("thanos_shipper_uploads").counter().count()).isZero();

    // State file lost or corrupt: the bucket check still prevents a second upload.
    Files.delete(tsdb.resolve(ShipperMeta.DEFAULT_FILE_NAME));
    assertThat(shipper().build().sync()).isZero();
    Files.writeString(tsdb.resolve(ShipperMeta.DEFAULT_FILE_NAME), "{not json");
    assertThat(shipper().build().sync()).isZero();
    assertThat(state()).contains(b1.ulid().toString());
    assertThat(new String(bucket.readAllBytes(b1.ulid() + "/meta.json"), UTF8))
        .isEqualTo(metaBefore);
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  @Test
  void blocksGoneLocallyLeaveTheStateFileAndAnEmptyListIsNull() throws IOException {
    Meta b1 = block(1000, 1, 0, H2, 1);
    shipper().build().sync();
    deleteTree(tsdb.resolve(b1.ulid().toString()));
    shipper().build().sync();
    assertThat(state()).isEqualTo("{\n\t\"version\": 1,\n\t\"uploaded\": null\n}\n");
    assertThat(ShipperMeta.read(tsdb, ShipperMeta.DEFAULT_FILE_NAME).uploaded()).isEmpty();
  }

  @Test
  void stateFileNameIsConfigurableAndVersionIsChecked() throws IOException {
    block(1000, 1, 0, H2, 1);
    shipper().metaFileName("other.json").build().sync();
    assertThat(Files.exists(tsdb.resolve("other.json"))).isTrue();
    assertThat(Files.exists(tsdb.resolve(ShipperMeta.DEFAULT_FILE_NAME))).isFalse();
    Files.writeString(tsdb.resolve("v2.json"), "{\"version\": 2, \"uploaded\": []}");
    assertThatThrownBy(() -> ShipperMeta.read(tsdb, "v2.json"))
        .hasMessageContaining("unexpected meta file version 2");
  }

  @Test
  void aFailedUploadHoldsBackNewerBlocksUntilItSucceeds() throws IOException {
    Meta b1 = block(1000, 1, 0, H2, 1);
    Meta b2 = block(2000, 1, H2, 2 * H2, 1);
    FailingBucket failing = new FailingBucket(bucket, b1.ulid() + "/index");
    Shipper s = Shipper.builder(tsdb, failing).labels(() -> EXT).meterRegistry(reg).build();
    assertThatThrownBy(s::sync).hasMessageContaining("upload " + b1.ulid());
    assertThat(bucketObjects()).isEmpty(); // the partial chunks were removed again
    assertThat(counter("thanos_shipper_upload_failures")).isEqualTo(1);
    assertThat(counter("thanos_shipper_dir_sync_failures")).isEqualTo(1);

    failing.failing = null;
    assertThat(s.sync()).isEqualTo(2);
    assertThat(failing.metaUploads).containsExactly(b1.ulid().toString(), b2.ulid().toString());
  }

  @Test
  void outOfOrderUploadsLetNewerBlocksThrough() throws IOException {
    Meta b1 = block(1000, 1, 0, H2, 1);
    Meta b2 = block(2000, 1, H2, 2 * H2, 1);
    FailingBucket failing = new FailingBucket(bucket, b1.ulid() + "/index");
    Shipper s =
        Shipper.builder(tsdb, failing)
            .labels(() -> EXT)
            .allowOutOfOrderUploads(true)
            .meterRegistry(reg)
            .build();
    assertThatThrownBy(s::sync).hasMessageContaining("failed to sync 1 blocks");
    assertThat(failing.metaUploads).containsExactly(b2.ulid().toString());
    assertThat(state()).contains(b2.ulid().toString()).doesNotContain(b1.ulid().toString());
  }

  @Test
  void blocksWithoutExternalLabelsAreRefused() throws IOException {
    block(1000, 1, 0, H2, 1);
    Shipper s = Shipper.builder(tsdb, bucket).meterRegistry(reg).build();
    assertThatThrownBy(s::sync).hasMessageContaining("empty external labels are not allowed");
    assertThat(bucketObjects()).isEmpty();
  }

  @Test
  void compactedBlocksAreUploadedOnlyWhenAskedAndWithoutOverlap() throws IOException {
    Meta l1 = block(1000, 1, 0, H2, 1);
    Meta l2 = block(2000, 2, H2, 3 * H2, 1);
    Shipper s = shipper().uploadCompacted(true).build();
    assertThat(s.sync()).isEqualTo(2);
    assertThat(bucketObjects()).contains(l2.ulid() + "/meta.json", l1.ulid() + "/meta.json");
    assertThat(reg.get("thanos_shipper_upload_compacted_done").gauge().value()).isEqualTo(1);

    // A compacted block overlapping a bucket block of the same labels is refused.
    Meta overlapping = block(3000, 3, 2 * H2, 4 * H2, 1);
    assertThatThrownBy(s::sync)
        .hasMessageContaining("shipping compacted block " + overlapping.ulid() + " is blocked")
        .hasMessageContaining("overlap spotted")
        .hasMessageContaining(l2.ulid().toString());
    assertThat(bucketObjects()).noneMatch(n -> n.startsWith(overlapping.ulid().toString()));

    // Blocks of other external labels do not count.
    Shipper other =
        Shipper.builder(tsdb, bucket)
            .labels(() -> Labels.of("cluster", "c2"))
            .uploadCompacted(true)
            .meterRegistry(new SimpleMeterRegistry())
            .build();
    Files.delete(tsdb.resolve(ShipperMeta.DEFAULT_FILE_NAME));
    assertThat(other.sync()).isEqualTo(1);
    assertThat(Blocks.downloadMeta(bucket, overlapping.ulid()).labels())
        .isEqualTo(Map.of("cluster", "c2"));
  }

  @Test
  void corruptedBlocksFailTheSyncOrAreSkipped() throws IOException {
    Meta b1 = block(1000, 1, 0, H2, 1);
    Meta b2 = block(2000, 1, H2, 2 * H2, 1);
    Files.delete(tsdb.resolve(b1.ulid() + "/meta.json"));
    assertThatThrownBy(() -> shipper().build().sync())
        .hasMessageContaining("read metadata for block");
    assertThat(counter("thanos_shipper_corrupted_blocks")).isEqualTo(1);
    assertThat(bucketObjects()).isEmpty();

    MeterRegistry r2 = new SimpleMeterRegistry();
    Shipper skipping =
        Shipper.builder(tsdb, bucket)
            .labels(() -> EXT)
            .skipCorruptedBlocks(true)
            .meterRegistry(r2)
            .build();
    assertThat(skipping.sync()).isEqualTo(1);
    assertThat(r2.get("thanos_shipper_corrupted_blocks").counter().count()).isEqualTo(1);
    assertThat(bucketObjects()).contains(b2.ulid() + "/meta.json");
  }

  @Test
  void hashFunctionRecordsSha256OfEveryFile() throws IOException {
    Meta b1 = block(1000, 1, 0, H2, 2);
    shipper().hashFunc(HashFunc.SHA256).build().sync();
    Meta up = Blocks.downloadMeta(bucket, b1.ulid());
    assertThat(up.thanos().files())
        .filteredOn(f -> !f.relPath().equals("meta.json"))
        .allSatisfy(f -> assertThat(f.hash()).isNotNull());
  }

  @Test
  void ignoresNonBlockDirectoriesAndPrometheusTemporaryDirectories() throws IOException {
    Meta b1 = block(1000, 1, 0, H2, 1);
    Files.createDirectories(tsdb.resolve("wal"));
    Files.createDirectories(tsdb.resolve("chunks_head"));
    Files.createDirectories(tsdb.resolve(Ulid.of(5000, 0, 1) + ".tmp-for-creation"));
    Files.writeString(tsdb.resolve("lock"), "");
    assertThat(shipper().build().sync()).isEqualTo(1);
    assertThat(state()).contains(b1.ulid().toString());
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }

  /** Fails uploads of one object name; records the meta.json uploads in order. */
  private static final class FailingBucket extends ForwardingBucket {
    volatile String failing;
    final List<String> metaUploads = new CopyOnWriteArrayList<>();

    FailingBucket(Bucket delegate, String failing) {
      super(delegate);
      this.failing = failing;
    }

    private void check(String name) throws IOException {
      if (name.equals(failing)) {
        throw new IOException("injected failure for " + name);
      }
      if (name.endsWith("/meta.json")) {
        metaUploads.add(name.substring(0, name.indexOf('/')));
      }
    }

    @Override
    public void upload(String name, InputStream in, long length) throws IOException {
      check(name);
      super.upload(name, in, length);
    }

    @Override
    public void upload(String name, Path file) throws IOException {
      check(name);
      super.upload(name, file);
    }
  }

  @SuppressWarnings("unused")
  private static List<String> names(List<Meta> metas) {
    List<String> out = new ArrayList<>();
    metas.forEach(m -> out.add(m.ulid().toString()));
    return out;
  }
}
