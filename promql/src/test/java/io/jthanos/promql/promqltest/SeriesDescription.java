package io.jthanos.promql.promqltest;

import io.jthanos.promql.text.GoNumbers;
import io.jthanos.promql.text.GoStrings;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.LabelsBuilder;
import io.jthanos.tsdb.storage.Values;
import java.util.ArrayList;
import java.util.List;

/**
 * A series line of a test script: {@code metric{a="b"} 1 2 _ stale 0+10x3 {{...}}}. Values expand
 * as the promqltest language defines them ({@code a+bxN} by repeated addition).
 */
record SeriesDescription(Labels labels, List<Item> items) {

  /** One expanded position: a float, a native histogram, or an omitted slot. */
  record Item(Kind kind, double value) {
    enum Kind {
      FLOAT,
      HISTOGRAM,
      OMITTED
    }

    static final Item OMITTED = new Item(Kind.OMITTED, 0);
  }

  boolean hasHistograms() {
    for (Item i : items) {
      if (i.kind() == Item.Kind.HISTOGRAM) {
        return true;
      }
    }
    return false;
  }

  static SeriesDescription parse(String line) {
    Cursor c = new Cursor(line);
    Labels labels = parseMetric(c);
    List<Item> items = new ArrayList<>();
    while (true) {
      c.skipSpaces();
      if (c.eof()) {
        break;
      }
      String tok = c.readItem();
      expand(tok, items);
    }
    return new SeriesDescription(labels, items);
  }

  /** Parses only the metric part; returns the labels and leaves the cursor after them. */
  static Labels parseMetric(Cursor c) {
    c.skipSpaces();
    LabelsBuilder b = new LabelsBuilder();
    int start = c.pos;
    while (!c.eof() && (isNameChar(c.peek()))) {
      c.pos++;
    }
    if (c.pos > start) {
      b.set(Labels.METRIC_NAME, c.s.substring(start, c.pos));
    }
    if (!c.eof() && c.peek() == '{') {
      c.pos++;
      while (true) {
        c.skipSpaces();
        if (c.peek() == '}') {
          c.pos++;
          break;
        }
        String name;
        if (c.peek() == '"' || c.peek() == '\'' || c.peek() == '`') {
          name = c.readQuoted();
        } else {
          int ns = c.pos;
          while (!c.eof() && isNameChar(c.peek())) {
            c.pos++;
          }
          name = c.s.substring(ns, c.pos);
          if (name.isEmpty()) {
            throw new IllegalArgumentException("bad label name in series: " + c.s);
          }
        }
        c.skipSpaces();
        if (c.peek() == '=') {
          c.pos++;
          c.skipSpaces();
          String value = c.readQuoted();
          b.set(name, value);
        } else {
          // A quoted metric name inside the braces.
          b.set(Labels.METRIC_NAME, name);
        }
        c.skipSpaces();
        if (c.peek() == ',') {
          c.pos++;
        }
      }
    }
    return b.build();
  }

  private static boolean isNameChar(char ch) {
    return ch == '_' || ch == ':' || Character.isLetterOrDigit(ch);
  }

  static void expand(String tok, List<Item> out) {
    if (tok.startsWith("{{") || tok.contains("}}")) {
      // Native histogram(s): "{{...}}", "{{...}}xN", "{{A}}+{{B}}xN".
      int times = 0;
      int x = tok.lastIndexOf("}}x");
      if (x >= 0) {
        times = Integer.parseInt(tok.substring(x + 3));
      }
      for (int i = 0; i <= times; i++) {
        out.add(new Item(Item.Kind.HISTOGRAM, Double.NaN));
      }
      return;
    }
    if (tok.equals("_")) {
      out.add(Item.OMITTED);
      return;
    }
    if (tok.startsWith("_x")) {
      int n = Integer.parseInt(tok.substring(2));
      for (int i = 0; i < n; i++) {
        out.add(Item.OMITTED);
      }
      return;
    }
    if (tok.equals("stale")) {
      out.add(new Item(Item.Kind.FLOAT, Values.STALE_NAN));
      return;
    }
    int times = -1;
    String body = tok;
    int xi = tok.lastIndexOf('x');
    if (xi > 0 && xi < tok.length() - 1 && allDigits(tok.substring(xi + 1))) {
      times = Integer.parseInt(tok.substring(xi + 1));
      body = tok.substring(0, xi);
    }
    if (times < 0) {
      out.add(new Item(Item.Kind.FLOAT, number(body)));
      return;
    }
    // a[+-]b or just a
    int split = -1;
    for (int i = body.length() - 1; i > 0; i--) {
      char ch = body.charAt(i);
      if ((ch == '+' || ch == '-') && body.charAt(i - 1) != 'e' && body.charAt(i - 1) != 'E') {
        split = i;
        break;
      }
    }
    double a;
    double inc = 0;
    if (split > 0) {
      a = number(body.substring(0, split));
      inc = number(body.substring(split + 1));
      if (body.charAt(split) == '-') {
        inc = -inc;
      }
    } else {
      a = number(body);
    }
    double v = a;
    for (int i = 0; i <= times; i++) {
      out.add(new Item(Item.Kind.FLOAT, v));
      v += inc;
    }
  }

  private static boolean allDigits(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isDigit(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  static double number(String s) {
    String l = s.toLowerCase(java.util.Locale.ROOT);
    if (!l.isEmpty()
        && Character.isLetter(l.charAt(l.length() - 1))
        && !l.endsWith("inf")
        && !l.endsWith("nan")) {
      // A duration such as 1m stands for its seconds (v3.14 scripts).
      boolean neg = s.startsWith("-");
      String d = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
      double secs = GoNumbers.parseDuration(d) / 1000.0;
      return neg ? -secs : secs;
    }
    try {
      return GoNumbers.parseInt(s);
    } catch (IllegalArgumentException e) {
      return GoNumbers.parseFloat(s);
    }
  }

  /** A character cursor over a line. */
  static final class Cursor {
    final String s;
    int pos;

    Cursor(String s) {
      this.s = s;
    }

    boolean eof() {
      return pos >= s.length();
    }

    char peek() {
      return pos < s.length() ? s.charAt(pos) : '\0';
    }

    void skipSpaces() {
      while (!eof() && Character.isWhitespace(peek())) {
        pos++;
      }
    }

    String readQuoted() {
      char q = peek();
      int start = pos;
      pos++;
      while (!eof()) {
        char ch = s.charAt(pos);
        if (ch == '\\' && q != '`') {
          pos += 2;
          continue;
        }
        pos++;
        if (ch == q) {
          return GoStrings.unquote(s.substring(start, pos));
        }
      }
      throw new IllegalArgumentException("unterminated string in: " + s);
    }

    /** An item: a run of non-space characters, where {{...}} may contain spaces. */
    String readItem() {
      int start = pos;
      while (!eof()) {
        if (s.startsWith("{{", pos)) {
          int end = s.indexOf("}}", pos);
          if (end < 0) {
            throw new IllegalArgumentException("unterminated histogram in: " + s);
          }
          pos = end + 2;
          continue;
        }
        if (Character.isWhitespace(peek())) {
          break;
        }
        pos++;
      }
      return s.substring(start, pos);
    }
  }
}
