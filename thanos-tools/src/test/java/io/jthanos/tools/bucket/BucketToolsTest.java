package io.jthanos.tools.bucket;

import static io.jthanos.block.compact.testing.BucketBlocks.H;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jthanos.block.Blocks;
import io.jthanos.block.compact.testing.BucketBlocks;
import io.jthanos.block.metadata.MarkerType;
import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.NoCompactMark;
import io.jthanos.block.metadata.Sources;
import io.jthanos.objstore.filesystem.FilesystemBucket;
import io.jthanos.server.ComponentMain;
import io.jthanos.tools.ToolsCommand;
import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.BlockWriter;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.block.UlidGenerator;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.testing.BlockFixtures;
import io.jthanos.tsdb.testing.SyntheticData;
import io.jthanos.tsdb.testing.TestSeries;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The one-shot {@code tools bucket} commands, run in-process over FILESYSTEM buckets. */
class BucketToolsTest {
  static final long T0 = 1_703_116_800_000L;
  static final Map<String, String> EXT = Map.of("cluster", "eu1");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  Path bucketDir;
  FilesystemBucket bkt;
  List<TestSeries> series;

  @BeforeEach
  void setUp() throws Exception {
    bucketDir = tmp.resolve("bucket");
    bkt = new FilesystemBucket(bucketDir);
    series = new SyntheticData(7).start(T0).interval(60_000).gaps(0).mix(2, 8 * 60);
  }

  record Run(int exit, String out) {}

  static Run run(String... args) {
    CommandLine cl = ComponentMain.commandTree(new ToolsCommand());
    StringWriter sw = new StringWriter();
    cl.setOut(new PrintWriter(sw));
    int exit = cl.execute(args);
    return new Run(exit, sw.toString());
  }

  String fs() {
    return fs(bucketDir);
  }

  static String fs(Path dir) {
    return "--objstore.config=type: FILESYSTEM\nconfig:\n  directory: " + dir + "\n";
  }

  Meta upload(Map<String, String> labels, long fromH, long toH) {
    return BucketBlocks.upload(
        bkt, tmp.resolve("up"), labels, series, T0 + fromH * H, T0 + toH * H);
  }

  @Test
  void lsPrintsIdsWideJsonAndTemplates() throws Exception {
    Meta a = upload(EXT, 0, 2);
    Meta b = upload(Map.of("cluster", "eu2"), 2, 4);
    Blocks.markForDeletion(bkt, b.ulid(), "test", Clock.systemUTC());

    assertThat(run("bucket", "ls", fs()).out().lines().toList())
        .containsExactly(a.ulid().toString(), b.ulid().toString());
    assertThat(run("bucket", "ls", fs(), "--exclude-delete").out().lines().toList())
        .containsExactly(a.ulid().toString());
    String wide = run("bucket", "ls", fs(), "-o", "wide").out().lines().findFirst().orElseThrow();
    assertThat(wide)
        .startsWith(a.ulid() + " -- ")
        .contains(" Diff: 2h0m0s, Compaction: 1, Downsample: 0, Source: sidecar");
    String json = run("bucket", "ls", fs(), "-o", "json", "--exclude-delete").out();
    JsonNode n = JSON.readTree(json);
    assertThat(n.path("ulid").asText()).isEqualTo(a.ulid().toString());
    assertThat(json).contains("\t\"thanos\": {");
    assertThat(
            run(
                    "bucket",
                    "ls",
                    fs(),
                    "-o",
                    "{{.ULID}} {{.Thanos.Labels}} {{index .Thanos.Labels \"cluster\"}}"
                        + " {{.Compaction.Level}} {{len .Compaction.Sources}} {{.MinTime | printf \"%d\"}}")
                .out()
                .lines()
                .toList())
        .containsExactly(
            a.ulid() + " map[cluster:eu1] eu1 1 1 " + (T0),
            b.ulid() + " map[cluster:eu2] eu2 1 1 " + (T0 + 2 * H));
    assertThat(run("bucket", "ls", fs(), "-o", "{{.Nope}}").exit()).isEqualTo(1);
    assertThat(run("bucket", "ls", fs(), "-o", "{{ nope }}").exit()).isEqualTo(1);
  }

  @Test
  void inspectPrintsThanosColumnsAsTableCsvAndTsv() throws Exception {
    Meta a = upload(EXT, 2, 4);
    Meta b = upload(Map.of("cluster", "eu2", "zone", "a"), 0, 2);
    Run table = run("bucket", "inspect", fs());
    assertThat(table.exit()).isZero();
    List<String> lines = table.out().lines().toList();
    assertThat(lines.get(0))
        .contains("ULID")
        .contains("UNTIL-DOWN")
        .contains("#SAMPLES")
        .contains("COMP-FAILED")
        .contains("RESOLUTION")
        .startsWith("|")
        .endsWith("|");
    assertThat(lines.get(1)).matches("\\|[-|]+\\|");
    // Sorted by FROM: b first.
    assertThat(lines.get(2)).startsWith("| " + b.ulid());
    assertThat(lines.get(2))
        .contains("| 2h0m0s ")
        .contains("| 38h0m0s ")
        .contains("cluster=eu2,zone=a");
    assertThat(lines).hasSize(4);

    Run csv = run("bucket", "inspect", fs(), "--output=csv", "-l", "cluster=\"eu1\"");
    List<String> rows = csv.out().lines().toList();
    assertThat(rows.get(0))
        .isEqualTo(
            "ULID,FROM,UNTIL,RANGE,UNTIL-DOWN,#SERIES,#SAMPLES,#CHUNKS,COMP-LEVEL,COMP-FAILED,LABELS,RESOLUTION,SOURCE");
    assertThat(rows).hasSize(2);
    String[] f = rows.get(1).split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)");
    assertThat(f[0]).isEqualTo(a.ulid().toString());
    assertThat(f[6])
        .isEqualTo("\"" + BucketToolsTest.thousands(a.block().stats().numSamples()) + "\"");
    assertThat(f[11]).isEqualTo("0s");
    assertThat(f[12]).isEqualTo("sidecar");

    Run tsv = run("bucket", "inspect", fs(), "--output=tsv", "--sort-by=UNTIL", "--sort-by=ULID");
    assertThat(tsv.out().lines().skip(1).map(l -> l.split("\t")[0]).toList())
        .containsExactly(b.ulid().toString(), a.ulid().toString());
    assertThat(run("bucket", "inspect", fs(), "--output=xml").exit()).isEqualTo(1);
    assertThat(run("bucket", "inspect", fs(), "--sort-by=NOPE").exit()).isEqualTo(1);
  }

  static String thousands(long n) {
    return String.format(java.util.Locale.ENGLISH, "%,d", n);
  }

  @Test
  void markWritesAndRemovesMarkers() throws Exception {
    Meta a = upload(EXT, 0, 2);
    String id = "--id=" + a.ulid();
    assertThat(run("bucket", "mark", fs(), id, "--marker=no-compact-mark.json").exit())
        .isEqualTo(1);
    assertThat(
            run("bucket", "mark", fs(), id, "--marker=no-compact-mark.json", "--details=x").exit())
        .isZero();
    NoCompactMark m =
        (NoCompactMark) Blocks.readMarker(bkt, a.ulid(), MarkerType.NO_COMPACT).orElseThrow();
    assertThat(m.reason()).isEqualTo("manual");
    assertThat(m.details()).isEqualTo("x");
    assertThat(
            run("bucket", "mark", fs(), id, "--marker=no-downsample-mark.json", "--details=y")
                .exit())
        .isZero();
    assertThat(run("bucket", "mark", fs(), id, "--marker=deletion-mark.json", "--details=z").exit())
        .isZero();
    assertThat(Blocks.readMarker(bkt, a.ulid(), MarkerType.DELETION)).isPresent();
    assertThat(run("bucket", "mark", fs(), id, "--marker=no-compact-mark.json", "--remove").exit())
        .isZero();
    assertThat(Blocks.readMarker(bkt, a.ulid(), MarkerType.NO_COMPACT)).isEmpty();
    assertThat(
            run("bucket", "mark", fs(), "--id=bad", "--marker=deletion-mark.json", "--details=z")
                .exit())
        .isEqualTo(1);
    assertThat(run("bucket", "mark", fs(), id, "--marker=other.json", "--details=z").exit())
        .isEqualTo(1);
  }

  @Test
  void cleanupDeletesMarkedBlocksAfterTheDelayAndOldPartialUploads() throws Exception {
    Meta a = upload(EXT, 0, 2);
    Meta b = upload(EXT, 2, 4);
    Meta c = upload(EXT, 4, 6);
    Blocks.markForDeletion(
        bkt, a.ulid(), "old", Clock.fixed(Instant.now().minusSeconds(3 * 86400), ZoneOffset.UTC));
    Blocks.markForDeletion(bkt, b.ulid(), "new", Clock.systemUTC());
    Ulid old =
        new UlidGenerator(
                Clock.fixed(Instant.now().minusSeconds(50 * 3600), ZoneOffset.UTC), new Random(2))
            .next();
    bkt.upload(old + "/index", new byte[] {1});
    assertThat(run("bucket", "cleanup", fs()).exit()).isZero();
    assertThat(BucketBlocks.blockIds(bkt)).containsExactly(b.ulid(), c.ulid());
    assertThat(run("bucket", "cleanup", fs(), "--delete-delay=0s").exit()).isZero();
    assertThat(BucketBlocks.blockIds(bkt)).containsExactly(c.ulid());
  }

  @Test
  void retentionMarksBlocksPastTheirResolutionsRetention() throws Exception {
    Meta a = upload(EXT, 0, 2);
    // Blocks from 2023: a retention of 10d (raw) marks them; 0d keeps them.
    assertThat(run("bucket", "retention", fs()).exit()).isZero();
    assertThat(Blocks.readMarker(bkt, a.ulid(), MarkerType.DELETION)).isEmpty();
    assertThat(run("bucket", "retention", fs(), "--retention.resolution-raw=10d").exit()).isZero();
    assertThat(Blocks.readMarker(bkt, a.ulid(), MarkerType.DELETION)).isPresent();
  }

  /** A block claiming [min, max) whose data reaches beyond max (an unhealthy index). */
  Meta broken(long fromH, long toH, long dataToH) {
    return BucketBlocks.upload(
        bkt,
        tmp.resolve("up"),
        EXT,
        BucketBlocks.slice(series, T0 + fromH * H, T0 + dataToH * H),
        T0 + fromH * H,
        T0 + toH * H,
        Sources.SIDECAR);
  }

  @Test
  void verifyFindsOverlapsAndRepairsIndexIssuesAndDuplicates() throws Exception {
    Meta good = upload(EXT, 0, 2);
    Meta bad = broken(2, 4, 8);
    Path backupDir = tmp.resolve("backup");
    String backup = "--objstore-backup.config=type: FILESYSTEM\nconfig:\n  directory: " + backupDir;

    VerifyCommand v = new VerifyCommand();
    CommandLine cl = ComponentMain.commandLine(v);
    assertThat(cl.execute(fs())).isZero();
    assertThat(v.report.found().get("index_known_issues"))
        .hasSize(1)
        .first()
        .asString()
        .startsWith(bad.ulid().toString());
    assertThat(v.report.found().get("index_known_issues").get(0))
        .contains("completely outside the block time range");
    assertThat(v.report.found().get("overlapped_blocks")).isEmpty();
    assertThat(v.report.repaired().get("index_known_issues")).isEmpty();

    // Repair needs a backup bucket.
    assertThat(run("bucket", "verify", fs(), "--repair").exit()).isEqualTo(1);
    v = new VerifyCommand();
    assertThat(ComponentMain.commandLine(v).execute(fs(), backup, "-r", "-i", "index_known_issues"))
        .isZero();
    assertThat(v.report.repaired().get("index_known_issues")).hasSize(1);
    var live = BucketBlocks.live(bkt);
    assertThat(live).doesNotContainKey(bad.ulid()).containsKey(good.ulid()).hasSize(2);
    Meta repaired =
        live.values().stream().filter(m -> !m.ulid().equals(good.ulid())).findFirst().orElseThrow();
    assertThat(repaired.thanos().source()).isEqualTo(Sources.BUCKET_REPAIR);
    assertThat(repaired.minTime()).isEqualTo(bad.minTime());
    try (FilesystemBucket b = new FilesystemBucket(backupDir)) {
      assertThat(BucketBlocks.live(b)).containsKey(bad.ulid());
    }
    v = new VerifyCommand();
    assertThat(ComponentMain.commandLine(v).execute(fs())).isZero();
    assertThat(v.report.found().get("index_known_issues")).isEmpty();

    // Duplicated compaction: two blocks with the same range, level, sources and stats.
    Path dl = tmp.resolve("dup");
    Blocks.download(bkt, good.ulid(), dl.resolve(good.ulid().toString()));
    Ulid copy = UlidGenerator.defaultGenerator().next();
    Path copyDir = dl.resolve(copy.toString());
    Files.createDirectories(copyDir);
    Files.walk(dl.resolve(good.ulid().toString()))
        .filter(Files::isRegularFile)
        .forEach(
            p -> {
              try {
                Path t =
                    copyDir.resolve(dl.resolve(good.ulid().toString()).relativize(p).toString());
                Files.createDirectories(t.getParent());
                Files.copy(p, t);
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    Meta gm = Meta.read(copyDir);
    BlockMeta bm = gm.block();
    new Meta(
            new BlockMeta(copy, bm.minTime(), bm.maxTime(), bm.stats(), bm.compaction(), 1, null),
            gm.thanos())
        .write(copyDir);
    Blocks.upload(bkt, copyDir, Blocks.UploadOptions.DEFAULT);
    v = new VerifyCommand();
    assertThat(
            ComponentMain.commandLine(v)
                .execute(fs(), "-i", "overlapped_blocks", "-i", "duplicated_compaction"))
        .isZero();
    assertThat(v.report.found().get("overlapped_blocks")).hasSize(1);
    assertThat(v.report.found().get("duplicated_compaction")).containsExactly(copy.toString());
    v = new VerifyCommand();
    assertThat(
            ComponentMain.commandLine(v).execute(fs(), backup, "-r", "-i", "duplicated_compaction"))
        .isZero();
    assertThat(BucketBlocks.live(bkt)).doesNotContainKey(copy).containsKey(good.ulid());
    assertThat(run("bucket", "verify", fs(), "-i", "nonsense").exit()).isEqualTo(1);
  }

  @Test
  void rewriteDeletesAndRelabelsSeriesDryRunByDefault() throws Exception {
    Meta a = upload(EXT, 0, 2);
    String del =
        "--rewrite.to-delete-config=- matchers: '{__name__=\"temperature_celsius\"}'\n"
            + "- matchers: '{__name__=\"http_requests_total\", method=\"POST\"}'\n"
            + "  intervals:\n"
            + "  - mint: "
            + T0
            + "\n    maxt: "
            + (T0 + H - 1)
            + "\n";
    String relabel =
        "--rewrite.to-relabel-config=- action: replace\n"
            + "  source_labels: [job]\n"
            + "  regex: api\n"
            + "  target_label: job\n"
            + "  replacement: gateway\n";
    ByteArrayOutputStream changes = new ByteArrayOutputStream();
    RewriteCommand dry = new RewriteCommand();
    dry.changes = new PrintStream(changes, true);
    assertThat(
            ComponentMain.commandLine(dry)
                .execute(fs(), "--id=" + a.ulid(), del, relabel, "--tmp.dir=" + tmp.resolve("rw")))
        .isZero();
    assertThat(BucketBlocks.live(bkt)).hasSize(1);
    String log = changes.toString();
    assertThat(log).contains("Relabelled {__name__=\"load_ratio\", instance=");
    assertThat(log).contains("Deleted {__name__=\"temperature_celsius\"");
    assertThat(log).contains("[{" + T0 + " " + (T0 + H - 1) + "}]");

    RewriteCommand real = new RewriteCommand();
    real.changes = new PrintStream(new ByteArrayOutputStream());
    assertThat(
            ComponentMain.commandLine(real)
                .execute(
                    fs(),
                    "--id=" + a.ulid(),
                    del,
                    relabel,
                    "--no-dry-run",
                    "--delete-blocks",
                    "--tmp.dir=" + tmp.resolve("rw")))
        .isZero();
    var live = BucketBlocks.live(bkt);
    assertThat(live).hasSize(1).doesNotContainKey(a.ulid());
    Meta r = live.firstEntry().getValue();
    assertThat(r.thanos().source()).isEqualTo(Sources.BUCKET_REWRITE);
    assertThat(r.block().compaction().sources()).containsExactly(r.ulid());
    assertThat(r.thanos().rewrites()).hasSize(1);
    assertThat(r.thanos().rewrites().get(0).sources()).containsExactly(a.ulid());
    assertThat(r.thanos().rewrites().get(0).deletionsApplied()).hasSize(2);
    assertThat(r.thanos().rewrites().get(0).relabelsApplied().get(0).path("action").asText())
        .isEqualTo("replace");
    String metaJson = new String(bkt.readAllBytes(r.ulid() + "/meta.json"));
    assertThat(metaJson).contains("\"Name\": \"__name__\"").contains("\"Mint\": " + T0);

    var content = BucketBlocks.read(bkt, tmp.resolve("read"), 0, EXT);
    for (Labels l : content.series().keySet()) {
      assertThat(l.get("job")).isEqualTo("gateway");
      assertThat(l.metricName()).isNotEqualTo("temperature_celsius");
    }
    long expected = 0;
    for (TestSeries s : BucketBlocks.slice(series, T0, T0 + 2 * H)) {
      if (s.labels().metricName().equals("temperature_celsius")) {
        continue;
      }
      if (s.labels().metricName().equals("http_requests_total")
          && s.labels().get("method").equals("POST")) {
        expected += s.slice(T0 + H, T0 + 2 * H).size();
      } else {
        expected += s.size();
      }
    }
    assertThat(content.samples()).isEqualTo(expected);
    assertThat(Blocks.readMarker(bkt, a.ulid(), MarkerType.DELETION)).isPresent();
    assertThat(run("bucket", "rewrite", fs(), "--id=" + a.ulid()).exit()).isEqualTo(1);
  }

  @Test
  void replicateCopiesFilteredBlocksOnce() throws Exception {
    Meta a = upload(EXT, 0, 2);
    Meta b = upload(Map.of("cluster", "eu2"), 0, 2);
    Path toDir = tmp.resolve("to");
    String to = "--objstore-to.config=type: FILESYSTEM\nconfig:\n  directory: " + toDir;
    String[] args = {
      "bucket",
      "replicate",
      fs(),
      to,
      "--single-run",
      "--matcher=cluster=\"eu1\"",
      "--http-address=127.0.0.1:0",
      "--http-grace-period=0s"
    };
    assertThat(run(args).exit()).isZero();
    try (FilesystemBucket t = new FilesystemBucket(toDir)) {
      assertThat(BucketBlocks.live(t)).containsOnlyKeys(a.ulid());
      assertThat(t.readAllBytes(a.ulid() + "/meta.json"))
          .isEqualTo(bkt.readAllBytes(a.ulid() + "/meta.json"));
      assertThat(run(args).exit()).isZero();
      assertThat(BucketBlocks.live(t)).containsOnlyKeys(a.ulid());
      String[] byId = {
        "bucket",
        "replicate",
        fs(),
        to,
        "--id=" + b.ulid(),
        "--http-address=127.0.0.1:0",
        "--http-grace-period=0s"
      };
      assertThat(run(byId).exit()).isZero();
      assertThat(BucketBlocks.live(t)).containsOnlyKeys(a.ulid(), b.ulid());
      assertThat(
              run(
                      "bucket",
                      "replicate",
                      fs(),
                      to,
                      "--single-run",
                      "--resolution=5m",
                      "--http-address=127.0.0.1:0",
                      "--http-grace-period=0s")
                  .exit())
          .isZero();
    }
  }

  @Test
  void uploadBlocksShipsLevelOneBlocksWithLabels() throws Exception {
    Path data = tmp.resolve("prom");
    Files.createDirectories(data);
    BlockMeta l1 =
        BlockFixtures.writeBlock(
            BlockWriter.builder(data).timeRange(T0, T0 + 2 * H),
            BucketBlocks.slice(series, T0, T0 + 2 * H));
    BlockMeta l2 =
        BlockFixtures.writeBlock(
            BlockWriter.builder(data).timeRange(T0 + 2 * H, T0 + 4 * H).level(2),
            BucketBlocks.slice(series, T0 + 2 * H, T0 + 4 * H));
    String[] args = {
      "bucket",
      "upload-blocks",
      fs(),
      "--path=" + data,
      "--label=cluster=\"eu1\"",
      "--label=replica=\"r1\""
    };
    assertThat(run("bucket", "upload-blocks", fs(), "--path=" + data).exit()).isEqualTo(1);
    assertThat(run(args).exit()).isZero();
    var live = BucketBlocks.live(bkt);
    assertThat(live).containsOnlyKeys(l1.ulid());
    Meta m = live.get(l1.ulid());
    assertThat(m.labels()).isEqualTo(Map.of("cluster", "eu1", "replica", "r1"));
    assertThat(m.thanos().source()).isEqualTo(Sources.BUCKET_UPLOAD);
    assertThat(Files.readString(data.resolve("thanos.shipper.json")))
        .contains(l1.ulid().toString());
    // Nothing new: a second run uploads nothing and the local block is unchanged.
    assertThat(run(args).exit()).isZero();
    assertThat(BucketBlocks.live(bkt)).hasSize(1);
    assertThat(BlockMeta.read(data.resolve(l1.ulid().toString())).extension("thanos")).isEmpty();
    assertThat(l2.compaction().level()).isEqualTo(2);
  }
}
