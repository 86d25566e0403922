package io.jthanos.tsdb.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MatcherTest {

  @Test
  void equalityAndEmptyValue() {
    assertThat(Matcher.equal("a", "").matches(Labels.of("b", "1"))).isTrue();
    assertThat(Matcher.equal("a", "").matches(Labels.of("a", "1"))).isFalse();
    assertThat(Matcher.notEqual("a", "").matches(Labels.of("a", "1"))).isTrue();
    assertThat(Matcher.notEqual("a", "x").matchesEmpty()).isTrue();
  }

  @Test
  void regexIsFullyAnchored() {
    Matcher m = Matcher.regex("job", "ap.");
    assertThat(m.matches("api")).isTrue();
    assertThat(m.matches("xapi")).isFalse();
    assertThat(m.matches("apix")).isFalse();
    assertThat(Matcher.regex("job", "a|b").matches("ab")).isFalse();
  }

  @Test
  void fastPathsAgreeWithRegexEngine() {
    String[] inputs = {"", "foo", "foobar", "bar", "f", "foo\nbar", "x"};
    String[] res = {"foo", "foo|bar", "foo.*", ".*", ".+", "", "foo|", "f.*|bar"};
    for (RegexDialect d : RegexDialect.values()) {
      for (String re : res) {
        Matcher fast = Matcher.of(MatchType.REGEX, "n", re, d);
        com.google.re2j.Pattern slow = com.google.re2j.Pattern.compile(d.anchor(re));
        for (String in : inputs) {
          assertThat(fast.matches(in))
              .as("dialect %s re %s input %s", d, re, in)
              .isEqualTo(slow.matcher(in).find());
        }
      }
    }
  }

  @Test
  void randomRegexesAgreeWithRe2InBothDialects() {
    String[] atoms = {
      "a", "b", "ab", "\\.", "\\-", "x", "é", "😀", ".*", ".+", "", "\\|", "[ab]", "a?", "(a|b)",
      "\\d", "/"
    };
    String[] inputs = {
      "", "a", "b", "ab", "ba", "aab", "a.b", "a-b", "x", "xa", "ax", "a\nb", "\n", "é", "😀",
      "a😀", "😀a", "a|b", "1", "/", "a/b", "abab", "xabx", "aa", "b\na"
    };
    java.util.SplittableRandom r = new java.util.SplittableRandom(17);
    for (int round = 0; round < 3000; round++) {
      StringBuilder re = new StringBuilder();
      int alts = 1 + r.nextInt(3);
      for (int a = 0; a < alts; a++) {
        if (a > 0) {
          re.append('|');
        }
        int n = r.nextInt(4);
        for (int k = 0; k < n; k++) {
          re.append(atoms[r.nextInt(atoms.length)]);
        }
      }
      String regex =
          r.nextInt(5) == 0 ? "(" + re + ")" : r.nextInt(5) == 0 ? "(?:" + re + ")" : re.toString();
      for (RegexDialect d : RegexDialect.values()) {
        com.google.re2j.Pattern slow;
        try {
          slow = com.google.re2j.Pattern.compile(d.anchor(regex));
        } catch (com.google.re2j.PatternSyntaxException e) {
          continue;
        }
        Matcher fast = Matcher.of(MatchType.REGEX, "n", regex, d);
        for (String in : inputs) {
          assertThat(fast.matches(in))
              .as("dialect %s re %s input %s", d, regex, in)
              .isEqualTo(slow.matcher(in).find());
        }
        String prefix = fast.literalPrefix();
        if (prefix != null) {
          for (String in : inputs) {
            if (slow.matcher(in).find()) {
              assertThat(in).as("prefix of %s", regex).startsWith(prefix);
            }
          }
        }
        if (fast.setMatches() != null) {
          for (String in : inputs) {
            assertThat(fast.setMatches().contains(in)).isEqualTo(slow.matcher(in).find());
          }
        }
      }
    }
  }

  @Test
  void fastPathShapes() {
    assertThat(Matcher.regex("a", "(foo|bar\\.baz)").setMatches())
        .containsExactlyInAnyOrder("foo", "bar.baz");
    assertThat(Matcher.regex("a", "(?:x|y)").setMatches()).containsExactlyInAnyOrder("x", "y");
    assertThat(Matcher.regex("a", "api-.*|api-v2").literalPrefix()).isEqualTo("api-");
    assertThat(Matcher.regex("a", "foo[0-9]+").literalPrefix()).isEqualTo("foo");
    assertThat(Matcher.regex("a", "foo?").literalPrefix()).isEqualTo("fo");
    assertThat(Matcher.regex("a", "a|b.*").literalPrefix()).isNull();
    assertThat(Matcher.regex("a", ".*foo").literalPrefix()).isNull();
    assertThat(Matcher.regex("a", ".*foo.*").matches("xfooy")).isTrue();
    assertThat(Matcher.regex("a", ".+foo").matches("foo")).isFalse();
    assertThat(Matcher.notRegex("a", "a.+").matches("a")).isTrue();
  }

  @Test
  void dotMatchesNewlineOnlyInPrometheus3() {
    assertThat(Matcher.of(MatchType.REGEX, "a", "x.y", RegexDialect.PROMETHEUS_3).matches("x\ny"))
        .isTrue();
    assertThat(Matcher.of(MatchType.REGEX, "a", "x.y", RegexDialect.PROMETHEUS_2).matches("x\ny"))
        .isFalse();
  }

  @Test
  void setMatchesExposesLiterals() {
    assertThat(Matcher.regex("a", "x|y|z").setMatches()).containsExactlyInAnyOrder("x", "y", "z");
    assertThat(Matcher.regex("a", "x.*").literalPrefix()).isEqualTo("x");
    assertThat(Matcher.regex("a", "x+").setMatches()).isNull();
  }

  @Test
  void invalidRegexIsClearError() {
    assertThatThrownBy(() -> Matcher.regex("a", "(unclosed"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("error parsing regexp");
  }

  @Test
  void toStringIsPromql() {
    assertThat(Matcher.notRegex("job", "a\"b")).hasToString("job!~\"a\\\"b\"");
  }
}
