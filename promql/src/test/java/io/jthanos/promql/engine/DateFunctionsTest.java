package io.jthanos.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DateFunctionsTest {
  @Test
  void agreesWithTheCalendarForOrdinaryTimes() {
    Random rnd = new Random(5);
    for (int i = 0; i < 100_000; i++) {
      // years -9999 .. 9999
      long sec = rnd.nextLong(-377_705_116_800L, 253_402_300_799L);
      if (i < 1000) {
        sec = rnd.nextInt(2) == 0 ? -i * 86_399L : i * 86_401L;
      }
      LocalDateTime t = LocalDateTime.ofEpochSecond(sec, 0, ZoneOffset.UTC);
      assertThat(DateFunctions.apply("year", sec)).isEqualTo(t.getYear());
      assertThat(DateFunctions.apply("month", sec)).isEqualTo(t.getMonthValue());
      assertThat(DateFunctions.apply("day_of_month", sec)).isEqualTo(t.getDayOfMonth());
      assertThat(DateFunctions.apply("day_of_year", sec)).isEqualTo(t.getDayOfYear());
      assertThat(DateFunctions.apply("day_of_week", sec))
          .isEqualTo(t.getDayOfWeek().getValue() % 7);
      assertThat(DateFunctions.apply("days_in_month", sec))
          .isEqualTo(t.toLocalDate().lengthOfMonth());
      assertThat(DateFunctions.apply("hour", sec)).isEqualTo(t.getHour());
      assertThat(DateFunctions.apply("minute", sec)).isEqualTo(t.getMinute());
    }
  }

  @Test
  void wrapsAroundLikeGoForAbsurdTimes() {
    // NaN and infinities reach the date functions as math.MinInt64 (Go on amd64); Prometheus
    // 2.42 answers hour(vector(+Inf)) with 15.
    assertThat(DateFunctions.apply("hour", Long.MIN_VALUE)).isEqualTo(15);
    assertThat(DateFunctions.apply("minute", Long.MIN_VALUE)).isEqualTo(30);
  }
}
