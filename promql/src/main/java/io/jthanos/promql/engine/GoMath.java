package io.jthanos.promql.engine;

/**
 * Float functions with Go's special cases where Java's differ ({@code math.Pow}, {@code Log2},
 * {@code Round}, the inverse hyperbolic functions Java lacks) and the Kahan-Neumaier summation step
 * PromQL uses.
 */
final class GoMath {
  private GoMath() {}

  private static final double LN2 = 0.693147180559945309417232121458176568;
  private static final double LN10 = 2.30258509299404568401799145468436421;
  private static final double NEAR_ZERO = 1.0 / (1 << 28);
  private static final double LARGE = 1 << 28;

  /**
   * Go's {@code math.Pow}, which differs from Java for a base of ±1 with an infinite or NaN
   * exponent.
   */
  static double pow(double x, double y) {
    if (y == 0) {
      return 1;
    }
    if (x == 1) {
      return 1;
    }
    if (x == -1 && Double.isInfinite(y)) {
      return 1;
    }
    return Math.pow(x, y);
  }

  static double log2(double x) {
    if (Double.isNaN(x) || x < 0) {
      return Double.NaN;
    }
    if (x == 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (Double.isInfinite(x)) {
      return x;
    }
    // Frexp: x = frac * 2^exp with frac in [0.5, 1).
    int exp;
    double frac;
    if (Math.getExponent(x) < Double.MIN_EXPONENT) {
      double xs = x * 0x1p54;
      exp = Math.getExponent(xs) + 1 - 54;
      frac = Math.scalb(xs, -(Math.getExponent(xs) + 1));
    } else {
      exp = Math.getExponent(x) + 1;
      frac = Math.scalb(x, -exp);
    }
    if (frac == 0.5) {
      return exp - 1;
    }
    return Math.log(frac) * (1 / LN2) + exp;
  }

  static double log10(double x) {
    return Math.log(x) * (1 / LN10);
  }

  static double asinh(double x) {
    if (Double.isNaN(x) || Double.isInfinite(x)) {
      return x;
    }
    boolean sign = x < 0;
    if (sign) {
      x = -x;
    }
    double temp;
    if (x > LARGE) {
      temp = Math.log(x) + LN2;
    } else if (x > 2) {
      temp = Math.log(2 * x + 1 / (Math.sqrt(x * x + 1) + x));
    } else if (x < NEAR_ZERO) {
      temp = x;
    } else {
      temp = Math.log1p(x + x * x / (1 + Math.sqrt(1 + x * x)));
    }
    return sign ? -temp : temp;
  }

  static double acosh(double x) {
    if (x < 1 || Double.isNaN(x)) {
      return Double.NaN;
    }
    if (x == 1) {
      return 0;
    }
    if (x >= LARGE) {
      return Math.log(x) + LN2;
    }
    if (x > 2) {
      return Math.log(2 * x - 1 / (x + Math.sqrt(x * x - 1)));
    }
    double t = x - 1;
    return Math.log1p(t + Math.sqrt(2 * t + t * t));
  }

  static double atanh(double x) {
    if (x < -1 || x > 1 || Double.isNaN(x)) {
      return Double.NaN;
    }
    if (x == 1) {
      return Double.POSITIVE_INFINITY;
    }
    if (x == -1) {
      return Double.NEGATIVE_INFINITY;
    }
    boolean sign = false;
    if (x < 0) {
      x = -x;
      sign = true;
    }
    double temp;
    if (x < NEAR_ZERO) {
      temp = x;
    } else if (x < 0.5) {
      temp = x + x;
      temp = 0.5 * Math.log1p(temp + temp * x / (1 - x));
    } else {
      temp = 0.5 * Math.log1p((x + x) / (1 - x));
    }
    return sign ? -temp : temp;
  }

  /** Go's {@code math.Round}: half away from zero. */
  static double round(double x) {
    if (Double.isNaN(x) || Double.isInfinite(x)) {
      return x;
    }
    double a = Math.abs(x);
    double t = Math.floor(a);
    if (a - t >= 0.5) {
      t += 1;
    }
    return Math.copySign(t, x);
  }

  /**
   * One Kahan-Neumaier step: returns the new sum; {@code c[0]} is the compensation. The 3.x variant
   * resets the compensation when the sum becomes infinite.
   */
  static double kahanInc(double inc, double sum, double[] c, boolean v3) {
    double t = sum + inc;
    if (v3 && Double.isInfinite(t)) {
      c[0] = 0;
    } else if (Math.abs(sum) >= Math.abs(inc)) {
      c[0] += (sum - t) + inc;
    } else {
      c[0] += (inc - t) + sum;
    }
    return t;
  }

  /** Go's {@code int64(f)} on amd64: NaN and out-of-range values become {@code MinInt64}. */
  static long toInt64(double f) {
    if (Double.isNaN(f) || f >= 0x1p63 || f < -0x1p63) {
      return Long.MIN_VALUE;
    }
    return (long) f;
  }
}
