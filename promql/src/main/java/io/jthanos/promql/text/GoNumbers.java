package io.jthanos.promql.text;

import java.util.Locale;

/**
 * Go's {@code strconv.ParseInt(s, 0, 64)} and {@code strconv.ParseFloat(s, 64)}, and Prometheus'
 * duration syntax ({@code model.ParseDuration}). Errors carry Go's message texts.
 */
public final class GoNumbers {
  private GoNumbers() {}

  /** A parse failure with Go's error text. */
  public static final class NumberSyntaxException extends IllegalArgumentException {
    public NumberSyntaxException(String message) {
      super(message);
    }
  }

  /**
   * {@code strconv.ParseInt(s, 0, 64)}: optional sign, base prefix {@code 0x 0o 0b} or a leading
   * {@code 0} for octal, underscores between digits.
   */
  public static long parseInt(String s) {
    String fn = "strconv.ParseInt";
    if (s.isEmpty()) {
      throw syntax(fn, s);
    }
    int i = 0;
    boolean neg = false;
    if (s.charAt(0) == '+' || s.charAt(0) == '-') {
      neg = s.charAt(0) == '-';
      i = 1;
    }
    String body = s.substring(i);
    int base = 10;
    int start = 0;
    if (body.length() >= 2 && body.charAt(0) == '0') {
      char p = Character.toLowerCase(body.charAt(1));
      if (p == 'x') {
        base = 16;
        start = 2;
      } else if (p == 'o') {
        base = 8;
        start = 2;
      } else if (p == 'b') {
        base = 2;
        start = 2;
      } else {
        base = 8;
        start = 1;
      }
    }
    if (!underscoreOk(body)) {
      throw syntax(fn, s);
    }
    String digits = body.substring(start).replace("_", "");
    if (digits.isEmpty()) {
      if (start == 1) {
        return 0; // "0" handled as octal prefix with no digits
      }
      throw syntax(fn, s);
    }
    for (int k = 0; k < digits.length(); k++) {
      char c = digits.charAt(k);
      if (c >= 128 || Character.digit(c, base) < 0) {
        throw syntax(fn, s);
      }
    }
    java.math.BigInteger bi = new java.math.BigInteger(digits, base);
    if (neg) {
      bi = bi.negate();
    }
    if (bi.bitLength() > 63) {
      throw new NumberSyntaxException(
          fn + ": parsing " + GoStrings.quote(s) + ": value out of range");
    }
    return bi.longValue();
  }

  /** Go's {@code underscoreOK}: underscores only between digits or after a base prefix. */
  private static boolean underscoreOk(String s) {
    char saw = '^';
    int i = 0;
    if (s.length() >= 1 && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      s = s.substring(1);
    }
    boolean hex = false;
    if (s.length() >= 2 && s.charAt(0) == '0' && "bBoOxX".indexOf(s.charAt(1)) >= 0) {
      i = 2;
      saw = '0';
      hex = Character.toLowerCase(s.charAt(1)) == 'x';
    }
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c >= '0' && c <= '9') || (hex && Character.digit(c, 16) >= 0)) {
        saw = '0';
        continue;
      }
      if (c == '_') {
        if (saw != '0') {
          return false;
        }
        saw = '_';
        continue;
      }
      if (saw == '_') {
        return false;
      }
      saw = '!';
    }
    return saw != '_';
  }

  /**
   * {@code strconv.ParseFloat(s, 64)}: decimal or hexadecimal (with {@code p} exponent) literals,
   * underscores between digits, {@code Inf}/{@code Infinity}/{@code NaN} in any case.
   */
  public static double parseFloat(String s) {
    String fn = "strconv.ParseFloat";
    if (s.isEmpty()) {
      throw syntax(fn, s);
    }
    int i = 0;
    boolean neg = false;
    if (s.charAt(0) == '+' || s.charAt(0) == '-') {
      neg = s.charAt(0) == '-';
      i = 1;
    }
    String body = s.substring(i);
    String lower = body.toLowerCase(Locale.ROOT);
    if (lower.equals("inf") || lower.equals("infinity")) {
      return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (lower.equals("nan") && i == 0) {
      return Double.NaN;
    }
    if (body.indexOf('_') >= 0) {
      if (!underscoreOk(body)) {
        throw syntax(fn, s);
      }
      body = body.replace("_", "");
    }
    boolean hex = lower.startsWith("0x");
    if (!(hex ? validHexFloat(body) : validDecimal(body))) {
      throw syntax(fn, s);
    }
    double v;
    try {
      v =
          Double.parseDouble(
              hex && body.indexOf('p') < 0 && body.indexOf('P') < 0 ? body + "p0" : body);
    } catch (NumberFormatException e) {
      throw syntax(fn, s);
    }
    if (Double.isInfinite(v)) {
      throw new NumberSyntaxException(
          fn + ": parsing " + GoStrings.quote(s) + ": value out of range");
    }
    return neg ? -v : v;
  }

  private static boolean validDecimal(String b) {
    int i = 0;
    int n = b.length();
    int digits = 0;
    while (i < n && Character.isDigit(b.charAt(i)) && b.charAt(i) < 128) {
      i++;
      digits++;
    }
    if (i < n && b.charAt(i) == '.') {
      i++;
      while (i < n && b.charAt(i) >= '0' && b.charAt(i) <= '9') {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (b.charAt(i) == 'e' || b.charAt(i) == 'E')) {
      i++;
      if (i < n && (b.charAt(i) == '+' || b.charAt(i) == '-')) {
        i++;
      }
      int ed = 0;
      while (i < n && b.charAt(i) >= '0' && b.charAt(i) <= '9') {
        i++;
        ed++;
      }
      if (ed == 0) {
        return false;
      }
    }
    return i == n;
  }

  private static boolean validHexFloat(String b) {
    int i = 2;
    int n = b.length();
    int digits = 0;
    while (i < n && Character.digit(b.charAt(i), 16) >= 0) {
      i++;
      digits++;
    }
    boolean frac = false;
    if (i < n && b.charAt(i) == '.') {
      frac = true;
      i++;
      while (i < n && Character.digit(b.charAt(i), 16) >= 0) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (b.charAt(i) == 'p' || b.charAt(i) == 'P')) {
      i++;
      if (i < n && (b.charAt(i) == '+' || b.charAt(i) == '-')) {
        i++;
      }
      int ed = 0;
      while (i < n && b.charAt(i) >= '0' && b.charAt(i) <= '9') {
        i++;
        ed++;
      }
      if (ed == 0) {
        return false;
      }
      return i == n;
    }
    // Go requires the p exponent for hexadecimal floats with a fraction.
    return !frac && i == n;
  }

  private static NumberSyntaxException syntax(String fn, String s) {
    return new NumberSyntaxException(fn + ": parsing " + GoStrings.quote(s) + ": invalid syntax");
  }

  private static final long[] UNIT_MS = {
    365L * 24 * 3600 * 1000,
    7L * 24 * 3600 * 1000,
    24L * 3600 * 1000,
    3600 * 1000L,
    60 * 1000L,
    1000L,
    1L
  };
  private static final String[] UNITS = {"y", "w", "d", "h", "m", "s", "ms"};

  /**
   * Prometheus' {@code model.ParseDuration}: units {@code y w d h m s ms}, each at most once and in
   * that order; {@code "0"} is allowed. Returns milliseconds.
   */
  public static long parseDuration(String s) {
    if (s.isEmpty()) {
      throw new NumberSyntaxException("empty duration string");
    }
    if (s.equals("0")) {
      return 0;
    }
    int i = 0;
    int n = s.length();
    int lastUnit = -1;
    long total = 0;
    while (i < n) {
      int ds = i;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
      }
      if (i == ds) {
        throw invalidDuration(s);
      }
      String num = s.substring(ds, i);
      int us = i;
      while (i < n && !(s.charAt(i) >= '0' && s.charAt(i) <= '9')) {
        i++;
      }
      String unit = s.substring(us, i);
      int u = -1;
      for (int k = 0; k < UNITS.length; k++) {
        if (UNITS[k].equals(unit)) {
          u = k;
        }
      }
      if (u < 0) {
        if (unit.isEmpty()) {
          throw invalidDuration(s);
        }
        throw new NumberSyntaxException(
            "unknown unit " + GoStrings.quote(unit) + " in duration " + GoStrings.quote(s));
      }
      if (u <= lastUnit) {
        throw invalidDuration(s);
      }
      lastUnit = u;
      long v;
      try {
        v = Long.parseLong(num);
        total = Math.addExact(total, Math.multiplyExact(v, UNIT_MS[u]));
        // Go keeps durations in nanoseconds.
        Math.multiplyExact(total, 1_000_000L);
      } catch (ArithmeticException | NumberFormatException e) {
        throw new NumberSyntaxException("duration out of range");
      }
    }
    return total;
  }

  private static NumberSyntaxException invalidDuration(String s) {
    return new NumberSyntaxException("not a valid duration string: " + GoStrings.quote(s));
  }

  /** Prometheus' duration formatting ({@code model.Duration.String()}), e.g. {@code 1h30m}. */
  public static String formatDuration(long ms) {
    if (ms == 0) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder();
    long v = ms;
    if (v < 0) {
      sb.append('-');
      v = -v;
    }
    for (int k = 0; k < UNITS.length; k++) {
      long q = v / UNIT_MS[k];
      if (q > 0) {
        sb.append(q).append(UNITS[k]);
        v -= q * UNIT_MS[k];
      }
    }
    return sb.toString();
  }
}
