package io.jthanos.tools.bucket;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** External label flags ({@code name="value"}, repeated), as Thanos' {@code parseFlagLabels}. */
final class Labels {
  private Labels() {}

  /**
   * Parses {@code key="value"} items (quotes required, Go string escapes allowed).
   *
   * @throws IllegalArgumentException naming the bad item
   */
  static Map<String, String> parseFlagLabels(List<String> items) {
    Map<String, String> out = new TreeMap<>();
    for (String s : items) {
      int eq = s.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("unrecognized label \"" + s + "\"");
      }
      String name = s.substring(0, eq);
      if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
        throw new IllegalArgumentException("unsupported format for label " + s);
      }
      String raw = s.substring(eq + 1);
      if (raw.length() < 2 || !raw.startsWith("\"") || !raw.endsWith("\"")) {
        throw new IllegalArgumentException("unquoted value in label \"" + s + "\"");
      }
      out.put(name, unquote(raw.substring(1, raw.length() - 1), s));
    }
    return out;
  }

  private static String unquote(String v, String item) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '"') {
        throw new IllegalArgumentException("unquoted value in label \"" + item + "\"");
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (++i >= v.length()) {
        throw new IllegalArgumentException("invalid escape in label \"" + item + "\"");
      }
      char e = v.charAt(i);
      sb.append(
          switch (e) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case '\\' -> '\\';
            case '"' -> '"';
            default ->
                throw new IllegalArgumentException("invalid escape in label \"" + item + "\"");
          });
    }
    return sb.toString();
  }
}
