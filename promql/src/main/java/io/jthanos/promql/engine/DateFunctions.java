package io.jthanos.promql.engine;

/**
 * PromQL's date functions on Unix seconds, computed the way Go's {@code time} package does for
 * {@code time.Unix(sec, 0).UTC()}: calendar arithmetic on unsigned 64-bit seconds since an
 * "absolute" epoch in the year -292277022399. For ordinary times this is the proleptic Gregorian
 * calendar; for absurd inputs (NaN, infinities and huge values, which reach here as {@code
 * math.MinInt64} or values that overflow the epoch shift) the unsigned wrap-around gives the same
 * (meaningless but deterministic) answers Prometheus gives.
 */
final class DateFunctions {
  private DateFunctions() {}

  private static final long SECONDS_PER_DAY = 86_400;
  private static final long SECONDS_PER_WEEK = 7 * SECONDS_PER_DAY;
  private static final long DAYS_PER_400_YEARS = 365 * 400 + 97;
  private static final long DAYS_PER_100_YEARS = 365 * 100 + 24;
  private static final long DAYS_PER_4_YEARS = 365 * 4 + 1;
  private static final long ABSOLUTE_ZERO_YEAR = -292_277_022_399L;

  /** Seconds from the absolute epoch to the Unix epoch (wraps as unsigned arithmetic). */
  private static final long UNIX_TO_ABSOLUTE = 62_135_596_800L + 9_223_371_966_579_724_800L;

  /** Cumulative days before each month in a non-leap year (index 0 = before January). */
  private static final int[] DAYS_BEFORE = {
    0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365
  };

  static double apply(String fn, long unixSeconds) {
    long abs = unixSeconds + UNIX_TO_ABSOLUTE; // an unsigned value
    return switch (fn) {
      case "hour" -> Long.remainderUnsigned(abs, SECONDS_PER_DAY) / 3600;
      case "minute" -> Long.remainderUnsigned(abs, 3600) / 60;
      case "day_of_week" ->
          // January 1 of the absolute year was a Monday.
          Long.remainderUnsigned(abs + SECONDS_PER_DAY, SECONDS_PER_WEEK) / SECONDS_PER_DAY;
      default -> {
        Date d = date(abs);
        yield switch (fn) {
          case "year" -> d.year;
          case "month" -> d.month;
          case "day_of_month" -> d.day;
          case "day_of_year" -> d.yday + 1;
          case "days_in_month" -> 32 - dayOf32nd(d.year, d.month);
          default -> throw new IllegalArgumentException(fn);
        };
      }
    };
  }

  private record Date(long year, int month, int day, int yday) {}

  private static boolean leap(long y) {
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
  }

  /** Year, month, day and zero-based day of the year of absolute seconds (unsigned). */
  private static Date date(long abs) {
    long d = Long.divideUnsigned(abs, SECONDS_PER_DAY);
    long n = d / DAYS_PER_400_YEARS; // d < 2^64 / 86400: non-negative as a signed long
    long y = 400 * n;
    d -= DAYS_PER_400_YEARS * n;
    n = d / DAYS_PER_100_YEARS;
    n -= n >> 2; // the last day of a 400-year cycle
    y += 100 * n;
    d -= DAYS_PER_100_YEARS * n;
    n = d / DAYS_PER_4_YEARS;
    y += 4 * n;
    d -= DAYS_PER_4_YEARS * n;
    n = d / 365;
    n -= n >> 2; // the last day of a leap year
    y += n;
    d -= 365 * n;
    long year = y + ABSOLUTE_ZERO_YEAR;
    int yday = (int) d;
    int day = yday;
    if (leap(year)) {
      if (day == 31 + 29 - 1) {
        return new Date(year, 2, 29, yday);
      }
      if (day > 31 + 29 - 1) {
        day--;
      }
    }
    int month = day / 31;
    int end = DAYS_BEFORE[month + 1];
    int begin;
    if (day >= end) {
      month++;
      begin = end;
    } else {
      begin = DAYS_BEFORE[month];
    }
    return new Date(year, month + 1, day - begin + 1, yday);
  }

  /** The day of month of "the 32nd of month/year" after normalisation (Go's time.Date). */
  private static int dayOf32nd(long year, int month) {
    long days = daysSinceAbsoluteEpoch(year) + DAYS_BEFORE[month - 1];
    if (leap(year) && month >= 3) {
      days++;
    }
    days += 31;
    return date(days * SECONDS_PER_DAY).day;
  }

  private static long daysSinceAbsoluteEpoch(long year) {
    long y = year - ABSOLUTE_ZERO_YEAR; // non-negative for any year date() produces
    long n = y / 400;
    y -= 400 * n;
    long d = DAYS_PER_400_YEARS * n;
    n = y / 100;
    y -= 100 * n;
    d += DAYS_PER_100_YEARS * n;
    n = y / 4;
    y -= 4 * n;
    d += DAYS_PER_4_YEARS * n;
    d += 365 * y;
    return d;
  }
}
