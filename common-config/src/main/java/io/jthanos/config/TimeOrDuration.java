package io.jthanos.config;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * A point in time given either as an RFC 3339 time or as a duration relative to now, as Thanos'
 * {@code --min-time} / {@code --max-time} flags take it ({@code model.TimeOrDurationValue}): {@code
 * 2024-01-01T00:00:00Z}, {@code -2w} (two weeks ago), {@code 1h} (an hour from now). Durations use
 * Prometheus' syntax ({@code 1y2w3d4h5m6s7ms}, integers only) with an optional leading {@code -}.
 *
 * <p>A relative value is resolved against the clock each time {@link #toMillis(Clock)} is called,
 * so a long-running process keeps a moving window, as Thanos does.
 */
public final class TimeOrDuration {
  /** Thanos' default for {@code --min-time}. */
  public static final TimeOrDuration MIN = parse("0000-01-01T00:00:00Z");

  /** Thanos' default for {@code --max-time}. */
  public static final TimeOrDuration MAX = parse("9999-12-31T23:59:59Z");

  private static final Pattern PROM_DURATION =
      Pattern.compile(
          "^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$");

  private final String text;
  private final Instant time; // set for absolute values
  private final Duration offset; // set for relative values

  private TimeOrDuration(String text, Instant time, Duration offset) {
    this.text = text;
    this.time = time;
    this.offset = offset;
  }

  /**
   * Parses an RFC 3339 time or a signed Prometheus duration.
   *
   * @throws IllegalArgumentException when it is neither
   */
  public static TimeOrDuration parse(String s) {
    if (s == null || s.isEmpty()) {
      throw new IllegalArgumentException("empty time or duration");
    }
    try {
      OffsetDateTime t = OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
      return new TimeOrDuration(s, t.toInstant(), null);
    } catch (DateTimeParseException e) {
      // Not a time: try a duration.
    }
    boolean minus = s.charAt(0) == '-';
    String d = minus ? s.substring(1) : s;
    if (d.isEmpty() || (!d.equals("0") && !PROM_DURATION.matcher(d).matches())) {
      throw new IllegalArgumentException(
          "not a valid duration string: \""
              + s
              + "\" (want an RFC 3339 time like 2024-01-02T15:04:05Z or a duration like -2w, 36h)");
    }
    Duration dur = Durations.parse(d);
    return new TimeOrDuration(s, null, minus ? dur.negated() : dur);
  }

  /** An absolute time. */
  public static TimeOrDuration at(Instant t) {
    return new TimeOrDuration(t.toString(), t, null);
  }

  /** A time relative to now. */
  public static TimeOrDuration relative(Duration d) {
    return new TimeOrDuration(
        (d.isNegative() ? "-" : "") + Durations.formatPrometheus(d.abs()), null, d);
  }

  public boolean isRelative() {
    return offset != null;
  }

  /** Milliseconds since the epoch (Prometheus timestamp); relative values resolve against now. */
  public long toMillis(Clock clock) {
    if (time != null) {
      return millis(time);
    }
    return millis(clock.instant().plus(offset));
  }

  private static long millis(Instant t) {
    // Go's timestamp.FromTime: seconds * 1000 + nanoseconds / 1e6 (truncating toward zero).
    return t.getEpochSecond() * 1000 + t.getNano() / 1_000_000;
  }

  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TimeOrDuration t
        && java.util.Objects.equals(time, t.time)
        && java.util.Objects.equals(offset, t.offset);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(time, offset);
  }
}
