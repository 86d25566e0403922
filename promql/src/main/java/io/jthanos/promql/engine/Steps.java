package io.jthanos.promql.engine;

/** The evaluation timestamps {@code start, start+interval, ..., end} (ms). */
record Steps(long start, long end, long interval, int count) {
  static Steps of(long start, long end, long interval) {
    if (interval <= 0) {
      throw new IllegalArgumentException("interval must be positive");
    }
    long n = (end - start) / interval + 1;
    if (end < start) {
      n = 0;
    }
    if (n > Integer.MAX_VALUE / 2) {
      throw new IllegalArgumentException("too many steps");
    }
    return new Steps(start, end, interval, (int) n);
  }

  static Steps instant(long t) {
    return new Steps(t, t, 1, 1);
  }

  long time(int i) {
    return start + i * interval;
  }

  boolean isInstant() {
    return count == 1 && start == end;
  }
}
