package io.jthanos.promql.text;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Go's float formatting ({@code strconv.FormatFloat} with the shortest round-trip precision, and
 * the {@code fmt} verbs PromQL error texts use). The shortest digits come from {@link
 * Double#toString}, which produces the shortest uniquely-identifying decimal since JDK 19.
 */
public final class GoFloat {
  private GoFloat() {}

  /** Shortest decimal digits (no leading/trailing zeros) and the decimal point position. */
  private record Digits(String digits, int dp) {}

  private static Digits shortest(double abs) {
    String s = Double.toString(abs);
    int e = s.indexOf('E');
    String mant = e < 0 ? s : s.substring(0, e);
    int exp = e < 0 ? 0 : Integer.parseInt(s.substring(e + 1));
    int dot = mant.indexOf('.');
    String intPart = mant.substring(0, dot);
    String frac = mant.substring(dot + 1);
    String all = intPart + frac;
    int dp = intPart.length() + exp;
    int lead = 0;
    while (lead < all.length() - 1 && all.charAt(lead) == '0') {
      lead++;
    }
    all = all.substring(lead);
    dp -= lead;
    int end = all.length();
    while (end > 1 && all.charAt(end - 1) == '0') {
      end--;
    }
    String digits = all.substring(0, end);
    if (digits.length() == 2) {
      // Java prints at least two digits; Go's shortest form may have a single one.
      Digits one = oneDigit(abs, digits, dp);
      if (one != null) {
        return one;
      }
    }
    return new Digits(digits, dp);
  }

  private static Digits oneDigit(double abs, String two, int dp) {
    int d = two.charAt(0) - '0';
    Digits lo = new Digits(String.valueOf(d), dp);
    Digits hi = d == 9 ? new Digits("1", dp + 1) : new Digits(String.valueOf(d + 1), dp);
    boolean loOk = d > 0 && roundTrips(lo, abs);
    boolean hiOk = roundTrips(hi, abs);
    if (loOk && hiOk) {
      BigDecimal exact = new BigDecimal(abs);
      BigDecimal dl = exact.subtract(toDecimal(lo)).abs();
      BigDecimal dh = toDecimal(hi).subtract(exact).abs();
      return dl.compareTo(dh) <= 0 ? lo : hi;
    }
    if (loOk) {
      return lo;
    }
    return hiOk ? hi : null;
  }

  private static BigDecimal toDecimal(Digits d) {
    return new BigDecimal(d.digits).scaleByPowerOfTen(d.dp - d.digits.length());
  }

  private static boolean roundTrips(Digits d, double abs) {
    return Double.parseDouble(d.digits + "E" + (d.dp - d.digits.length())) == abs;
  }

  private static String special(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (v == Double.POSITIVE_INFINITY) {
      return "+Inf";
    }
    if (v == Double.NEGATIVE_INFINITY) {
      return "-Inf";
    }
    return null;
  }

  /**
   * {@code strconv.FormatFloat(v, fmt, -1, 64)} for {@code fmt} in {@code 'e'}, {@code 'f'}, {@code
   * 'g'}.
   */
  public static String format(double v, char fmt) {
    String sp = special(v);
    if (sp != null) {
      return sp;
    }
    StringBuilder sb = new StringBuilder(24);
    appendFormat(sb, v, fmt);
    return sb.toString();
  }

  /** Appends {@code strconv.FormatFloat(v, fmt, -1, 64)}. */
  public static void appendFormat(StringBuilder sb, double v, char fmt) {
    String sp = special(v);
    if (sp != null) {
      sb.append(sp);
      return;
    }
    boolean neg = (Double.doubleToRawLongBits(v) & Long.MIN_VALUE) != 0;
    if (neg) {
      sb.append('-');
    }
    double abs = Math.abs(v);
    if (abs == 0) {
      if (fmt == 'e') {
        sb.append("0e+00");
      } else {
        sb.append('0');
      }
      return;
    }
    Digits d = shortest(abs);
    switch (fmt) {
      case 'e' -> appendE(sb, d);
      case 'f' -> appendF(sb, d);
      case 'g' -> {
        int exp = d.dp - 1;
        if (exp < -4 || exp >= 6) {
          appendE(sb, d);
        } else {
          appendF(sb, d);
        }
      }
      default -> throw new IllegalArgumentException("format " + fmt);
    }
  }

  private static void appendE(StringBuilder sb, Digits d) {
    sb.append(d.digits.charAt(0));
    if (d.digits.length() > 1) {
      sb.append('.').append(d.digits, 1, d.digits.length());
    }
    int exp = d.dp - 1;
    sb.append('e').append(exp < 0 ? '-' : '+');
    int a = Math.abs(exp);
    if (a < 10) {
      sb.append('0');
    }
    sb.append(a);
  }

  private static void appendF(StringBuilder sb, Digits d) {
    String digits = d.digits;
    int dp = d.dp;
    if (dp <= 0) {
      sb.append("0.");
      for (int i = dp; i < 0; i++) {
        sb.append('0');
      }
      sb.append(digits);
    } else if (dp >= digits.length()) {
      sb.append(digits);
      for (int i = digits.length(); i < dp; i++) {
        sb.append('0');
      }
    } else {
      sb.append(digits, 0, dp).append('.').append(digits, dp, digits.length());
    }
  }

  /**
   * The format Prometheus uses for sample values in API JSON: {@code 'f'} when the value is zero or
   * 1e-6 <= |v| < 1e21, otherwise {@code 'e'}; {@code NaN}, {@code +Inf}, {@code -Inf}.
   */
  public static String formatSampleValue(double v) {
    double abs = Math.abs(v);
    char fmt = 'f';
    if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
      fmt = 'e';
    }
    return format(v, fmt);
  }

  /** Go's {@code %g} / {@code %v} for a float64. */
  public static String formatG(double v) {
    return format(v, 'g');
  }

  /** Go's {@code %f}: fixed point with 6 decimals, correctly rounded. */
  public static String formatFixed6(double v) {
    String sp = special(v);
    if (sp != null) {
      return sp;
    }
    String s = new BigDecimal(v).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
    if (v == 0 && (Double.doubleToRawLongBits(v) & Long.MIN_VALUE) != 0) {
      return "-" + s;
    }
    if (s.startsWith("-") && new BigDecimal(s).signum() == 0) {
      return s; // Go keeps the sign of a negative number that rounds to zero
    }
    return s;
  }

  /**
   * Go's {@code encoding/json} number formatting of a float64 (used for scalar and string result
   * timestamps): {@code 'f'} unless the exponent is < -6 or >= 21, then {@code 'e'} with a
   * one-digit exponent cleaned of its leading zero ({@code 1e-07} becomes {@code 1e-7}).
   */
  public static String formatJsonNumber(double v) {
    double abs = Math.abs(v);
    char fmt = 'f';
    if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
      fmt = 'e';
    }
    String s = format(v, fmt);
    if (fmt == 'e') {
      int n = s.length();
      if (n >= 4 && s.charAt(n - 4) == 'e' && s.charAt(n - 3) == '-' && s.charAt(n - 2) == '0') {
        s = s.substring(0, n - 2) + s.charAt(n - 1);
      }
    }
    return s;
  }
}
