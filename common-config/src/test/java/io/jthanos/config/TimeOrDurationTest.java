package io.jthanos.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TimeOrDurationTest {
  private final Clock clock = Clock.fixed(Instant.parse("2024-03-10T12:00:00Z"), ZoneOffset.UTC);

  @Test
  void absoluteTimes() {
    assertThat(TimeOrDuration.parse("2024-01-01T00:00:00Z").toMillis(clock))
        .isEqualTo(1704067200000L);
    assertThat(TimeOrDuration.parse("2024-01-01T02:00:00+02:00").toMillis(clock))
        .isEqualTo(1704067200000L);
    assertThat(TimeOrDuration.parse("2024-01-01T00:00:00.123456Z").toMillis(clock))
        .isEqualTo(1704067200123L);
    assertThat(TimeOrDuration.parse("2024-01-01T00:00:00Z").isRelative()).isFalse();
  }

  @Test
  void thanosDefaults() {
    // Go's timestamp.FromTime of year 0 and year 9999.
    assertThat(TimeOrDuration.MIN.toMillis(clock)).isEqualTo(-62167219200000L);
    assertThat(TimeOrDuration.MAX.toMillis(clock)).isEqualTo(253402300799000L);
  }

  @Test
  void relativeDurations() {
    long now = clock.millis();
    assertThat(TimeOrDuration.parse("-2w").toMillis(clock)).isEqualTo(now - 14 * 86_400_000L);
    assertThat(TimeOrDuration.parse("36h").toMillis(clock)).isEqualTo(now + 36 * 3_600_000L);
    assertThat(TimeOrDuration.parse("-1d12h").toMillis(clock)).isEqualTo(now - 36 * 3_600_000L);
    assertThat(TimeOrDuration.parse("0").toMillis(clock)).isEqualTo(now);
    assertThat(TimeOrDuration.parse("-2w").isRelative()).isTrue();
    assertThat(TimeOrDuration.relative(Duration.ofDays(-14)).toString()).isEqualTo("-2w");
  }

  @Test
  void relativeValuesMoveWithTheClock() {
    TimeOrDuration t = TimeOrDuration.parse("-1h");
    Clock later = Clock.offset(clock, Duration.ofMinutes(5));
    assertThat(t.toMillis(later) - t.toMillis(clock)).isEqualTo(300_000L);
  }

  @Test
  void rejectsGarbage() {
    for (String bad : new String[] {"", "-", "yesterday", "1.5h", "2024-01-01", "--2w", "2w-"}) {
      assertThatThrownBy(() -> TimeOrDuration.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
