package io.jthanos.tsdb.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UlidTest {

  @Test
  void parsesAndFormatsKnownIds() {
    Ulid u = Ulid.parse("01HK153X49KKDY53XYKJ6B1X86");
    assertThat(u.toString()).isEqualTo("01HK153X49KKDY53XYKJ6B1X86");
    // 01HK153X49 is 2024-01-01T...: the creation time of a block backfilled that day.
    assertThat(Instant.ofEpochMilli(u.timestamp()).toString()).startsWith("2024-01-0");
    assertThat(Ulid.parse("01hk153x49kkdy53xykj6b1x86")).isEqualTo(u);
    assertThat(Ulid.parse("00000000000000000000000000")).isEqualTo(new Ulid(0, 0));
    assertThat(Ulid.parse("7ZZZZZZZZZZZZZZZZZZZZZZZZZ")).isEqualTo(new Ulid(-1, -1));
  }

  @Test
  void rejectsInvalid() {
    assertThatThrownBy(() -> Ulid.parse("8ZZZZZZZZZZZZZZZZZZZZZZZZZ"))
        .hasMessageContaining("overflow");
    assertThatThrownBy(() -> Ulid.parse("01HK153X49KKDY53XYKJ6B1X8"))
        .hasMessageContaining("length");
    assertThatThrownBy(() -> Ulid.parse("01HK153X49KKDY53XYKJ6B1X8U"))
        .hasMessageContaining("character");
    assertThat(Ulid.isValid("not-a-ulid")).isFalse();
  }

  @Test
  void roundTripsRandomIds() {
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 1000; i++) {
      Ulid u = Ulid.of(r.nextLong(0, Ulid.MAX_TIME), r.nextInt(), r.nextLong());
      assertThat(Ulid.parse(u.toString())).isEqualTo(u);
    }
  }

  @Test
  void generatorIsMonotonicWithinAMillisecondAndWhenTheClockGoesBack() {
    AtomicLong now = new AtomicLong(1_700_000_000_000L);
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return Instant.ofEpochMilli(now.get());
          }
        };
    UlidGenerator g = new UlidGenerator(clock, new SplittableRandom(3));
    List<Ulid> ids = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ids.add(g.next());
    }
    now.addAndGet(-5000);
    for (int i = 0; i < 10; i++) {
      ids.add(g.next());
    }
    now.addAndGet(10_000);
    ids.add(g.next());
    for (int i = 1; i < ids.size(); i++) {
      assertThat(ids.get(i)).isGreaterThan(ids.get(i - 1));
      assertThat(ids.get(i).toString()).isGreaterThan(ids.get(i - 1).toString());
    }
    assertThat(ids.get(0).timestamp()).isEqualTo(1_700_000_000_000L);
    assertThat(ids.get(ids.size() - 1).timestamp()).isEqualTo(1_700_000_005_000L);
  }
}
