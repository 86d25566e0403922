package io.jthanos.tsdb.labels;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A label matcher with Prometheus semantics: {@code =}, {@code !=}, {@code =~}, {@code !~}; regular
 * expressions use RE2 syntax and are fully anchored. An absent label has the value {@code ""}, so
 * {@code {a=""}} matches series without {@code a}.
 *
 * <p>Regexes are compiled once. Common shapes skip the regex engine: a plain literal, a set of
 * literals ({@code a|b|c}), a literal prefix followed by {@code .*}, and {@code .*} / {@code .+}.
 */
public final class Matcher {
  private final MatchType type;
  private final String name;
  private final String value;
  private final RegexDialect dialect;

  // Regex evaluation strategy, resolved at construction.
  private final Pattern pattern; // null when a fast path applies
  private final Set<String> literalSet; // exact alternatives
  private final String prefix; // literal prefix followed by ".*"
  private final int special; // 0 none, 1 = ".*" (any), 2 = ".+" (non-empty)

  private Matcher(MatchType type, String name, String value, RegexDialect dialect) {
    this.type = Objects.requireNonNull(type, "type");
    this.name = Objects.requireNonNull(name, "name");
    this.value = Objects.requireNonNull(value, "value");
    this.dialect = Objects.requireNonNull(dialect, "dialect");
    if (type == MatchType.REGEX || type == MatchType.NOT_REGEX) {
      Analysis a = analyse(value, dialect);
      this.literalSet = a.set;
      this.prefix = a.prefix;
      this.special = a.special;
      if (a.set == null && a.prefix == null && a.special == 0) {
        try {
          this.pattern = Pattern.compile(dialect.anchor(value));
        } catch (PatternSyntaxException e) {
          throw new IllegalArgumentException(
              "error parsing regexp: " + e.getDescription() + ": `" + e.getPattern() + "`", e);
        }
      } else {
        this.pattern = null;
      }
    } else {
      this.pattern = null;
      this.literalSet = null;
      this.prefix = null;
      this.special = 0;
    }
  }

  /** Creates a matcher; regexes use the default (Prometheus 3.x) anchoring. */
  public static Matcher of(MatchType type, String name, String value) {
    return new Matcher(type, name, value, RegexDialect.defaultDialect());
  }

  public static Matcher of(MatchType type, String name, String value, RegexDialect dialect) {
    return new Matcher(type, name, value, dialect);
  }

  public static Matcher equal(String name, String value) {
    return of(MatchType.EQUAL, name, value);
  }

  public static Matcher notEqual(String name, String value) {
    return of(MatchType.NOT_EQUAL, name, value);
  }

  public static Matcher regex(String name, String value) {
    return of(MatchType.REGEX, name, value);
  }

  public static Matcher notRegex(String name, String value) {
    return of(MatchType.NOT_REGEX, name, value);
  }

  public MatchType type() {
    return type;
  }

  public String name() {
    return name;
  }

  public String value() {
    return value;
  }

  public RegexDialect dialect() {
    return dialect;
  }

  /** Whether the value (use {@code ""} for an absent label) satisfies this matcher. */
  public boolean matches(String v) {
    return switch (type) {
      case EQUAL -> value.equals(v);
      case NOT_EQUAL -> !value.equals(v);
      case REGEX -> matchRegex(v);
      case NOT_REGEX -> !matchRegex(v);
    };
  }

  /** Applies the matcher to a series' label set (absent label = empty value). */
  public boolean matches(Labels labels) {
    return matches(labels.get(name));
  }

  /** Whether the matcher accepts the empty value, i.e. also matches series lacking the label. */
  public boolean matchesEmpty() {
    return matches("");
  }

  /**
   * For a regex that is a set of literals (or a single literal), the values it accepts; else null.
   * Lets index lookups fetch exactly those postings.
   */
  public Set<String> setMatches() {
    return literalSet;
  }

  /** The literal prefix of a {@code prefix.*} regex, else null. */
  public String literalPrefix() {
    return prefix;
  }

  private boolean matchRegex(String v) {
    if (literalSet != null) {
      return literalSet.contains(v);
    }
    if (prefix != null) {
      return v.startsWith(prefix) && (dialect == RegexDialect.PROMETHEUS_3 || noNewline(v));
    }
    if (special == 1) {
      return dialect == RegexDialect.PROMETHEUS_3 || noNewline(v);
    }
    if (special == 2) {
      return !v.isEmpty() && (dialect == RegexDialect.PROMETHEUS_3 || noNewline(v));
    }
    return pattern.matcher(v).find();
  }

  private static boolean noNewline(String v) {
    return v.indexOf('\n') < 0;
  }

  private record Analysis(Set<String> set, String prefix, int special) {}

  private static final String META = "\\.+*?()|[]{}^$";

  private static boolean isLiteral(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (META.indexOf(s.charAt(i)) >= 0) {
        return false;
      }
    }
    return true;
  }

  private static Analysis analyse(String re, RegexDialect dialect) {
    if (re.equals(".*")) {
      return new Analysis(null, null, 1);
    }
    if (re.equals(".+")) {
      return new Analysis(null, null, 2);
    }
    if (isLiteral(re)) {
      return new Analysis(Set.of(re), null, 0);
    }
    // Alternation of plain literals: a|b|c (no nesting, no escapes).
    if (re.indexOf('|') >= 0) {
      List<String> alts = new ArrayList<>();
      int start = 0;
      for (int i = 0; i <= re.length(); i++) {
        if (i == re.length() || re.charAt(i) == '|') {
          String alt = re.substring(start, i);
          if (!isLiteral(alt)) {
            alts = null;
            break;
          }
          alts.add(alt);
          start = i + 1;
        }
      }
      if (alts != null) {
        return new Analysis(Set.copyOf(new java.util.HashSet<>(alts)), null, 0);
      }
    }
    if (re.endsWith(".*") && re.length() > 2) {
      String p = re.substring(0, re.length() - 2);
      if (isLiteral(p)) {
        return new Analysis(null, p, 0);
      }
    }
    return new Analysis(null, null, 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Matcher m
        && type == m.type
        && name.equals(m.name)
        && value.equals(m.value)
        && dialect == m.dialect;
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, name, value, dialect);
  }

  /** PromQL form, e.g. {@code job=~"api|web"}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(name).append(type.op());
    Labels.quote(sb, value);
    return sb.toString();
  }
}
