package io.jthanos.testing.prometheus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes OpenMetrics text for {@code promtool tsdb create-blocks-from openmetrics}: a {@code #
 * TYPE} line per family, then its samples with explicit timestamps, then {@code # EOF}. Call {@link
 * #family} before the samples of each family and keep families contiguous. Timestamps are written
 * as seconds with millisecond fraction; promtool converts them back to milliseconds by
 * floating-point multiplication, so compare against {@code promtool tsdb dump} rather than the
 * input when exact milliseconds matter.
 */
public final class OpenMetricsWriter {
  private final StringBuilder sb = new StringBuilder(1 << 16);
  private boolean finished;

  /** Starts a metric family ({@code type}: counter, gauge, histogram, summary, unknown). */
  public OpenMetricsWriter family(String name, String type) {
    check();
    sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    return this;
  }

  /** One sample; {@code metric} is the full sample name (e.g. with {@code _total}). */
  public OpenMetricsWriter sample(
      String metric, Map<String, String> labels, double value, long timestampMs) {
    check();
    sb.append(metric);
    if (!labels.isEmpty()) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        sb.append(e.getKey()).append("=\"");
        escape(e.getValue());
        sb.append('"');
      }
      sb.append('}');
    }
    sb.append(' ').append(formatValue(value)).append(' ');
    sb.append(formatTimestamp(timestampMs)).append('\n');
    return this;
  }

  private void escape(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        default -> sb.append(c);
      }
    }
  }

  static String formatValue(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  static String formatTimestamp(long ms) {
    long s = Math.floorDiv(ms, 1000);
    long frac = Math.floorMod(ms, 1000);
    return frac == 0 ? Long.toString(s) : String.format("%d.%03d", s, frac);
  }

  private void check() {
    if (finished) {
      throw new IllegalStateException("already finished with # EOF");
    }
  }

  /** Appends {@code # EOF} and returns the text. */
  public String finish() {
    if (!finished) {
      sb.append("# EOF\n");
      finished = true;
    }
    return sb.toString();
  }

  /** Finishes and writes the text to {@code file}. */
  public Path writeTo(Path file) {
    try {
      Files.writeString(file, finish(), StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
