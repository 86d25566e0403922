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

  /**
   * Shortest decimal digits (no leading/trailing zeros) in {@code d[0..nd)}, and the decimal point
   * position {@code dp} (value = 0.d * 10^dp).
   */
  private static final class Digits {
    final char[] d = new char[24];
    int nd;
    int dp;
  }

  /**
   * Fills {@code out} with the shortest digits of {@code abs} (positive, finite), using the end of
   * {@code scratch} as temporary space (restored before returning).
   */
  private static void shortest(double abs, StringBuilder scratch, Digits out) {
    int start = scratch.length();
    scratch.append(abs);
    int len = scratch.length();
    char[] d = out.d;
    int nd = 0;
    int dp = 0;
    boolean afterDot = false;
    int exp = 0;
    for (int i = start; i < len; i++) {
      char c = scratch.charAt(i);
      if (c == '.') {
        afterDot = true;
        continue;
      }
      if (c == 'E') {
        exp = Integer.parseInt(scratch, i + 1, len, 10);
        break;
      }
      if (!afterDot) {
        dp++;
      }
      if (nd == 0 && c == '0') {
        dp--;
        continue;
      }
      d[nd++] = c;
    }
    scratch.setLength(start);
    while (nd > 1 && d[nd - 1] == '0') {
      nd--;
    }
    out.nd = nd;
    out.dp = dp + exp;
    if (nd == 2) {
      // Java prints at least two digits; Go's shortest form may have a single one.
      oneDigit(abs, out);
    }
  }

  private static void oneDigit(double abs, Digits out) {
    int first = out.d[0] - '0';
    int dp = out.dp;
    // Cheap filter: a one-digit decimal can only name abs when it is within a few ulps of it.
    double scale = Math.pow(10, dp - 1);
    double slack = 4 * Math.ulp(abs);
    boolean loNear = first > 0 && Math.abs(abs - first * scale) <= slack + Math.ulp(first * scale);
    boolean hiNear = Math.abs(abs - (first + 1) * scale) <= slack + Math.ulp((first + 1) * scale);
    if (!loNear && !hiNear) {
      return;
    }
    String lo = first + "E" + (dp - 1);
    String hi = (first == 9 ? "1E" + dp : (first + 1) + "E" + (dp - 1));
    boolean loOk = loNear && Double.parseDouble(lo) == abs;
    boolean hiOk = hiNear && Double.parseDouble(hi) == abs;
    if (loOk && hiOk) {
      BigDecimal exact = new BigDecimal(abs);
      BigDecimal dl = exact.subtract(new BigDecimal(lo)).abs();
      BigDecimal dh = new BigDecimal(hi).subtract(exact).abs();
      hiOk = dh.compareTo(dl) < 0;
      loOk = !hiOk;
    }
    if (loOk) {
      out.nd = 1;
    } else if (hiOk) {
      out.nd = 1;
      if (first == 9) {
        out.d[0] = '1';
        out.dp = dp + 1;
      } else {
        out.d[0] = (char) ('0' + first + 1);
      }
    }
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
    if (abs != 0
        && abs < 0x1p53
        && abs == Math.rint(abs)
        && (fmt == 'f' || (fmt == 'g' && abs < 1e6))) {
      // Integers below 2^53 are exact and every shorter decimal names another double: the
      // shortest form is the integer itself. The common case for counters; no allocation.
      sb.append((long) abs);
      return;
    }
    if (abs == 0) {
      if (fmt == 'e') {
        sb.append("0e+00");
      } else {
        sb.append('0');
      }
      return;
    }
    Digits d = new Digits();
    shortest(abs, sb, d);
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
    sb.append(d.d[0]);
    if (d.nd > 1) {
      sb.append('.').append(d.d, 1, d.nd - 1);
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
    int nd = d.nd;
    int dp = d.dp;
    if (dp <= 0) {
      sb.append("0.");
      for (int i = dp; i < 0; i++) {
        sb.append('0');
      }
      sb.append(d.d, 0, nd);
    } else if (dp >= nd) {
      sb.append(d.d, 0, nd);
      for (int i = nd; i < dp; i++) {
        sb.append('0');
      }
    } else {
      sb.append(d.d, 0, dp).append('.').append(d.d, dp, nd - dp);
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
