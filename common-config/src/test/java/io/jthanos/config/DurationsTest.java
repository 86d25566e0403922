package io.jthanos.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void parsesBothDialects() {
    assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("300ms")).isEqualTo(Duration.ofMillis(300));
    assertThat(Durations.parse("2d")).isEqualTo(Duration.ofHours(48));
    assertThat(Durations.parse("1w")).isEqualTo(Duration.ofDays(7));
    assertThat(Durations.parse("1y")).isEqualTo(Duration.ofDays(365));
    assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
    assertThat(Durations.parse("0d")).isEqualTo(Duration.ZERO);
    assertThat(Durations.parse("10µs")).isEqualTo(Duration.ofNanos(10_000));
    assertThat(Durations.parseSigned("-2w")).isEqualTo(Duration.ofDays(-14));
  }

  @Test
  void rejectsGarbage() {
    assertThatThrownBy(() -> Durations.parse("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> Durations.parse("5")).hasMessageContaining("missing unit");
    assertThatThrownBy(() -> Durations.parse("5x")).hasMessageContaining("unknown unit \"x\"");
    assertThatThrownBy(() -> Durations.parse("-5m")).hasMessageContaining("negative");
  }

  @Test
  void formatsLikeGo() {
    assertThat(Durations.formatGo(Duration.ZERO)).isEqualTo("0s");
    assertThat(Durations.formatGo(Duration.ofMinutes(2))).isEqualTo("2m0s");
    assertThat(Durations.formatGo(Duration.ofMinutes(60))).isEqualTo("1h0m0s");
    assertThat(Durations.formatGo(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(Durations.formatGo(Duration.ofMillis(300))).isEqualTo("300ms");
    assertThat(Durations.formatGo(Duration.ofNanos(1500))).isEqualTo("1.5µs");
    assertThat(Durations.formatGo(Duration.ofHours(48))).isEqualTo("48h0m0s");
  }

  @Test
  void formatsLikePrometheus() {
    assertThat(Durations.formatPrometheus(Duration.ZERO)).isEqualTo("0s");
    assertThat(Durations.formatPrometheus(Duration.ofHours(48))).isEqualTo("2d");
    assertThat(Durations.formatPrometheus(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(Durations.formatPrometheus(Duration.ofDays(14))).isEqualTo("2w");
    assertThat(Durations.formatPrometheus(Duration.ofHours(25))).isEqualTo("25h");
    assertThat(Durations.formatPrometheus(Duration.ofMillis(1500))).isEqualTo("1s500ms");
  }
}
