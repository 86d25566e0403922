package io.jthanos.block.compact;

import static io.jthanos.block.compact.testing.BucketBlocks.H;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.block.Blocks;
import io.jthanos.block.compact.testing.BucketBlocks;
import io.jthanos.block.compact.testing.MutableClock;
import io.jthanos.block.metadata.MarkerType;
import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.NoCompactMark;
import io.jthanos.block.metadata.Sources;
import io.jthanos.objstore.filesystem.FilesystemBucket;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.block.UlidGenerator;
import io.jthanos.tsdb.testing.SyntheticData;
import io.jthanos.tsdb.testing.TestSeries;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactorJobTest {
  /** 2023-12-21T00:00:00Z, aligned to 14 days. */
  static final long T0 = 1_703_116_800_000L;

  static final Map<String, String> EXT = Map.of("cluster", "eu1");

  @TempDir Path tmp;
  FilesystemBucket bkt;
  MutableClock clock;
  SimpleMeterRegistry reg;
  CompactorMetrics metrics;

  @BeforeEach
  void setUp() throws Exception {
    bkt = new FilesystemBucket(tmp.resolve("bucket"));
    clock = new MutableClock(Instant.now());
    reg = new SimpleMeterRegistry();
  }

  CompactorJob job(CompactorJob.Config cfg) throws Exception {
    metrics = new CompactorMetrics(reg, cfg.deleteDelay());
    return new CompactorJob(bkt, cfg, metrics, reg, clock);
  }

  CompactorJob.Config cfg() {
    return CompactorJob.Config.defaults(tmp.resolve("data"))
        .withDelays(Duration.ofMinutes(30), Duration.ZERO);
  }

  double counter(String name, String... tags) {
    var c = reg.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  static List<TestSeries> data(long seed, long start, int hours, long interval) {
    return new SyntheticData(seed)
        .start(start)
        .interval(interval)
        .gaps(0)
        .mix(2, (int) (hours * H / interval));
  }

  void uploadTwoHourBlocks(Map<String, String> labels, List<TestSeries> series, int count) {
    for (int i = 0; i < count; i++) {
      BucketBlocks.upload(
          bkt, tmp.resolve("up"), labels, series, T0 + i * 2 * H, T0 + (i + 1) * 2 * H);
    }
  }

  @Test
  void compactsTwoHourBlocksAndKeepsEverySampleOnce() throws Exception {
    List<TestSeries> series = data(1, T0, 24, 60_000);
    uploadTwoHourBlocks(EXT, series, 12);
    CompactorJob job = job(cfg());
    job.iteration();

    var live = BucketBlocks.live(bkt);
    // [0,8h) and [8h,16h) are full 8h windows; 16h-24h waits for later blocks.
    assertThat(
            live.values().stream()
                .sorted(java.util.Comparator.comparingLong(Meta::minTime))
                .map(m -> (m.maxTime() - m.minTime()) / H)
                .toList())
        .containsExactly(8L, 8L, 2L, 2L, 2L, 2L);
    Meta c =
        live.values().stream().min(java.util.Comparator.comparingLong(Meta::minTime)).orElseThrow();
    assertThat(c.thanos().source()).isEqualTo(Sources.COMPACTOR);
    assertThat(c.labels()).isEqualTo(EXT);
    assertThat(c.block().compaction().level()).isEqualTo(2);
    assertThat(c.block().compaction().sources()).hasSize(4);
    assertThat(c.block().compaction().parents()).hasSize(4);
    assertThat(c.thanos().segmentFiles()).containsExactly("000001");
    assertThat(c.thanos().indexStats().seriesMaxSize()).isPositive();
    assertThat(c.thanos().files()).isNotEmpty();

    var content = BucketBlocks.read(bkt, tmp.resolve("read"), 0, EXT);
    assertThat(content.doubled()).isZero();
    assertThat(content.samples()).isEqualTo(BucketBlocks.samples(series));
    assertThat(content.series()).isEqualTo(BucketBlocks.byLabels(series));

    assertThat(counter("thanos_compact_group_compactions", "resolution", "0")).isEqualTo(2);
    assertThat(counter("thanos_compact_group_compaction_runs_started", "resolution", "0"))
        .isEqualTo(3);
    assertThat(counter("thanos_compact_group_compaction_runs_completed", "resolution", "0"))
        .isEqualTo(3);
    assertThat(counter("thanos_compact_group_vertical_compactions", "resolution", "0")).isZero();
    assertThat(counter("thanos_compact_garbage_collected_blocks")).isEqualTo(8);
    assertThat(counter("thanos_compact_blocks_marked", "marker", "deletion-mark.json"))
        .isEqualTo(8);
    // With --delete-delay=0 the iteration's clean-up already deleted the eight sources.
    assertThat(BucketBlocks.blockIds(bkt)).hasSize(6);
    assertThat(counter("thanos_compact_blocks_cleaned")).isEqualTo(8);
    assertThat(tmp.resolve("data").resolve("compact")).doesNotExist();
  }

  @Test
  void interruptedCompactionIsFinishedByGarbageCollection() throws Exception {
    List<TestSeries> series = data(2, T0, 10, 60_000);
    uploadTwoHourBlocks(EXT, series, 5);
    var before = BucketBlocks.live(bkt);
    // A compacted block was uploaded, but the compactor died before marking its sources.
    List<Meta> first4 = new ArrayList<>(before.values()).subList(0, 4);
    Path work = tmp.resolve("manual");
    List<Path> dirs = new ArrayList<>();
    for (Meta m : first4) {
      dirs.add(work.resolve(m.ulid().toString()));
      Blocks.download(bkt, m.ulid(), dirs.get(dirs.size() - 1));
    }
    var r = new io.jthanos.tsdb.compact.Compactor().compact(work.resolve("out"), dirs);
    Path out = work.resolve("out").resolve(r.meta().orElseThrow().ulid().toString());
    new Meta(r.meta().get(), io.jthanos.block.metadata.ThanosMeta.of(EXT, 0, Sources.COMPACTOR))
        .write(out);
    java.nio.file.Files.deleteIfExists(out.resolve("tombstones"));
    Blocks.upload(bkt, out, Blocks.UploadOptions.DEFAULT);

    job(cfg()).iteration();
    assertThat(counter("thanos_compact_garbage_collected_blocks")).isEqualTo(4);
    var content = BucketBlocks.read(bkt, tmp.resolve("read"), 0, EXT);
    assertThat(content.doubled()).isZero();
    assertThat(content.samples()).isEqualTo(BucketBlocks.samples(series));
  }

  @Test
  void overlappingBlocksHaltWithoutVerticalCompaction() throws Exception {
    List<TestSeries> series = data(3, T0, 4, 60_000);
    BucketBlocks.upload(bkt, tmp.resolve("up"), EXT, series, T0, T0 + 2 * H);
    BucketBlocks.upload(bkt, tmp.resolve("up"), EXT, series, T0 + H, T0 + 3 * H);
    CompactorJob job = job(cfg());
    assertThatThrownBy(job::iteration)
        .satisfies(e -> assertThat(CompactionErrors.isHalt(e)).isTrue())
        .hasMessageContaining("pre compaction overlap check");
    // Vertical compaction merges them instead.
    CompactorJob vertical = job(cfg().withVerticalCompaction(true));
    vertical.iteration();
    var live = BucketBlocks.live(bkt);
    assertThat(live).hasSize(1);
    assertThat(counter("thanos_compact_group_vertical_compactions", "resolution", "0"))
        .isEqualTo(1);
    var content = BucketBlocks.read(bkt, tmp.resolve("read"), 0, EXT);
    assertThat(content.samples())
        .isEqualTo(BucketBlocks.samples(BucketBlocks.slice(series, T0, T0 + 3 * H)));
  }

  static List<TestSeries> shifted(List<TestSeries> a, long shiftMs, double valueDelta) {
    List<TestSeries> out = new ArrayList<>();
    for (TestSeries s : a) {
      long[] ts = s.ts().clone();
      double[] vs = new double[ts.length];
      for (int i = 0; i < ts.length; i++) {
        ts[i] += shiftMs;
        vs[i] = s.value(i) + valueDelta;
      }
      out.add(TestSeries.of(s.labels(), ts, vs));
    }
    return out;
  }

  @Test
  void replicaLabelDeduplicationKeepsOneCopyWithThePenaltyMerger() throws Exception {
    List<TestSeries> a = data(4, T0, 24, 30_000);
    List<TestSeries> b = shifted(a, 3_000, 0.5);
    uploadTwoHourBlocks(Map.of("cluster", "eu1", "replica", "a"), a, 12);
    uploadTwoHourBlocks(Map.of("cluster", "eu1", "replica", "b"), b, 12);
    job(cfg().withReplicaLabels(List.of("replica"), "penalty")).iteration();
    var live = BucketBlocks.live(bkt);
    assertThat(live.values()).allSatisfy(m -> assertThat(m.labels()).isEqualTo(EXT));
    var content = BucketBlocks.read(bkt, tmp.resolve("read"), 0, null);
    assertThat(content.doubled()).isZero();
    // One copy: replica a's samples exactly (b trails by 3s, under the 5s initial penalty).
    assertThat(content.series())
        .isEqualTo(BucketBlocks.byLabels(BucketBlocks.slice(a, T0, T0 + 24 * H)));
    assertThat(counter("thanos_compact_group_vertical_compactions", "resolution", "0"))
        .isGreaterThanOrEqualTo(12);
  }

  @Test
  void oneToOneDeduplicationKeepsOnlyExactDuplicatesOnce() throws Exception {
    List<TestSeries> a = data(5, T0, 6, 60_000);
    uploadTwoHourBlocks(Map.of("cluster", "eu1", "replica", "a"), a, 3);
    uploadTwoHourBlocks(Map.of("cluster", "eu1", "replica", "b"), a, 3);
    job(cfg().withReplicaLabels(List.of("replica"), "")).iteration();
    var content = BucketBlocks.read(bkt, tmp.resolve("read"), 0, EXT);
    assertThat(content.doubled()).isZero();
    assertThat(content.series()).isEqualTo(BucketBlocks.byLabels(a));
  }

  @Test
  void downsamplesRawBlocksOfFortyHoursAndFiveMinuteBlocksOfTenDays() throws Exception {
    List<TestSeries> series = data(6, T0, 240, 300_000);
    BucketBlocks.upload(bkt, tmp.resolve("up"), EXT, series, T0, T0 + 240 * H);
    List<TestSeries> small = data(7, T0, 24, 300_000);
    Map<String, String> other = Map.of("cluster", "eu2");
    BucketBlocks.upload(bkt, tmp.resolve("up"), other, small, T0, T0 + 24 * H);
    job(cfg()).iteration();
    var live = BucketBlocks.live(bkt);
    assertThat(live.values().stream().filter(m -> m.labels().equals(EXT)).map(Meta::resolution))
        .containsExactlyInAnyOrder(0L, 300_000L, 3_600_000L);
    // 24h is below the 40h range: no 5m block.
    assertThat(live.values().stream().filter(m -> m.labels().equals(other)).map(Meta::resolution))
        .containsExactly(0L);
    for (Meta m : live.values()) {
      if (m.resolution() > 0) {
        assertThat(m.minTime()).isEqualTo(T0);
        assertThat(m.maxTime()).isEqualTo(T0 + 240 * H);
        assertThat(m.thanos().source()).isEqualTo(Sources.COMPACTOR);
      }
    }
    assertThat(counter("thanos_compact_downsample", "resolution", "0")).isEqualTo(1);
    assertThat(counter("thanos_compact_downsample", "resolution", "300000")).isEqualTo(1);
    assertThat(counter("thanos_compact_downsample_failures", "resolution", "0")).isZero();
    // Nothing left to do: a second iteration creates nothing.
    job(cfg()).iteration();
    assertThat(BucketBlocks.live(bkt)).hasSize(4);
  }

  @Test
  void downsamplingCanBeDisabledAndNoDownsampleMarksAreRespected() throws Exception {
    List<TestSeries> series = data(8, T0, 48, 300_000);
    Meta marked = BucketBlocks.upload(bkt, tmp.resolve("up"), EXT, series, T0, T0 + 48 * H);
    Meta free =
        BucketBlocks.upload(
            bkt, tmp.resolve("up"), Map.of("cluster", "eu2"), series, T0, T0 + 48 * H);
    job(cfg().withRetention(Retention.Policy.FOREVER, true)).iteration();
    assertThat(BucketBlocks.live(bkt)).hasSize(2);
    Blocks.markForNoDownsample(bkt, marked.ulid(), "manual", "test", clock);
    job(cfg()).iteration();
    var live = BucketBlocks.live(bkt);
    assertThat(live).hasSize(3);
    assertThat(live.values().stream().filter(m -> m.resolution() == 300_000L).map(Meta::labels))
        .containsExactly(free.labels());
  }

  @Test
  void noCompactMarkedBlocksStayAsTheyAre() throws Exception {
    List<TestSeries> series = data(9, T0, 12, 60_000);
    uploadTwoHourBlocks(EXT, series, 6);
    var ids = new ArrayList<>(BucketBlocks.live(bkt).keySet());
    Blocks.markForNoCompact(bkt, ids.get(1), NoCompactMark.REASON_MANUAL, "test", clock);
    job(cfg()).iteration();
    var live = BucketBlocks.live(bkt);
    assertThat(live).containsKey(ids.get(1));
    // [0,8h) split by the marked block: blocks 3 and 4 compact, block 1 stays alone.
    assertThat(
            live.values().stream()
                .sorted(java.util.Comparator.comparingLong(Meta::minTime))
                .map(m -> (m.maxTime() - m.minTime()) / H)
                .toList())
        .containsExactly(2L, 2L, 4L, 2L, 2L);
  }

  @Test
  void indexSizeLimitMarksBlocksInsteadOfCompactingThem() throws Exception {
    List<TestSeries> series = data(10, T0, 12, 60_000);
    uploadTwoHourBlocks(EXT, series, 6);
    job(cfg().withMaxIndexSize(100)).iteration();
    assertThat(BucketBlocks.live(bkt)).hasSize(6);
    long marked = 0;
    for (Ulid id : BucketBlocks.live(bkt).keySet()) {
      var m = Blocks.readMarker(bkt, id, MarkerType.NO_COMPACT);
      if (m.isPresent()) {
        assertThat(((NoCompactMark) m.get()).reason()).isEqualTo("index-size-exceeding");
        marked++;
      }
    }
    assertThat(marked).isPositive();
    assertThat(
            counter(
                "thanos_compact_blocks_marked",
                "marker",
                "no-compact-mark.json",
                "reason",
                "index-size-exceeding"))
        .isEqualTo(marked);
  }

  @Test
  void blockWithChunksOutsideItsRangeHalts() throws Exception {
    List<TestSeries> series = data(11, T0, 12, 60_000);
    // The first block claims [0,2h) but holds samples up to 3h: an unhealthy index.
    BucketBlocks.upload(
        bkt,
        tmp.resolve("up"),
        EXT,
        BucketBlocks.slice(series, T0, T0 + 3 * H),
        T0,
        T0 + 2 * H,
        Sources.SIDECAR);
    for (int i = 2; i < 6; i++) {
      BucketBlocks.upload(
          bkt, tmp.resolve("up"), EXT, series, T0 + i * 2 * H, T0 + (i + 1) * 2 * H);
    }
    BucketBlocks.upload(bkt, tmp.resolve("up"), EXT, series, T0 + 2 * H, T0 + 4 * H);
    CompactorJob job = job(cfg());
    assertThatThrownBy(job::iteration)
        .satisfies(e -> assertThat(CompactionErrors.isHalt(e)).isTrue())
        .hasMessageContaining("block with not healthy index found")
        .hasMessageContaining("outside the block time range");
    assertThat(counter("thanos_compact_group_compactions_failures", "resolution", "0"))
        .isEqualTo(1);
  }

  @Test
  void blocksYoungerThanTheConsistencyDelayAreNotTouched() throws Exception {
    List<TestSeries> series = data(14, T0, 10, 60_000);
    uploadTwoHourBlocks(EXT, series, 4);
    // The fifth block was just uploaded: with it, [0,8h) would be compacted (the newest block is
    // left out of planning); while it is too fresh the compactor sees four blocks and waits.
    Meta fresh =
        BucketBlocks.upload(
            bkt,
            tmp.resolve("up"),
            EXT,
            BucketBlocks.slice(series, T0 + 8 * H, T0 + 10 * H),
            T0 + 8 * H,
            T0 + 10 * H,
            Sources.SIDECAR,
            clock);
    CompactorJob job = job(cfg());
    job.iteration();
    assertThat(BucketBlocks.live(bkt)).hasSize(5);
    assertThat(counter("thanos_compact_group_compactions", "resolution", "0")).isZero();
    assertThat(reg.find("thanos_blocks_meta_synced").tag("state", "too-fresh").gauge().value())
        .isEqualTo(1);

    clock.advance(Duration.ofMinutes(31));
    job.iteration();
    var live = BucketBlocks.live(bkt);
    assertThat(live).hasSize(2).containsKey(fresh.ulid());
    assertThat(counter("thanos_compact_group_compactions", "resolution", "0")).isEqualTo(1);
    var content = BucketBlocks.read(bkt, tmp.resolve("read"), 0, EXT);
    assertThat(content.doubled()).isZero();
    assertThat(content.series()).isEqualTo(BucketBlocks.byLabels(series));
  }

  @Test
  void partialUploadsAreRemovedOnlyWhenOlderThanTheThreshold() throws Exception {
    List<TestSeries> series = data(12, T0, 2, 60_000);
    Meta young = BucketBlocks.upload(bkt, tmp.resolve("up"), EXT, series, T0, T0 + 2 * H);
    bkt.delete(young.ulid() + "/meta.json");
    Ulid old =
        new UlidGenerator(
                java.time.Clock.fixed(
                    clock.instant().minus(Duration.ofHours(49)), java.time.ZoneOffset.UTC),
                new Random(1))
            .next();
    bkt.upload(old + "/index", new byte[] {1, 2, 3});
    bkt.upload(old + "/chunks/000001", new byte[] {4});
    CompactorJob job = job(cfg().withDelays(Duration.ofHours(1), Duration.ofHours(48)));
    job.cleanup();
    assertThat(BucketBlocks.partial(bkt)).containsExactly(young.ulid());
    assertThat(counter("thanos_compact_aborted_partial_uploads_deletion_attempts")).isEqualTo(1);
    // A consistency delay beyond 48h raises the threshold.
    bkt.upload(old + "/index", new byte[] {1});
    job(cfg().withDelays(Duration.ofHours(50), Duration.ofHours(48))).cleanup();
    assertThat(BucketBlocks.partial(bkt)).contains(old);
  }

  @Test
  void retentionMarksBlocksPerResolution() throws Exception {
    List<TestSeries> series = data(13, T0, 4, 60_000);
    Meta a = BucketBlocks.upload(bkt, tmp.resolve("up"), EXT, series, T0, T0 + 2 * H);
    Meta b = BucketBlocks.upload(bkt, tmp.resolve("up"), EXT, series, T0 + 2 * H, T0 + 4 * H);
    clock.set(Instant.ofEpochMilli(T0 + 4 * H).plus(Duration.ofDays(3)).minusSeconds(3600));
    Retention.Policy p = new Retention.Policy(Duration.ofDays(3), Duration.ZERO, Duration.ZERO);
    assertThat(Retention.expired(List.of(a, b), p, clock)).containsExactly(a);
    CompactorJob job =
        job(cfg().withRetention(p, true).withDelays(Duration.ofMinutes(30), Duration.ofHours(48)));
    job.iteration();
    assertThat(Blocks.readMarker(bkt, a.ulid(), MarkerType.DELETION)).isPresent();
    assertThat(Blocks.readMarker(bkt, b.ulid(), MarkerType.DELETION)).isEmpty();
    assertThat(counter("thanos_compact_blocks_marked", "marker", "deletion-mark.json"))
        .isEqualTo(1);
    assertThatThrownBy(
            () ->
                new Retention.Policy(Duration.ofHours(10), Duration.ZERO, Duration.ZERO)
                    .validate(true))
        .hasMessageContaining("40 hours");
  }

  @Test
  void progressGaugesShowTheBacklog() throws Exception {
    List<TestSeries> series = data(14, T0, 24, 60_000);
    uploadTwoHourBlocks(EXT, series, 12);
    CompactorJob job = job(cfg());
    job.progress();
    assertThat(reg.find("thanos_compact_todo_compactions").gauge().value()).isEqualTo(2);
    assertThat(reg.find("thanos_compact_todo_compaction_blocks").gauge().value()).isEqualTo(8);
    assertThat(reg.find("thanos_compact_todo_downsample_blocks").gauge().value()).isZero();
  }
}
