package io.jthanos.block.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.block.fetcher.DeduplicateFilter;
import io.jthanos.block.fetcher.FetchResult;
import io.jthanos.block.fetcher.MetaFetcher;
import io.jthanos.block.metadata.HashFunc;
import io.jthanos.block.metadata.Meta;
import io.jthanos.objstore.filesystem.FilesystemBucket;
import io.jthanos.testing.prometheus.Promtool;
import io.jthanos.testing.prometheus.ToolResult;
import io.jthanos.tsdb.block.BlockReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetGeneratorTest {
  /** A fixed end so runs are comparable (2024-03-10T00:00:00Z). */
  static final long END = 1710028800000L;

  @TempDir Path tmp;

  static Map<String, byte[]> files(Path root) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }

  @Test
  void sameSeedGivesByteIdenticalBlocks() throws Exception {
    GeneratorConfig cfg =
        GeneratorConfig.defaults(END).withSeries(300).withDays(1).withChurn(2.0).withSeed(7);
    List<Map<String, byte[]>> runs = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Path bucket = tmp.resolve("run" + i);
      try (FilesystemBucket b = new FilesystemBucket(bucket)) {
        new FleetGenerator(cfg).generateTo(b, tmp.resolve("work" + i), HashFunc.SHA256);
      }
      runs.add(files(bucket));
    }
    assertThat(runs.get(0).keySet()).hasSize(runs.get(1).size()).containsAll(runs.get(1).keySet());
    assertThat(runs.get(0).keySet()).anyMatch(k -> k.endsWith("meta.json"));
    for (String k : runs.get(0).keySet()) {
      assertThat(runs.get(1).get(k)).as(k).isEqualTo(runs.get(0).get(k));
    }
    // Another seed gives other data.
    Path other = tmp.resolve("other");
    try (FilesystemBucket b = new FilesystemBucket(other)) {
      new FleetGenerator(cfg.withSeed(8)).generateTo(b, tmp.resolve("work-o"), HashFunc.NONE);
    }
    assertThat(files(other).keySet()).isNotEqualTo(runs.get(0).keySet());
  }

  @Test
  void defaultMixCompressesLikePrometheusData() throws Exception {
    for (long interval : new long[] {15_000, 30_000}) {
      GeneratorConfig cfg =
          GeneratorConfig.defaults(END).withSeries(560).withDays(1).withInterval(interval);
      List<Meta> metas = new ArrayList<>();
      FleetGenerator.Summary s =
          new FleetGenerator(cfg).generate(tmp.resolve("w" + interval), (dir, m) -> metas.add(m));
      System.out.printf(
          "generator interval=%ds blocks=%d series=%d samples=%d chunk bytes/sample=%.3f%n",
          interval / 1000, s.blocks(), s.series(), s.rawSamples(), s.bytesPerSample());
      assertThat(s.bytesPerSample()).isBetween(1.0, 2.0);
      assertThat(metas).hasSize(12);
    }
  }

  @Test
  void promtoolAnalyzesGeneratedBlocks() throws Exception {
    Promtool promtool = Promtool.locate();
    Path data = tmp.resolve("data");
    Files.createDirectories(data);
    GeneratorConfig cfg = GeneratorConfig.defaults(END).withSeries(200).withDays(1).withChurn(4);
    List<String> ids = new ArrayList<>();
    new FleetGenerator(cfg)
        .generate(
            tmp.resolve("work"),
            (dir, m) -> {
              if (ids.size() < 2) {
                copyDir(dir, data.resolve(dir.getFileName()));
                ids.add(dir.getFileName().toString());
              }
            });
    for (String id : ids) {
      ToolResult r = promtool.analyze(data, id);
      assertThat(r.ok()).as(r.stderr()).isTrue();
      assertThat(r.stdout()).contains("Block ID: " + id).contains("Series: ");
    }
    ToolResult list = promtool.list(data);
    assertThat(list.ok()).as(list.stderr()).isTrue();
    assertThat(list.stdout()).contains(ids.get(0));
  }

  @Test
  void compactedLayoutHasTheBlocksACompactorLeaves() throws Exception {
    long day = 86_400_000L;
    long end = 19782 * day + 2 * day + 6 * 3_600_000L;
    GeneratorConfig cfg =
        new GeneratorConfig(
            3, 34, 17, 60_000, 0, Layout.COMPACTED, end, Map.of("cluster", "c1", "replica", "r0"));
    Path bucket = tmp.resolve("bucket");
    try (FilesystemBucket b = new FilesystemBucket(bucket)) {
      FleetGenerator.Summary s =
          new FleetGenerator(cfg).generateTo(b, tmp.resolve("w"), HashFunc.NONE);
      assertThat(s.blocks()).isEqualTo(17);
      DeduplicateFilter dedup = new DeduplicateFilter();
      MetaFetcher f = MetaFetcher.builder(b).filters(List.of(dedup)).build();
      FetchResult r = f.fetch();
      assertThat(r.error()).isNull();
      assertThat(r.partial()).isEmpty();
      assertThat(r.metas()).hasSize(17);
      assertThat(dedup.duplicateIds()).isEmpty();
      Map<String, Integer> kinds = new TreeMap<>();
      for (Meta m : r.metas().values()) {
        long range = m.maxTime() - m.minTime();
        String k = range / 3_600_000L + "h@" + m.resolution();
        kinds.merge(k, 1, Integer::sum);
        assertThat(m.labels()).isEqualTo(Map.of("cluster", "c1", "replica", "r0"));
        if (range == 14 * day) {
          assertThat(m.block().compaction().level()).isEqualTo(4);
          assertThat(m.block().compaction().sources()).hasSize(168);
          assertThat(m.block().compaction().parents()).hasSize(7);
          assertThat(m.thanos().source()).isEqualTo("compactor");
        }
      }
      assertThat(kinds)
          .containsEntry("336h@0", 1)
          .containsEntry("336h@300000", 1)
          .containsEntry("336h@3600000", 1)
          .containsEntry("48h@0", 1)
          .containsEntry("48h@300000", 1)
          .containsEntry("2h@0", 12);
      // The blocks read back and the 1h copy holds the same series.
      Meta h1 =
          r.metas().values().stream()
              .filter(m -> m.resolution() == 3_600_000L)
              .findFirst()
              .orElseThrow();
      Path dl = tmp.resolve("dl").resolve(h1.ulid().toString());
      io.jthanos.block.Blocks.download(b, h1.ulid(), dl);
      try (BlockReader br = BlockReader.open(dl)) {
        assertThat(br.meta().stats().numSeries()).isEqualTo(34);
      }
    }
  }

  @Test
  void datasetCacheGeneratesOnceAndCopiesIntoBuckets() throws Exception {
    GeneratorConfig cfg = GeneratorConfig.defaults(END).withSeries(68).withDays(1);
    Path root = tmp.resolve("cache");
    DatasetCache.Dataset a = DatasetCache.materialize(root, cfg, HashFunc.NONE);
    assertThat(a.dir().getFileName().toString())
        .isEqualTo(cfg.cacheKey())
        .startsWith("v1-s1-68x1d-15s-");
    assertThat(a.manifest().path("blocks").asInt()).isEqualTo(12);
    long modified = Files.getLastModifiedTime(a.dir().resolve(DatasetCache.MANIFEST)).toMillis();
    DatasetCache.Dataset b = DatasetCache.materialize(root, cfg, HashFunc.NONE);
    assertThat(Files.getLastModifiedTime(b.dir().resolve(DatasetCache.MANIFEST)).toMillis())
        .isEqualTo(modified);
    assertThat(DatasetCache.find(root, cfg.withSeed(2))).isEmpty();
    try (FilesystemBucket target = new FilesystemBucket(tmp.resolve("target"))) {
      assertThat(DatasetCache.copy(a, target)).isEqualTo(12);
      assertThat(MetaFetcher.builder(target).build().fetch().metas()).hasSize(12);
    }
    assertThat(
            files(tmp.resolve("target")).keySet().stream().filter(k -> !k.startsWith(".")).toList())
        .containsExactlyInAnyOrderElementsOf(
            files(a.bucketDir()).keySet().stream().filter(k -> !k.startsWith(".")).toList());
  }

  static void copyDir(Path from, Path to) {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
