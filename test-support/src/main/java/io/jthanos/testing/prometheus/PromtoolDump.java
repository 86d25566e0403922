package io.jthanos.testing.prometheus;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Parses the output of {@code promtool tsdb dump}: one line per sample, {@code {name="value", ...}
 * <value> <timestamp ms>}, values quoted as Go's {@code strconv.Quote}, numbers as Go's {@code %g}
 * (shortest representation, {@code +Inf}, {@code -Inf}, {@code NaN}).
 */
public final class PromtoolDump {
  private PromtoolDump() {}

  /** Parses the dump into series, in the order they first appear. */
  public static List<DumpSeries> parse(String text) {
    Map<SortedMap<String, String>, List<long[]>> ts = new LinkedHashMap<>();
    Map<SortedMap<String, String>, List<Double>> vs = new LinkedHashMap<>();
    int lineNo = 0;
    for (String line : text.split("\n")) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      try {
        int[] pos = {0};
        SortedMap<String, String> labels = parseLabels(line, pos);
        String rest = line.substring(pos[0]).trim();
        int sp = rest.indexOf(' ');
        if (sp < 0) {
          throw new IllegalArgumentException("missing timestamp");
        }
        double v = parseGoFloat(rest.substring(0, sp));
        long t = Long.parseLong(rest.substring(sp + 1).trim());
        ts.computeIfAbsent(labels, k -> new ArrayList<>()).add(new long[] {t});
        vs.computeIfAbsent(labels, k -> new ArrayList<>()).add(v);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "unparsable promtool dump line " + lineNo + ": " + line, e);
      }
    }
    List<DumpSeries> out = new ArrayList<>();
    for (Map.Entry<SortedMap<String, String>, List<long[]>> e : ts.entrySet()) {
      List<long[]> tl = e.getValue();
      List<Double> vl = vs.get(e.getKey());
      long[] t = new long[tl.size()];
      double[] v = new double[tl.size()];
      for (int i = 0; i < t.length; i++) {
        t[i] = tl.get(i)[0];
        v[i] = vl.get(i);
      }
      out.add(new DumpSeries(e.getKey(), t, v));
    }
    return out;
  }

  /** Go's %g / strconv.FormatFloat output back to a double. */
  public static double parseGoFloat(String s) {
    return switch (s) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(s);
    };
  }

  /** Parses {@code {a="b", c="d"}} starting at pos[0]; leaves pos[0] after the closing brace. */
  public static SortedMap<String, String> parseLabels(String s, int[] pos) {
    TreeMap<String, String> m = new TreeMap<>();
    int i = pos[0];
    if (s.charAt(i) != '{') {
      throw new IllegalArgumentException("expected '{' at " + i);
    }
    i++;
    while (true) {
      if (s.charAt(i) == '}') {
        i++;
        break;
      }
      int eq = s.indexOf('=', i);
      String name = s.substring(i, eq).trim();
      i = eq + 1;
      if (s.charAt(i) != '"') {
        throw new IllegalArgumentException("expected '\"' at " + i);
      }
      int[] p = {i};
      String value = unquoteGo(s, p);
      i = p[0];
      m.put(name, value);
      if (s.charAt(i) == ',') {
        i++;
        while (s.charAt(i) == ' ') {
          i++;
        }
      }
    }
    pos[0] = i;
    return m;
  }

  /** Decodes a Go {@code strconv.Quote}d string starting at the opening quote. */
  public static String unquoteGo(String s, int[] pos) {
    int i = pos[0] + 1;
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (true) {
      char c = s.charAt(i);
      if (c == '"') {
        i++;
        break;
      }
      if (c != '\\') {
        int cp = s.codePointAt(i);
        b.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(cp);
        continue;
      }
      char e = s.charAt(i + 1);
      i += 2;
      switch (e) {
        case 'a' -> b.write(7);
        case 'b' -> b.write(8);
        case 'f' -> b.write(12);
        case 'n' -> b.write('\n');
        case 'r' -> b.write('\r');
        case 't' -> b.write('\t');
        case 'v' -> b.write(11);
        case '\\' -> b.write('\\');
        case '"' -> b.write('"');
        case '\'' -> b.write('\'');
        case 'x' -> {
          b.write(Integer.parseInt(s.substring(i, i + 2), 16));
          i += 2;
        }
        case 'u' -> {
          b.writeBytes(
              new String(Character.toChars(Integer.parseInt(s.substring(i, i + 4), 16)))
                  .getBytes(StandardCharsets.UTF_8));
          i += 4;
        }
        case 'U' -> {
          b.writeBytes(
              new String(Character.toChars(Integer.parseInt(s.substring(i, i + 8), 16)))
                  .getBytes(StandardCharsets.UTF_8));
          i += 8;
        }
        default -> throw new IllegalArgumentException("unknown escape \\" + e);
      }
    }
    pos[0] = i;
    return b.toString(StandardCharsets.UTF_8);
  }
}
