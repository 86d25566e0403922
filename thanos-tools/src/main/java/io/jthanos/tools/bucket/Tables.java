package io.jthanos.tools.bucket;

import java.io.PrintWriter;
import java.util.List;

/** Table output as Thanos prints it (tablewriter with side borders; CSV and TSV). */
final class Tables {
  private Tables() {}

  /**
   * A table with left and right borders, no top or bottom border, {@code |} separators, centered
   * header, left-aligned cells, e.g.
   *
   * <pre>
   * |  ULID  |  FROM  |
   * |--------|--------|
   * | 01H... | 2024-… |
   * </pre>
   */
  static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
    int n = header.size();
    int[] w = new int[n];
    for (int i = 0; i < n; i++) {
      w[i] = header.get(i).length();
    }
    for (List<String> r : rows) {
      for (int i = 0; i < n; i++) {
        w[i] = Math.max(w[i], r.get(i).codePointCount(0, r.get(i).length()));
      }
    }
    StringBuilder sb = new StringBuilder("|");
    for (int i = 0; i < n; i++) {
      String h = header.get(i);
      int pad = w[i] - h.length();
      int left = pad / 2;
      sb.append(' ').append(" ".repeat(left)).append(h).append(" ".repeat(pad - left)).append(" |");
    }
    out.println(sb);
    sb.setLength(0);
    sb.append('|');
    for (int i = 0; i < n; i++) {
      sb.append("-".repeat(w[i] + 2)).append('|');
    }
    out.println(sb);
    for (List<String> r : rows) {
      sb.setLength(0);
      sb.append('|');
      for (int i = 0; i < n; i++) {
        String v = r.get(i);
        int len = v.codePointCount(0, v.length());
        sb.append(' ').append(v).append(" ".repeat(w[i] - len)).append(" |");
      }
      out.println(sb);
    }
  }

  /** CSV ({@code ,}) or TSV ({@code \t}) with Go's encoding/csv quoting. */
  static void separated(PrintWriter out, List<String> header, List<List<String>> rows, char sep) {
    line(out, header, sep);
    for (List<String> r : rows) {
      line(out, r, sep);
    }
  }

  private static void line(PrintWriter out, List<String> fields, char sep) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        sb.append(sep);
      }
      String f = fields.get(i);
      boolean quote =
          f.indexOf(sep) >= 0
              || f.indexOf('"') >= 0
              || f.indexOf('\n') >= 0
              || f.indexOf('\r') >= 0
              || (!f.isEmpty() && (f.charAt(0) == ' ' || f.charAt(0) == '\t'));
      if (quote) {
        sb.append('"').append(f.replace("\"", "\"\"")).append('"');
      } else {
        sb.append(f);
      }
    }
    out.print(sb);
    out.print('\n');
  }
}
