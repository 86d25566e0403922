package io.jthanos.config;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Durations as Thanos flags and configs write them. Two dialects exist and users mix them, so
 * {@link #parse} accepts both: Go's {@code time.ParseDuration} ({@code 1.5h}, {@code 300ms}, {@code
 * 2m30s}, units ns/us/µs/ms/s/m/h) and Prometheus' {@code model.ParseDuration} ({@code 2d}, {@code
 * 1w}, {@code 1y}, integers only, units ms/s/m/h/d/w/y). {@code 0} alone is zero. A leading {@code
 * -} is allowed only through {@link #parseSigned}.
 */
public final class Durations {
  private Durations() {}

  /** Parses a non-negative duration in either dialect. */
  public static Duration parse(String s) {
    Duration d = parseSigned(s);
    if (d.isNegative()) {
      throw new IllegalArgumentException("negative duration not allowed: \"" + s + "\"");
    }
    return d;
  }

  /** Parses a duration in either dialect; a leading {@code -} or {@code +} is allowed. */
  public static Duration parseSigned(String s) {
    if (s == null) {
      throw new IllegalArgumentException("empty duration string");
    }
    String in = s.trim();
    boolean neg = false;
    if (in.startsWith("-") || in.startsWith("+")) {
      neg = in.charAt(0) == '-';
      in = in.substring(1);
    }
    if (in.isEmpty()) {
      throw new IllegalArgumentException("empty duration string");
    }
    if (in.equals("0")) {
      return Duration.ZERO;
    }
    BigDecimal totalNanos = BigDecimal.ZERO;
    int i = 0;
    while (i < in.length()) {
      int start = i;
      while (i < in.length() && (Character.isDigit(in.charAt(i)) || in.charAt(i) == '.')) {
        i++;
      }
      if (start == i) {
        throw new IllegalArgumentException("invalid duration \"" + s + "\"");
      }
      String num = in.substring(start, i);
      int ustart = i;
      while (i < in.length() && !Character.isDigit(in.charAt(i)) && in.charAt(i) != '.') {
        i++;
      }
      String unit = in.substring(ustart, i);
      long mult =
          switch (unit) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "d" -> 86_400_000_000_000L;
            case "w" -> 7 * 86_400_000_000_000L;
            case "y" -> 365 * 86_400_000_000_000L;
            case "" -> throw new IllegalArgumentException("missing unit in duration \"" + s + "\"");
            default ->
                throw new IllegalArgumentException(
                    "unknown unit \"" + unit + "\" in duration \"" + s + "\"");
          };
      BigDecimal v;
      try {
        v = new BigDecimal(num);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid duration \"" + s + "\"", e);
      }
      totalNanos = totalNanos.add(v.multiply(BigDecimal.valueOf(mult)));
    }
    long nanos;
    try {
      nanos = totalNanos.toBigInteger().longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("duration out of range: \"" + s + "\"", e);
    }
    Duration d = Duration.ofNanos(nanos);
    return neg ? d.negated() : d;
  }

  /**
   * Go's {@code time.Duration.String()}: {@code 2m0s}, {@code 1h30m0s}, {@code 300ms}, {@code 0s}.
   */
  public static String formatGo(Duration d) {
    long n = d.toNanos();
    if (n == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    if (n < 0) {
      sb.append('-');
      n = -n;
    }
    if (n < 1_000_000_000L) {
      if (n < 1_000L) {
        return sb.append(n).append("ns").toString();
      } else if (n < 1_000_000L) {
        return sb.append(fraction(n, 1_000L)).append("µs").toString();
      }
      return sb.append(fraction(n, 1_000_000L)).append("ms").toString();
    }
    long h = n / 3_600_000_000_000L;
    n -= h * 3_600_000_000_000L;
    long m = n / 60_000_000_000L;
    n -= m * 60_000_000_000L;
    if (h > 0) {
      sb.append(h).append('h');
    }
    if (h > 0 || m > 0) {
      sb.append(m).append('m');
    }
    return sb.append(fraction(n, 1_000_000_000L)).append('s').toString();
  }

  private static String fraction(long v, long unit) {
    long whole = v / unit;
    long frac = v % unit;
    if (frac == 0) {
      return Long.toString(whole);
    }
    String digits = Long.toString(unit + frac).substring(1);
    int end = digits.length();
    while (end > 0 && digits.charAt(end - 1) == '0') {
      end--;
    }
    return whole + "." + digits.substring(0, end);
  }

  /**
   * Prometheus' {@code model.Duration.String()}: millisecond precision, largest exact units for
   * y/w/d, e.g. {@code 2d}, {@code 1h30m}, {@code 0s}.
   */
  public static String formatPrometheus(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    if (ms < 0) {
      sb.append('-');
      ms = -ms;
    }
    long[] mults = {
      365L * 86_400_000L, 7L * 86_400_000L, 86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L
    };
    String[] units = {"y", "w", "d", "h", "m", "s", "ms"};
    for (int i = 0; i < mults.length; i++) {
      boolean exact = i < 3;
      if (exact && ms % mults[i] != 0) {
        continue;
      }
      long v = ms / mults[i];
      if (v > 0) {
        sb.append(v).append(units[i]);
        ms -= v * mults[i];
      }
    }
    return sb.toString();
  }
}
