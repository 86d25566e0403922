package io.jthanos.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class QueryMixTest {
  private static final long HOUR = 3_600_000L;

  @Test
  void stepsAreRangeOver250RoundedToUsualIntervals() {
    assertThat(QueryMix.stepSeconds(6 * HOUR, 30_000)).isEqualTo(120); // 86 s
    assertThat(QueryMix.stepSeconds(24 * HOUR, 30_000)).isEqualTo(300); // 346 s
    assertThat(QueryMix.stepSeconds(7 * 24 * HOUR, 30_000)).isEqualTo(1800); // 40 min
    assertThat(QueryMix.stepSeconds(30 * 24 * HOUR, 30_000)).isEqualTo(10800); // 2.9 h
  }

  @Test
  void stepIsNeverBelowTheScrapeInterval() {
    assertThat(QueryMix.stepSeconds(HOUR, 15_000)).isEqualTo(15);
    assertThat(QueryMix.stepSeconds(HOUR, 60_000)).isEqualTo(60);
  }

  @Test
  void theMixCoversEveryQueryKind() {
    assertThat(QueryMix.QUERIES)
        .extracting(QueryMix.Query::name)
        .containsExactly(
            "selector",
            "sum-rate",
            "histogram_quantile",
            "topk",
            "join",
            "max_over_time",
            "count-all-by-job");
  }

  @Test
  void sizesKeepTheirRangesInsideTheData() {
    assertThat(DatasetSize.parse("medium").rangesHours()).containsExactly(24, 168, 720);
    assertThat(DatasetSize.rangeLabel(6)).isEqualTo("6h");
    assertThat(DatasetSize.rangeLabel(168)).isEqualTo("7d");
    assertThatThrownBy(() -> new DatasetSize("x", 10, 1, 30_000, List.of(48)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("48h");
    assertThatThrownBy(() -> DatasetSize.parse("huge")).hasMessageContaining("valid: tiny");
  }

  @Test
  void flagsAreParsedOnce() {
    HarnessConfig c =
        HarnessConfig.parse(
            new String[] {
              "--size=tiny",
              "--warm=3",
              "--docs=none",
              "--store-jvm=-Xmx1g -Xss1m",
              "--queries=topk|join"
            });
    assertThat(Harness.variants(c.size(), c.queries()))
        .extracting(v -> v.query().name() + "@" + v.label() + ":" + v.target())
        .containsExactly(
            "topk@6h:jthanos",
            "topk@6h:prometheus",
            "join@6h:jthanos",
            "join@6h:prometheus",
            "topk@1d:jthanos",
            "topk@1d:prometheus",
            "topk@1d:jthanos-auto",
            "join@1d:jthanos",
            "join@1d:prometheus",
            "join@1d:jthanos-auto");
    assertThat(c.coldRestart()).isTrue();
    assertThat(HarnessConfig.parse(new String[] {"--cold=first"}).coldRestart()).isFalse();
    assertThatThrownBy(() -> HarnessConfig.parse(new String[] {"--cold=warm"}))
        .hasMessageContaining("valid: restart, first");
    assertThat(c.size()).isEqualTo(DatasetSize.TINY);
    assertThat(c.warmRuns()).isEqualTo(3);
    assertThat(c.docs()).isNull();
    assertThat(c.storeJvm()).containsExactly("-Xmx1g", "-Xss1m");
    assertThat(c.out().toString()).endsWith("e2e-tiny.json");
    assertThat(c.command())
        .endsWith(
            "Harness --size=tiny --warm=3 --docs=none '--store-jvm=-Xmx1g -Xss1m'"
                + " --queries=topk|join");
    assertThatThrownBy(() -> HarnessConfig.parse(new String[] {"--bogus=1"}))
        .hasMessageContaining("unknown flag --bogus");
    assertThatThrownBy(() -> HarnessConfig.parse(new String[] {"--warm=0"}))
        .hasMessageContaining("at least 1");
  }
}
