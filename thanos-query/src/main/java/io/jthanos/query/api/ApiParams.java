package io.jthanos.query.api;

import io.jthanos.config.Durations;
import io.jthanos.server.api.ApiException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Parameter parsing exactly as Prometheus' and Thanos' HTTP APIs do it. */
public final class ApiParams {
  private ApiParams() {}

  /** Prometheus' "min time" sentinel ({@code time.Unix(math.MinInt64/1000+62135596801, 0)}). */
  public static final long MIN_TIME_MS = (Long.MIN_VALUE / 1000 + 62135596801L) * 1000;

  /** Prometheus' "max time" sentinel. */
  public static final long MAX_TIME_MS = (Long.MAX_VALUE / 1000 - 62135596801L) * 1000 + 999;

  private static final String MIN_TIME_TEXT = "-292273086-05-16T16:47:06Z";
  private static final String MAX_TIME_TEXT = "292277025-08-18T07:12:54.999999999Z";

  /**
   * A timestamp: float Unix seconds (rounded to ms) or RFC 3339, as Prometheus' {@code parseTime}.
   *
   * @throws IllegalArgumentException with Prometheus' message
   */
  public static long parseTime(String s) {
    if (s != null) {
      String t = s.trim();
      if (!t.isEmpty() && looksNumeric(t)) {
        try {
          double d = Double.parseDouble(t);
          if (Double.isFinite(d)) {
            BigDecimal ms =
                new BigDecimal(t)
                    .multiply(BigDecimal.valueOf(1000))
                    .setScale(0, RoundingMode.HALF_EVEN);
            // Go: seconds and fraction split, fraction rounded to ms (math.Round: half away).
            double secs = d < 0 ? Math.ceil(d) : Math.floor(d);
            double frac = d - secs;
            long fracMs = Math.round(Math.abs(frac) * 1000) * (frac < 0 ? -1 : 1);
            long whole = (long) secs;
            if (Math.abs(d) < 9.2e15) {
              return whole * 1000 + fracMs;
            }
            return ms.longValue();
          }
        } catch (NumberFormatException | ArithmeticException e) {
          // fall through to RFC 3339
        }
      }
      try {
        return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
            .toInstant()
            .toEpochMilli();
      } catch (DateTimeParseException e) {
        // fall through
      }
      if (s.equals(MIN_TIME_TEXT)) {
        return MIN_TIME_MS;
      }
      if (s.equals(MAX_TIME_TEXT)) {
        return MAX_TIME_MS;
      }
    }
    throw new IllegalArgumentException(
        "cannot parse " + GoQuote.quote(s == null ? "" : s) + " to a valid timestamp");
  }

  private static boolean looksNumeric(String t) {
    char c = t.charAt(0);
    return Character.isDigit(c) || c == '-' || c == '+' || c == '.';
  }

  /**
   * A duration: float seconds or a Prometheus duration ({@code 5m}, {@code 1h30m}), as Prometheus'
   * {@code parseDuration}.
   */
  public static Duration parseDuration(String s) {
    String t = s == null ? "" : s.trim();
    if (!t.isEmpty() && looksNumeric(t)) {
      try {
        double d = Double.parseDouble(t);
        double nanos = d * 1e9;
        if (nanos > Long.MAX_VALUE || nanos < Long.MIN_VALUE) {
          throw new IllegalArgumentException(
              "cannot parse " + GoQuote.quote(s) + " to a valid duration. It overflows int64");
        }
        if (!Double.isNaN(d)) {
          return Duration.ofNanos((long) nanos);
        }
      } catch (NumberFormatException e) {
        // not a float
      }
    }
    try {
      if (!t.isEmpty()) {
        return Durations.parse(t);
      }
    } catch (RuntimeException e) {
      // fall through
    }
    throw new IllegalArgumentException(
        "cannot parse " + GoQuote.quote(s == null ? "" : s) + " to a valid duration");
  }

  /** Go's {@code strconv.ParseBool}. */
  public static boolean parseBool(String s) {
    return switch (s) {
      case "1", "t", "T", "TRUE", "true", "True" -> true;
      case "0", "f", "F", "FALSE", "false", "False" -> false;
      default ->
          throw new IllegalArgumentException(
              "strconv.ParseBool: parsing " + GoQuote.quote(s) + ": invalid syntax");
    };
  }

  /** A boolean parameter with Thanos' error text ({@code 'dedup' parameter: ...}). */
  public static boolean boolParam(String value, String name, boolean def) throws ApiException {
    if (value == null || value.isEmpty()) {
      return def;
    }
    try {
      return parseBool(value);
    } catch (IllegalArgumentException e) {
      throw ApiException.badData("'" + name + "' parameter: " + e.getMessage());
    }
  }

  /** Seconds with ms precision as Prometheus prints durations in errors is not needed here. */
  static long toMillis(Duration d) {
    return d.toMillis();
  }
}
