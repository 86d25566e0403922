package io.jthanos.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jthanos.block.generator.DatasetCache;
import io.jthanos.block.generator.Layout;
import io.jthanos.testing.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the end-to-end harness for real at the tiny size (store gateway and querier JVMs, Prometheus
 * 2.42), one warm repetition, and checks what it wrote.
 */
class HarnessTest {

  @Test
  void measuresBothSidesAndWritesJsonAndMarkdown(@TempDir Path tmp) throws Exception {
    Path prometheus = Peers.prometheus();
    Path docs = tmp.resolve("benchmarks.md");
    Files.writeString(
        docs,
        "# Benchmarks\n\nbefore\n\n" + Report.BEGIN + "\nold table\n" + Report.END + "\n\nafter\n");
    Path out = tmp.resolve("results").resolve("e2e.json");
    Path cache = tmp.resolve("cache");
    HarnessConfig cfg =
        HarnessConfig.parse(
            new String[] {
              "--size=tiny",
              "--warm=1",
              "--cold=first",
              "--prometheus-compaction=off",
              "--cache-dir=" + cache,
              "--work-dir=" + tmp.resolve("work"),
              "--out=" + out,
              "--docs=" + docs,
              "--prometheus=" + prometheus,
              "--store-jvm=-Xmx512m -XX:+UseSerialGC",
              "--querier-jvm=-Xmx512m -XX:+UseSerialGC"
            });

    Harness.Result result = Harness.run(cfg);

    JsonNode json = new ObjectMapper().readTree(out.toFile());
    assertThat(json.path("dataset").path("size").asText()).isEqualTo("tiny");
    assertThat(json.path("dataset").path("raw").path("raw_samples").asLong()).isPositive();
    assertThat(json.path("environment").path("prometheus").asText()).startsWith("2.");
    JsonNode queries = json.path("queries");
    assertThat(queries.size())
        .isEqualTo(QueryMix.QUERIES.size() * DatasetSize.TINY.rangesHours().size());
    Set<String> seen = new HashSet<>();
    int agreeing = 0;
    for (JsonNode q : queries) {
      seen.add(q.path("query").asText() + "@" + q.path("range").asText());
      for (String side : new String[] {"jthanos", "prometheus"}) {
        JsonNode m = q.path(side);
        assertThat(m.path("cold_ms").asDouble()).as(side + " cold").isPositive();
        assertThat(m.path("p50_ms").asDouble()).as(side + " p50").isPositive();
        assertThat(m.path("p99_ms").asDouble()).isGreaterThanOrEqualTo(m.path("p50_ms").asDouble());
        assertThat(m.path("warm_ms").size()).isEqualTo(1);
        assertThat(m.path("series").asInt()).as(side + " series of " + q).isPositive();
        assertThat(m.path("points").asLong()).isGreaterThanOrEqualTo(m.path("series").asLong());
      }
      assertThat(q.path("prometheus").path("samples_touched").asLong()).isPositive();
      assertThat(q.path("jthanos").path("store_chunks_touched").asLong()).isPositive();
      assertThat(q.path("jthanos").path("peak_rss_kb").path("store").asLong()).isPositive();
      assertThat(q.path("prometheus").path("peak_rss_kb").path("prometheus").asLong()).isPositive();
      if (q.path("series_agree").asBoolean()) {
        agreeing++;
      }
      if (q.path("range").asText().equals("1d")) {
        assertThat(q.path("jthanos_auto_resolution").path("p50_ms").asDouble()).isPositive();
      } else {
        assertThat(q.has("jthanos_auto_resolution")).isFalse();
      }
    }
    assertThat(seen).hasSize(queries.size());
    // The same data through both stacks: every query returns as many series on either side.
    assertThat(agreeing).isEqualTo(queries.size());
    JsonNode countAll = queries.get(queries.size() - 1);
    assertThat(countAll.path("query").asText()).isEqualTo("count-all-by-job");
    assertThat(countAll.path("jthanos").path("series").asInt())
        .isEqualTo(countAll.path("prometheus").path("series").asInt());
    JsonNode processes = json.path("processes");
    assertThat(processes).hasSize(3);
    for (JsonNode p : processes) {
      assertThat(p.path("idle_rss_kb").asLong()).as(p.toString()).isPositive();
      assertThat(p.path("peak_rss_kb").asLong())
          .isGreaterThanOrEqualTo(p.path("idle_rss_kb").asLong());
    }

    String md = Files.readString(docs);
    assertThat(md)
        .startsWith("# Benchmarks\n\nbefore\n\n" + Report.BEGIN)
        .endsWith(Report.END + "\n\nafter\n");
    assertThat(md).doesNotContain("old table");
    assertThat(md.indexOf(Report.BEGIN)).isEqualTo(md.lastIndexOf(Report.BEGIN));
    assertThat(md)
        .contains("--size=tiny")
        .contains("| 1d (5m) | count-all-by-job | ")
        .contains("| prometheus | ")
        .contains("JDK " + Runtime.version().feature());

    // The datasets stay cached, keyed by generator version, seed and size.
    Path rawManifest =
        DatasetCache.find(cache, result.generator().withLayout(Layout.RAW))
            .orElseThrow()
            .dir()
            .resolve(DatasetCache.MANIFEST);
    FileTime generated = Files.getLastModifiedTime(rawManifest);

    // Cold runs on fresh processes, for one query of the mix: the second run reuses the cache.
    Path out2 = tmp.resolve("results").resolve("e2e-restart.json");
    Harness.run(
        HarnessConfig.parse(
            new String[] {
              "--size=tiny",
              "--warm=1",
              "--cold=restart",
              "--queries=count-all-by-job",
              "--prometheus-compaction=off",
              "--cache-dir=" + cache,
              "--work-dir=" + tmp.resolve("work2"),
              "--out=" + out2,
              "--docs=none",
              "--prometheus=" + prometheus,
              "--store-jvm=-Xmx512m -XX:+UseSerialGC",
              "--querier-jvm=-Xmx512m -XX:+UseSerialGC"
            }));
    assertThat(Files.getLastModifiedTime(rawManifest)).isEqualTo(generated);
    JsonNode restart = new ObjectMapper().readTree(out2.toFile());
    assertThat(restart.path("cold").asText()).isEqualTo("restart");
    assertThat(restart.path("queries")).hasSize(2);
    for (JsonNode q : restart.path("queries")) {
      assertThat(q.path("query").asText()).isEqualTo("count-all-by-job");
      assertThat(q.path("series_agree").asBoolean()).isTrue();
      assertThat(q.path("jthanos").path("cold_ms").asDouble()).isPositive();
      assertThat(q.path("prometheus").path("cold_ms").asDouble()).isPositive();
    }
    // One start, a restart of both sides per query and range, one of jthanos for the auto run,
    // and a last one before the warm runs.
    try (var logs = Files.list(tmp.resolve("work2"))) {
      assertThat(logs.filter(f -> f.getFileName().toString().matches("store-[0-9]+\\.log")))
          .hasSize(4);
    }
  }
}
