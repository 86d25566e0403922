package io.jthanos.block.fetcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.block.Blocks;
import io.jthanos.block.metadata.DeletionMark;
import io.jthanos.block.metadata.MarkerType;
import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.NoCompactMark;
import io.jthanos.block.metadata.Sources;
import io.jthanos.block.metadata.ThanosMeta;
import io.jthanos.block.relabel.RelabelConfigs;
import io.jthanos.config.TimeOrDuration;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.ForwardingBucket;
import io.jthanos.objstore.testing.InMemoryBucket;
import io.jthanos.tsdb.block.BlockCompaction;
import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.BlockStats;
import io.jthanos.tsdb.block.Ulid;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetaFetcherTest {
  static final long NOW = Instant.parse("2024-03-10T12:00:00Z").toEpochMilli();
  static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
  static final long HOUR = 3_600_000L;

  final InMemoryBucket bkt = new InMemoryBucket();

  static Ulid ulid(long timeMs, long n) {
    return Ulid.of(timeMs, 0, n);
  }

  static Meta meta(Ulid id, long min, long max, Map<String, String> labels, List<Ulid> sources) {
    BlockMeta b =
        new BlockMeta(
            id,
            min,
            max,
            new BlockStats(1, 1, 0, 1, 1, 0),
            new BlockCompaction(
                sources.size() == 1 ? 1 : 2, sources, false, List.of(), false, List.of()),
            1,
            Map.of());
    return new Meta(b, ThanosMeta.of(labels, 0, Sources.SIDECAR));
  }

  void put(Meta m) throws IOException {
    bkt.upload(m.ulid() + "/meta.json", m.toBytes());
    bkt.upload(m.ulid() + "/index", new byte[] {1});
  }

  MetaFetcher fetcher(MetaFilter... filters) throws IOException {
    return MetaFetcher.builder(bkt).concurrency(4).filters(List.of(filters)).build();
  }

  @Test
  void loadsCompleteBlocksAndReportsPartialAndCorrupted() throws Exception {
    Meta a =
        meta(
            ulid(NOW - 10 * HOUR, 1), 0, HOUR, Map.of("a", "1"), List.of(ulid(NOW - 10 * HOUR, 1)));
    put(a);
    Ulid partial = ulid(NOW - 9 * HOUR, 2);
    bkt.upload(partial + "/chunks/000001", new byte[] {1, 2, 3});
    Ulid corrupted = ulid(NOW - 8 * HOUR, 3);
    bkt.upload(corrupted + "/meta.json", "{\"ulid\": ".getBytes(StandardCharsets.UTF_8));
    bkt.upload("debug/metas/" + a.ulid() + ".json", a.toBytes());
    bkt.upload("not-a-block/file", new byte[] {1});

    for (DiscoveryStrategy s : DiscoveryStrategy.values()) {
      PrometheusMeterRegistry reg = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      MetaFetcher f = MetaFetcher.builder(bkt).strategy(s).registry(reg).build();
      FetchResult r = f.fetch();
      assertThat(r.error()).isNull();
      assertThat(r.metas()).containsOnlyKeys(a.ulid());
      assertThat(r.metas().get(a.ulid())).isEqualTo(a);
      assertThat(r.partial()).containsOnlyKeys(partial, corrupted);
      String scrape = reg.scrape();
      assertThat(scrape)
          .contains("thanos_blocks_meta_syncs_total 1.0")
          .contains("thanos_blocks_meta_sync_failures_total 0.0")
          .contains("thanos_blocks_meta_sync_duration_seconds_bucket{le=\"0.01\"}")
          .contains("thanos_blocks_meta_synced{state=\"loaded\"} 1.0")
          .contains("thanos_blocks_meta_synced{state=\"no-meta-json\"} 1.0")
          .contains("thanos_blocks_meta_synced{state=\"corrupted-meta-json\"} 1.0")
          .contains("thanos_blocks_meta_synced{state=\"failed\"} 0.0")
          .contains("thanos_blocks_meta_synced{state=\"marked-for-no-compact\"} 0.0")
          .contains("thanos_blocks_meta_modified{modified=\"replica-label-removed\"} 0.0")
          .contains("thanos_blocks_meta_base_syncs_total 1.0");
    }
  }

  @Test
  void bucketErrorsGiveAnIncompleteViewOrAFailure() throws Exception {
    Meta a = meta(ulid(NOW, 1), 0, HOUR, Map.of("a", "1"), List.of(ulid(NOW, 1)));
    Meta b = meta(ulid(NOW, 2), 0, HOUR, Map.of("a", "1"), List.of(ulid(NOW, 2)));
    put(a);
    put(b);
    Bucket flaky =
        new ForwardingBucket(bkt) {
          @Override
          public InputStream get(String name) throws IOException {
            if (name.startsWith(b.ulid().toString())) {
              throw new IOException("injected");
            }
            return super.get(name);
          }
        };
    PrometheusMeterRegistry reg = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MetaFetcher f = MetaFetcher.builder(flaky).registry(reg).build();
    FetchResult r = f.fetch();
    assertThat(r.error()).hasMessageContaining("incomplete view");
    assertThat(r.metas()).containsOnlyKeys(a.ulid());
    assertThatThrownBy(r::metasOrThrow).isInstanceOf(IOException.class);
    assertThat(reg.scrape())
        .contains("thanos_blocks_meta_synced{state=\"failed\"} 1.0")
        .contains("thanos_blocks_meta_sync_failures_total 1.0");

    Bucket broken =
        new ForwardingBucket(bkt) {
          @Override
          public io.jthanos.objstore.NameIterator iter(String dir, boolean recursive)
              throws IOException {
            throw new IOException("listing refused");
          }
        };
    assertThatThrownBy(() -> MetaFetcher.builder(broken).build().fetch())
        .hasMessageContaining("iter bucket");
  }

  @Test
  void consistencyDelayUsesUploadTimeElseUlidTime() throws Exception {
    Meta oldUlid = meta(ulid(NOW - 2 * HOUR, 1), 0, HOUR, Map.of("a", "1"), List.of(ulid(0, 1)));
    Meta freshUlid = meta(ulid(NOW - 60_000, 2), 0, HOUR, Map.of("a", "1"), List.of(ulid(0, 2)));
    Meta freshUpload =
        meta(ulid(NOW - 5 * HOUR, 3), 0, HOUR, Map.of("a", "1"), List.of(ulid(0, 3)))
            .withThanos(
                ThanosMeta.of(Map.of("a", "1"), 0, Sources.SIDECAR)
                    .withUploadTime(Instant.ofEpochMilli(NOW - 60_000)));
    Meta freshCompacted =
        meta(ulid(NOW - 60_000, 4), 0, HOUR, Map.of("a", "1"), List.of(ulid(0, 4)))
            .withThanos(ThanosMeta.of(Map.of("a", "1"), 0, Sources.COMPACTOR));
    for (Meta m : List.of(oldUlid, freshUlid, freshUpload, freshCompacted)) {
      put(m);
    }
    PrometheusMeterRegistry reg = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MetaFetcher f =
        MetaFetcher.builder(bkt)
            .registry(reg)
            .filters(List.of(new ConsistencyDelayFilter(Duration.ofMinutes(30), CLOCK, reg)))
            .build();
    assertThat(f.fetch().metas()).containsOnlyKeys(oldUlid.ulid(), freshCompacted.ulid());
    assertThat(reg.scrape())
        .contains("thanos_blocks_meta_synced{state=\"too-fresh\"} 2.0")
        .contains("thanos_consistency_delay_seconds 1800.0");
  }

  @Test
  void deletionMarksHideBlocksAfterTheDelay() throws Exception {
    long nowSec = NOW / 1000;
    Meta old = meta(ulid(0, 1), 0, HOUR, Map.of("a", "1"), List.of(ulid(0, 1)));
    Meta recent = meta(ulid(0, 2), 0, HOUR, Map.of("a", "1"), List.of(ulid(0, 2)));
    Meta unmarked = meta(ulid(0, 3), 0, HOUR, Map.of("a", "1"), List.of(ulid(0, 3)));
    Meta partialMark = meta(ulid(0, 4), 0, HOUR, Map.of("a", "1"), List.of(ulid(0, 4)));
    for (Meta m : List.of(old, recent, unmarked, partialMark)) {
      put(m);
    }
    Blocks.mark(bkt, DeletionMark.of(old.ulid(), "", nowSec - 25 * 3600));
    Blocks.mark(bkt, DeletionMark.of(recent.ulid(), "", nowSec - 3600));
    bkt.upload(
        MarkerType.DELETION.objectName(partialMark.ulid()),
        "{\"id\":".getBytes(StandardCharsets.UTF_8));
    IgnoreDeletionMarkFilter del =
        new IgnoreDeletionMarkFilter(bkt, Duration.ofHours(24), 4, CLOCK);
    MetaFetcher f = fetcher(del);
    FetchResult r = f.fetch();
    assertThat(r.metas()).containsOnlyKeys(recent.ulid(), unmarked.ulid(), partialMark.ulid());
    assertThat(del.deletionMarkBlocks()).containsOnlyKeys(old.ulid(), recent.ulid());
    assertThat(f.metrics().synced().published(SyncedStates.MARKED_FOR_DELETION)).isEqualTo(1);

    // A zero delay hides every marked block.
    MetaFetcher zero = fetcher(new IgnoreDeletionMarkFilter(bkt, Duration.ZERO, 4, CLOCK));
    assertThat(zero.fetch().metas()).containsOnlyKeys(unmarked.ulid(), partialMark.ulid());
  }

  @Test
  void timePartitionWithAbsoluteAndRelativeBounds() throws Exception {
    Meta old =
        meta(
            ulid(0, 1),
            NOW - 30 * 24 * HOUR,
            NOW - 29 * 24 * HOUR,
            Map.of("a", "1"),
            List.of(ulid(0, 1)));
    Meta recent = meta(ulid(0, 2), NOW - 2 * HOUR, NOW, Map.of("a", "1"), List.of(ulid(0, 2)));
    Meta edge =
        meta(
            ulid(0, 3),
            NOW - 15 * 24 * HOUR,
            NOW - 14 * 24 * HOUR,
            Map.of("a", "1"),
            List.of(ulid(0, 3)));
    for (Meta m : List.of(old, recent, edge)) {
      put(m);
    }
    MetaFetcher f =
        fetcher(new TimePartitionFilter(TimeOrDuration.parse("-2w"), TimeOrDuration.MAX, CLOCK));
    assertThat(f.fetch().metas()).containsOnlyKeys(recent.ulid(), edge.ulid());
    assertThat(f.metrics().synced().published(SyncedStates.TIME_EXCLUDED)).isEqualTo(1);

    MetaFetcher abs =
        fetcher(
            new TimePartitionFilter(
                TimeOrDuration.MIN,
                TimeOrDuration.at(Instant.ofEpochMilli(NOW - 29 * 24 * HOUR)),
                CLOCK));
    assertThat(abs.fetch().metas()).containsOnlyKeys(old.ulid());
  }

  @Test
  void relabelSelectorAndHashmodShardingOnBlockId() throws Exception {
    List<Ulid> ids = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      Ulid id = ulid(NOW - i * HOUR, i);
      ids.add(id);
      put(meta(id, 0, HOUR, Map.of("cluster", i % 2 == 0 ? "eu" : "us"), List.of(id)));
    }
    MetaFetcher eu =
        fetcher(
            new LabelShardedFilter(
                RelabelConfigs.parse(
                    "- {source_labels: [cluster], regex: eu, action: keep}",
                    RelabelConfigs.SELECTOR_ACTIONS,
                    "selector")));
    assertThat(eu.fetch().metas()).hasSize(15);
    assertThat(eu.metrics().synced().published(SyncedStates.LABEL_EXCLUDED)).isEqualTo(15);

    Set<Ulid> union = new HashSet<>();
    int total = 0;
    for (int shard = 0; shard < 3; shard++) {
      String yaml =
          "- source_labels: [__block_id]\n  target_label: shard\n  modulus: 3\n  action: hashmod\n"
              + "- source_labels: [shard]\n  regex: '"
              + shard
              + "'\n  action: keep\n";
      MetaFetcher f =
          fetcher(
              new LabelShardedFilter(
                  RelabelConfigs.parse(yaml, RelabelConfigs.SELECTOR_ACTIONS, "s")));
      Set<Ulid> got = f.fetch().metas().keySet();
      assertThat(got).isNotEmpty();
      total += got.size();
      union.addAll(got);
    }
    assertThat(total).isEqualTo(30);
    assertThat(union).containsExactlyInAnyOrderElementsOf(ids);
  }

  @Test
  void duplicatesCoveredByCompactedBlocksAreHidden() throws Exception {
    Ulid a = ulid(1, 1);
    Ulid b = ulid(2, 2);
    Ulid c = ulid(3, 3);
    Ulid ab = ulid(4, 4);
    Ulid otherGroup = ulid(5, 5);
    put(meta(a, 0, HOUR, Map.of("x", "1"), List.of(a)));
    put(meta(b, HOUR, 2 * HOUR, Map.of("x", "1"), List.of(b)));
    put(meta(c, 2 * HOUR, 3 * HOUR, Map.of("x", "1"), List.of(c)));
    put(meta(ab, 0, 2 * HOUR, Map.of("x", "1"), List.of(a, b)));
    // Same sources, different labels: another group, kept.
    put(meta(otherGroup, 0, HOUR, Map.of("x", "2"), List.of(a)));
    DeduplicateFilter dedup = new DeduplicateFilter(4);
    MetaFetcher f = fetcher(dedup);
    assertThat(f.fetch().metas()).containsOnlyKeys(c, ab, otherGroup);
    assertThat(dedup.duplicateIds()).containsExactlyInAnyOrder(a, b);
    assertThat(f.metrics().synced().published(SyncedStates.DUPLICATE)).isEqualTo(2);
  }

  @Test
  void replicaLabelsAreRemovedAndMarkersGathered() throws Exception {
    Ulid a = ulid(1, 1);
    Ulid b = ulid(2, 2);
    put(meta(a, 0, HOUR, Map.of("cluster", "eu", "replica", "r1"), List.of(a)));
    put(meta(b, 0, HOUR, Map.of("replica", "r2"), List.of(b)));
    Blocks.markForNoCompact(bkt, a, NoCompactMark.REASON_MANUAL, "", CLOCK);
    GatherMarkFilter noCompact = new GatherMarkFilter(bkt, MarkerType.NO_COMPACT, 4, false);
    MetaFetcher f = fetcher(new ReplicaLabelRemover(List.of("replica")), noCompact);
    FetchResult r = f.fetch();
    assertThat(r.metas().get(a).labels()).isEqualTo(Map.of("cluster", "eu"));
    assertThat(r.metas().get(b).labels()).isEqualTo(Map.of("replica", "deduped"));
    assertThat(noCompact.marked()).containsOnlyKeys(a);
    assertThat(f.metrics().modified().published(SyncedStates.REPLICA_LABEL_REMOVED)).isEqualTo(2);
    assertThat(f.metrics().synced().published(SyncedStates.MARKED_FOR_NO_COMPACT)).isEqualTo(1);
    assertThat(f.metrics().synced().published(SyncedStates.LOADED)).isEqualTo(2);
  }

  @Test
  void metasAreCachedInMemoryAndOnDisk(@TempDir Path dir) throws Exception {
    Ulid a = ulid(1, 1);
    Meta m = meta(a, 0, HOUR, Map.of("x", "1"), List.of(a));
    put(m);
    AtomicInteger gets = new AtomicInteger();
    Bucket counting =
        new ForwardingBucket(bkt) {
          @Override
          public InputStream get(String name) throws IOException {
            gets.incrementAndGet();
            return super.get(name);
          }
        };
    MetaFetcher f = MetaFetcher.builder(counting).cacheDir(dir).build();
    f.fetch();
    f.fetch();
    assertThat(gets).hasValue(1);
    Path cached = dir.resolve("meta-syncer").resolve(a.toString()).resolve("meta.json");
    assertThat(Meta.read(cached.getParent())).isEqualTo(m);

    // A new process reads the disk cache instead of the bucket.
    MetaFetcher g = MetaFetcher.builder(counting).cacheDir(dir).build();
    assertThat(g.fetch().metas()).containsOnlyKeys(a);
    assertThat(gets).hasValue(1);

    // A corrupt cache file is dropped and re-fetched.
    Files.writeString(cached, "garbage");
    MetaFetcher h = MetaFetcher.builder(counting).cacheDir(dir).build();
    assertThat(h.fetch().metas().get(a)).isEqualTo(m);
    assertThat(gets).hasValue(2);

    // Deleted blocks leave the cache.
    Blocks.delete(bkt, a);
    assertThat(h.fetch().metas()).isEmpty();
    assertThat(cached.getParent()).doesNotExist();
  }

  @Test
  void concurrentFetchesShareOneScan() throws Exception {
    for (int i = 0; i < 20; i++) {
      Ulid id = ulid(i, i);
      put(meta(id, 0, HOUR, Map.of("x", "1"), List.of(id)));
    }
    MetaFetcher f = fetcher();
    List<Thread> ts = new ArrayList<>();
    List<Integer> sizes = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 4; i++) {
      Thread t =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      sizes.add(f.fetch().metas().size());
                    } catch (IOException e) {
                      throw new RuntimeException(e);
                    }
                  });
      ts.add(t);
    }
    for (Thread t : ts) {
      t.join();
    }
    assertThat(sizes).containsOnly(20).hasSize(4);
  }
}
