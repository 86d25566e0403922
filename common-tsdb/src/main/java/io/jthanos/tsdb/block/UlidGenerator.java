package io.jthanos.tsdb.block;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.random.RandomGenerator;

/**
 * Monotonic ULID source: ids are strictly increasing even within one millisecond (the random part
 * is incremented) and when the clock steps backwards (the last timestamp is kept). Thread-safe.
 */
public final class UlidGenerator {
  private final Clock clock;
  private final RandomGenerator random;
  private long lastTime = -1;
  private long lastHi16;
  private long lastLo;

  public UlidGenerator() {
    this(Clock.systemUTC(), new SecureRandom());
  }

  public UlidGenerator(Clock clock, RandomGenerator random) {
    this.clock = clock;
    this.random = random;
  }

  private static final UlidGenerator DEFAULT = new UlidGenerator();

  /** A process-wide monotonic generator on the system clock. */
  public static UlidGenerator defaultGenerator() {
    return DEFAULT;
  }

  public synchronized Ulid next() {
    long now = clock.millis();
    if (now <= lastTime) {
      // Same (or earlier) millisecond: increment the 80-bit entropy.
      lastLo++;
      if (lastLo == 0) {
        lastHi16 = (lastHi16 + 1) & 0xffff;
        if (lastHi16 == 0) {
          // Entropy exhausted in this millisecond: move to the next one.
          lastTime++;
          lastHi16 = random.nextInt() & 0x7fff;
          lastLo = random.nextLong();
        }
      }
    } else {
      lastTime = now;
      // Leave headroom so increments rarely overflow (as oklog/ulid's monotonic reader).
      lastHi16 = random.nextInt() & 0x7fff;
      lastLo = random.nextLong();
    }
    return Ulid.of(lastTime, (int) lastHi16, lastLo);
  }
}
