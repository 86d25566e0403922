package io.jthanos.tsdb.labels;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Recognises the regular expressions label matchers use most and evaluates them without the regex
 * engine, like Prometheus' {@code FastRegexMatcher}: an alternation (optionally wrapped in one
 * group) of alternatives, each a literal (escaped punctuation allowed) optionally preceded and/or
 * followed by {@code .*} or {@code .+}. Anything else is left to RE2, with a literal prefix
 * pre-check when the expression starts with one.
 *
 * <p>Also derives what index lookups need: the set of literals when every alternative is a literal,
 * and a literal prefix every match starts with.
 */
final class FastRegex {
  enum Wild {
    NONE,
    STAR,
    PLUS
  }

  /** One alternative: [lead wildcard] literal [trail wildcard]. */
  record Alt(Wild lead, String literal, Wild trail) {
    boolean isLiteral() {
      return lead == Wild.NONE && trail == Wild.NONE;
    }

    /** Match ignoring the dialect's newline rule. */
    boolean matches(String v) {
      String l = literal;
      if (lead == Wild.NONE && trail == Wild.NONE) {
        return v.equals(l);
      }
      if (lead == Wild.NONE) {
        return v.startsWith(l) && enough(v.length() - l.length(), trail);
      }
      if (trail == Wild.NONE) {
        return v.endsWith(l) && enough(v.length() - l.length(), lead);
      }
      // Both sides wildcards: the leftmost occurrence leaves the most room after it.
      int i = v.indexOf(l, lead == Wild.PLUS ? 1 : 0);
      if (i < 0) {
        return false;
      }
      return enough(v.length() - i - l.length(), trail);
    }

    private static boolean enough(int n, Wild w) {
      return w != Wild.PLUS || n > 0;
    }
  }

  /** Alternatives when the whole expression is recognised, else null. */
  final List<Alt> alts;

  /** Literal set when every alternative is a literal, else null. */
  final Set<String> set;

  /** A prefix every matching string starts with ("" when none). */
  final String prefix;

  private FastRegex(List<Alt> alts, Set<String> set, String prefix) {
    this.alts = alts;
    this.set = set;
    this.prefix = prefix;
  }

  static FastRegex analyse(String re) {
    List<Alt> alts = parseAlternation(stripGroup(re));
    if (alts == null) {
      return new FastRegex(null, null, leadingLiteral(re));
    }
    Set<String> set = null;
    if (alts.stream().allMatch(Alt::isLiteral)) {
      set = new LinkedHashSet<>();
      for (Alt a : alts) {
        set.add(a.literal);
      }
    }
    String prefix = null;
    for (Alt a : alts) {
      String p = a.lead == Wild.NONE ? a.literal : "";
      prefix = prefix == null ? p : commonPrefix(prefix, p);
    }
    return new FastRegex(alts, set, prefix == null ? "" : prefix);
  }

  private static String commonPrefix(String a, String b) {
    int n = Math.min(a.length(), b.length());
    int i = 0;
    while (i < n && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    if (i > 0 && i < a.length() && Character.isLowSurrogate(a.charAt(i))) {
      i--; // never split a surrogate pair
    }
    return a.substring(0, i);
  }

  /** Removes one group wrapping the whole expression: {@code (...)} or {@code (?:...)}. */
  private static String stripGroup(String re) {
    int start;
    if (re.startsWith("(?:")) {
      start = 3;
    } else if (re.startsWith("(") && !re.startsWith("(?")) {
      start = 1;
    } else {
      return re;
    }
    if (!re.endsWith(")") || re.endsWith("\\)")) {
      return re;
    }
    String inner = re.substring(start, re.length() - 1);
    // The closing paren must match the opening one: no other parens inside (escaped ones are fine).
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '(' || c == ')') {
        return re;
      }
    }
    return inner;
  }

  private static final String META = "\\.+*?()|[]{}^$";

  private static List<Alt> parseAlternation(String re) {
    List<Alt> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= re.length(); i++) {
      if (i == re.length() || re.charAt(i) == '|') {
        Alt a = parseAlt(re.substring(start, i));
        if (a == null) {
          return null;
        }
        out.add(a);
        start = i + 1;
      } else if (re.charAt(i) == '\\') {
        i++;
      }
    }
    return out;
  }

  private static Alt parseAlt(String s) {
    Wild lead = Wild.NONE;
    Wild trail = Wild.NONE;
    int from = 0;
    int to = s.length();
    if (s.startsWith(".*")) {
      lead = Wild.STAR;
      from = 2;
    } else if (s.startsWith(".+")) {
      lead = Wild.PLUS;
      from = 2;
    }
    if (to - from >= 2 && (s.endsWith(".*") || s.endsWith(".+")) && !escapedAt(s, to - 2)) {
      trail = s.endsWith(".*") ? Wild.STAR : Wild.PLUS;
      to -= 2;
    }
    String lit = unescape(s.substring(from, to));
    if (lit == null) {
      return null;
    }
    if (lit.isEmpty() && lead != Wild.NONE && trail != Wild.NONE) {
      return null; // ".*.*" and friends: leave to the engine
    }
    if (lit.isEmpty() && lead == Wild.NONE && trail != Wild.NONE) {
      return new Alt(trail, "", Wild.NONE);
    }
    return new Alt(lead, lit, trail);
  }

  /** Whether the char at {@code i} is preceded by an odd number of backslashes. */
  private static boolean escapedAt(String s, int i) {
    int n = 0;
    for (int k = i - 1; k >= 0 && s.charAt(k) == '\\'; k--) {
      n++;
    }
    return n % 2 == 1;
  }

  /** A literal with escaped ASCII punctuation, or null when it holds any other syntax. */
  private static String unescape(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        if (i + 1 >= s.length()) {
          return null;
        }
        char e = s.charAt(i + 1);
        if (e >= 128
            || Character.isLetterOrDigit(e)
            || e == '_'
            || Character.isWhitespace(e)
            || e < 0x20) {
          return null; // \d, \w, \n, \x41, ... are not plain literals
        }
        if (sb == null) {
          sb = new StringBuilder(s.substring(0, i));
        }
        sb.append(e);
        i++;
      } else if (META.indexOf(c) >= 0) {
        return null;
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? s : sb.toString();
  }

  /**
   * The literal run an expression starts with, or "" — for expressions the fast path does not
   * cover. A literal char followed by a quantifier is not part of it; a top-level alternation or a
   * leading flag group yields "".
   */
  static String leadingLiteral(String re) {
    int depth = 0;
    boolean inClass = false;
    for (int i = 0; i < re.length(); i++) {
      char c = re.charAt(i);
      if (c == '\\') {
        i++;
      } else if (inClass) {
        if (c == ']') {
          inClass = false;
        }
      } else if (c == '[') {
        inClass = true;
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == '|' && depth == 0) {
        return "";
      }
    }
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < re.length()) {
      char c = re.charAt(i);
      int len;
      char lit;
      if (c == '\\') {
        if (i + 1 >= re.length()) {
          break;
        }
        char e = re.charAt(i + 1);
        if (e >= 128
            || Character.isLetterOrDigit(e)
            || e == '_'
            || Character.isWhitespace(e)
            || e < 0x20) {
          break;
        }
        lit = e;
        len = 2;
      } else if (META.indexOf(c) >= 0) {
        break;
      } else {
        lit = c;
        len = 1;
      }
      int next = i + len;
      if (next < re.length() && "*+?{".indexOf(re.charAt(next)) >= 0) {
        break; // quantified: the char may be absent or repeated
      }
      sb.append(lit);
      i = next;
    }
    String p = sb.toString();
    if (!p.isEmpty() && Character.isHighSurrogate(p.charAt(p.length() - 1))) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }
}
