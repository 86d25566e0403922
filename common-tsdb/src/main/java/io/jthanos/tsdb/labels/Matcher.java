package io.jthanos.tsdb.labels;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;

/**
 * A label matcher with Prometheus semantics: {@code =}, {@code !=}, {@code =~}, {@code !~}; regular
 * expressions use RE2 syntax and are fully anchored. An absent label has the value {@code ""}, so
 * {@code {a=""}} matches series without {@code a}.
 *
 * <p>Regexes are compiled once. Common shapes skip the regex engine (see {@code FastRegex}): an
 * alternation of literals ({@code a|b|c}, escaped punctuation allowed, optionally in one group),
 * each optionally preceded or followed by {@code .*} / {@code .+} (prefix, suffix, contains). Other
 * regexes run on RE2/J after a literal-prefix pre-check.
 */
public final class Matcher {
  private final MatchType type;
  private final String name;
  private final String value;
  private final RegexDialect dialect;

  // Regex evaluation strategy, resolved at construction.
  private final FastRegex fast; // null for = and !=
  private final boolean wildcards; // fast alternatives use .* or .+
  private volatile Pattern pattern; // compiled eagerly unless the fast path covers the regex

  private Matcher(MatchType type, String name, String value, RegexDialect dialect) {
    this.type = Objects.requireNonNull(type, "type");
    this.name = Objects.requireNonNull(name, "name");
    this.value = Objects.requireNonNull(value, "value");
    this.dialect = Objects.requireNonNull(dialect, "dialect");
    if (type == MatchType.REGEX || type == MatchType.NOT_REGEX) {
      this.fast = FastRegex.analyse(value);
      this.wildcards = fast.alts != null && fast.alts.stream().anyMatch(a -> !a.isLiteral());
      if (fast.alts == null) {
        this.pattern = compile(value, dialect);
      }
    } else {
      this.fast = null;
      this.wildcards = false;
    }
  }

  private static Pattern compile(String value, RegexDialect dialect) {
    try {
      return Pattern.compile(dialect.anchor(value));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "error parsing regexp: " + e.getDescription() + ": `" + e.getPattern() + "`", e);
    }
  }

  private Pattern pattern() {
    Pattern p = pattern;
    if (p == null) {
      p = compile(value, dialect);
      pattern = p;
    }
    return p;
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
    return fast == null || fast.set == null ? null : Collections.unmodifiableSet(fast.set);
  }

  /**
   * For a regex, a literal prefix every accepted value starts with (e.g. {@code api} for {@code
   * api.*} or {@code api-(eu|us)}), else null. Lets index lookups scan only that range of values.
   */
  public String literalPrefix() {
    return fast == null || fast.prefix.isEmpty() ? null : fast.prefix;
  }

  private boolean matchRegex(String v) {
    FastRegex f = fast;
    if (f.alts != null) {
      if (f.set != null) {
        return f.set.contains(v);
      }
      if (wildcards && dialect == RegexDialect.PROMETHEUS_2 && v.indexOf('\n') >= 0) {
        // In 2.x "." does not match a newline: let the engine decide.
        return pattern().matcher(v).find();
      }
      for (FastRegex.Alt a : f.alts) {
        if (a.matches(v)) {
          return true;
        }
      }
      return false;
    }
    if (!f.prefix.isEmpty() && !v.startsWith(f.prefix)) {
      return false;
    }
    return pattern().matcher(v).find();
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
