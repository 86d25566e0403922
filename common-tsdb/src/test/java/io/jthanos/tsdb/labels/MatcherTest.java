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
