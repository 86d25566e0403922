package io.jthanos.promql.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Go's strconv.FormatFloat(v, fmt, -1, 64), checked against known outputs and invariants. */
class GoFloatTest {
  @Test
  void knownOutputs() {
    assertThat(GoFloat.format(1, 'f')).isEqualTo("1");
    assertThat(GoFloat.format(-0.0, 'f')).isEqualTo("-0");
    assertThat(GoFloat.format(1e21, 'f')).isEqualTo("1000000000000000000000");
    assertThat(GoFloat.format(0x1p53, 'f')).isEqualTo("9007199254740992");
    assertThat(GoFloat.format(123456789, 'g')).isEqualTo("1.23456789e+08");
    assertThat(GoFloat.format(100000, 'g')).isEqualTo("100000");
    assertThat(GoFloat.format(1000000, 'g')).isEqualTo("1e+06");
    assertThat(GoFloat.format(0.1, 'f')).isEqualTo("0.1");
    assertThat(GoFloat.format(1e-7, 'e')).isEqualTo("1e-07");
    assertThat(GoFloat.format(5e-324, 'e')).isEqualTo("5e-324");
    assertThat(GoFloat.format(2 * Double.MIN_VALUE, 'e')).isEqualTo("1e-323");
    assertThat(GoFloat.format(3 * Double.MIN_VALUE, 'e')).isEqualTo("1.5e-323");
    assertThat(GoFloat.format(1e23, 'g')).isEqualTo("1e+23");
    assertThat(GoFloat.format(2.5, 'f')).isEqualTo("2.5");
    assertThat(GoFloat.format(0.3, 'g')).isEqualTo("0.3");
    assertThat(GoFloat.format(123.456, 'e')).isEqualTo("1.23456e+02");
    assertThat(GoFloat.format(9.5e-5, 'g')).isEqualTo("9.5e-05");
    assertThat(GoFloat.format(1.7976931348623157e308, 'e')).isEqualTo("1.7976931348623157e+308");
    assertThat(GoFloat.format(Double.NaN, 'f')).isEqualTo("NaN");
    assertThat(GoFloat.format(Double.NEGATIVE_INFINITY, 'g')).isEqualTo("-Inf");
  }

  @Test
  void integersAreWrittenExactlyAndEverythingRoundTrips() {
    Random rnd = new Random(3);
    for (int i = 0; i < 200_000; i++) {
      double v =
          switch (i % 4) {
            case 0 -> (double) (rnd.nextLong() >> rnd.nextInt(64));
            case 1 -> rnd.nextInt(2_000_000) - 1_000_000;
            case 2 -> Double.longBitsToDouble(rnd.nextLong());
            default -> rnd.nextInt(1000) / 8.0;
          };
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        continue;
      }
      String f = GoFloat.format(v, 'f');
      assertThat(Double.parseDouble(f)).as(f).isEqualTo(v);
      if (v == Math.rint(v) && Math.abs(v) < 0x1p53) {
        assertThat(f).isEqualTo(new BigDecimal(v).toPlainString().replaceFirst("^0$", "0"));
      }
      String g = GoFloat.format(v, 'g');
      assertThat(Double.parseDouble(g)).as(g).isEqualTo(v);
      String e = GoFloat.format(v, 'e');
      assertThat(Double.parseDouble(e)).as(e).isEqualTo(v);
      // 'f' and 'e' carry the same (shortest) digits.
      assertThat(digits(f)).as("%s vs %s", f, e).isEqualTo(digits(e.substring(0, e.indexOf('e'))));
    }
  }

  private static String digits(String s) {
    String d = s.replaceAll("[^0-9]", "").replaceFirst("^0+", "").replaceFirst("0+$", "");
    return d.isEmpty() ? "0" : d;
  }
}
