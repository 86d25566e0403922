package io.jthanos.promql.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.promql.ErrorType;
import io.jthanos.promql.PromqlSemantics;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ParserTest {
  private static final ParserOptions V3 = new ParserOptions(PromqlSemantics.PROMETHEUS_3, true);
  private static final ParserOptions V2 = ParserOptions.of(PromqlSemantics.PROMETHEUS_2);

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("1", "1"),
        Arguments.of("+Inf", "+Inf"),
        Arguments.of("-Inf", "-Inf"),
        Arguments.of(".5", "0.5"),
        Arguments.of("5.", "5"),
        Arguments.of("5e-3", "0.005"),
        Arguments.of("0xc", "12"),
        Arguments.of("0755", "493"),
        Arguments.of("-0755", "-493"),
        Arguments.of("+5.5e-3", "0.0055"),
        Arguments.of("1 == bool 1", "1 == bool 1"),
        Arguments.of("-1^2", "-1 ^ 2"),
        Arguments.of("-1*2", "-1 * 2"),
        Arguments.of("1 + 2/(3*1)", "1 + 2 / (3 * 1)"),
        Arguments.of("1 < bool 2 - 1 * 2", "1 < bool 2 - 1 * 2"),
        Arguments.of("-some_metric", "-some_metric"),
        Arguments.of(" +some_metric", "+some_metric"),
        Arguments.of("foo * sum", "foo * sum"),
        Arguments.of("foo + bar or bla and blub", "foo + bar or bla and blub"),
        Arguments.of(
            "bar + on(foo) bla / on(baz, buz) group_right(test) blub",
            "bar + on (foo) bla / on (baz, buz) group_right (test) blub"),
        Arguments.of("foo and on() bar", "foo and on () bar"),
        Arguments.of("foo and ignoring() bar", "foo and bar"),
        Arguments.of(
            "foo / ignoring(test,blub) group_left(blub) bar",
            "foo / ignoring (test, blub) group_left (blub) bar"),
        Arguments.of("foo offset 5m", "foo offset 5m"),
        Arguments.of("foo offset -7m", "foo offset -7m"),
        Arguments.of("foo OFFSET 1h30m", "foo offset 1h30m"),
        Arguments.of("foo @ 1603774568", "foo @ 1603774568.000"),
        Arguments.of("foo @ -100", "foo @ -100.000"),
        Arguments.of("foo @ .3", "foo @ 0.300"),
        Arguments.of("foo @ 3.3335", "foo @ 3.334"),
        Arguments.of("foo @ 0xA", "foo @ 10.000"),
        Arguments.of("foo:bar{a=\"bc\"}", "foo:bar{a=\"bc\"}"),
        Arguments.of("{\"foo\"}", "{__name__=\"foo\"}"),
        Arguments.of("foo{NaN='bc'}", "foo{NaN=\"bc\"}"),
        Arguments.of("foo{bar='}'}", "foo{bar=\"}\"}"),
        Arguments.of(
            "foo{a=\"b\", foo!=\"bar\", test=~\"test\", bar!~\"baz\",}",
            "foo{a=\"b\",bar!~\"baz\",foo!=\"bar\",test=~\"test\"}"),
        Arguments.of("test[5m]", "test[5m]"),
        Arguments.of("test[5d] OFFSET 10s", "test[5d] offset 10s"),
        Arguments.of("test{a=\"b\"}[5m] OFFSET 3600", "test{a=\"b\"}[5m] offset 1h"),
        Arguments.of("foo[4.18] @ 2.345", "foo[4s180ms] @ 2.345"),
        Arguments.of("test[5]", "test[5s]"),
        Arguments.of("some_metric[5m] @ 1m", "some_metric[5m] @ 60.000"),
        Arguments.of("sum by (foo)(some_metric)", "sum by (foo) (some_metric)"),
        Arguments.of("sum (some_metric) without (foo)", "sum without (foo) (some_metric)"),
        Arguments.of("sum by ()(some_metric)", "sum(some_metric)"),
        Arguments.of("sum by (foo,bar,)(some_metric)", "sum by (foo, bar) (some_metric)"),
        Arguments.of("topk(5, some_metric)", "topk(5, some_metric)"),
        Arguments.of(
            "count_values(\"value\", some_metric)", "count_values(\"value\", some_metric)"),
        Arguments.of(
            "sum without(and, by, avg, count, alert, annotations)(some_metric)",
            "sum without (and, by, avg, count, alert, annotations) (some_metric)"),
        Arguments.of("time()", "time()"),
        Arguments.of("rate(some_metric[5m])", "rate(some_metric[5m])"),
        Arguments.of("round(some_metric, 5)", "round(some_metric, 5)"),
        Arguments.of("sum(sum)", "sum(sum)"),
        Arguments.of("a + sum", "a + sum"),
        Arguments.of("`backtick-quoted string`", "\"backtick-quoted string\""),
        Arguments.of(
            "'single-quoted string \\' with escaped quote'",
            "\"single-quoted string ' with escaped quote\""),
        Arguments.of("foo{bar=\"baz\"}[10m:6s]", "foo{bar=\"baz\"}[10m:6s]"),
        Arguments.of("foo[10m:]", "foo[10m:]"),
        Arguments.of(
            "min_over_time(rate(foo{bar=\"baz\"}[2s])[5m:] offset 4m)[4m:3s]",
            "min_over_time(rate(foo{bar=\"baz\"}[2s])[5m:] offset 4m)[4m:3s]"),
        Arguments.of(
            "some_metric @ 123 offset 1m [10m:5s]", "some_metric @ 123.000 offset 1m[10m:5s]"),
        Arguments.of(
            "some_metric[10m:5s] offset 1m @ 123", "some_metric[10m:5s] @ 123.000 offset 1m"),
        Arguments.of("foo @ start()", "foo @ start()"),
        Arguments.of("foo[10m:6s] @ end()", "foo[10m:6s] @ end()"),
        Arguments.of("start", "start"),
        Arguments.of("end{start=\"foo\"}", "end{start=\"foo\"}"),
        Arguments.of("foo unless on(start) bar", "foo unless on (start) bar"),
        Arguments.of("foo offset 5s-8", "foo offset 5s - 8"),
        Arguments.of("foo offset -1^1", "foo offset -1s ^ 1"),
        Arguments.of("(sum(foo) by (bar))", "(sum by (bar) (foo))"),
        Arguments.of("nan", "NaN"),
        Arguments.of("inF", "+Inf"),
        Arguments.of("1 - -1", "1 - -1"),
        Arguments.of("# comment\nfoo # trailing\n", "foo"),
        Arguments.of(
            "sum by (\"foo bar\")({\"some.metric\"})",
            "sum by (foo bar) ({__name__=\"some.metric\"})"),
        Arguments.of(
            "{'foo\\'bar', 'a\\\\dos\\\\path'='boo\\\\urns'}",
            "{\"a\\\\dos\\\\path\"=\"boo\\\\urns\",__name__=\"foo'bar\"}"));
  }

  @ParameterizedTest
  @MethodSource("valid")
  void parsesAndPrints(String input, String printed) {
    assertThat(Parser.parse(input, V3).toString()).isEqualTo(printed);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("", "1:1: parse error: no expression found in input"),
        Arguments.of("# just a comment\n\n", "1:1: parse error: no expression found in input"),
        Arguments.of("1+", "1:3: parse error: unexpected end of input"),
        Arguments.of(".", "1:1: parse error: unexpected character: '.'"),
        Arguments.of("2.5.", "1:1: parse error: bad number or duration syntax: \"2.5.\""),
        Arguments.of("100..4", "1:1: parse error: bad number or duration syntax: \"100..\""),
        Arguments.of("0deadbeef", "1:1: parse error: bad number or duration syntax: \"0de\""),
        Arguments.of("1 /", "1:4: parse error: unexpected end of input"),
        Arguments.of("*1", "1:1: parse error: unexpected <op:*>"),
        Arguments.of("(1))", "1:5: parse error: unexpected right parenthesis ')'"),
        Arguments.of("((1)", "1:5: parse error: unclosed left parenthesis"),
        Arguments.of("(", "1:2: parse error: unclosed left parenthesis"),
        Arguments.of(
            "1 and 1",
            "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"),
        Arguments.of(
            "1 == 1", "1:3: parse error: comparisons between scalars must use BOOL modifier"),
        Arguments.of("1 !~ 1", "1:3: parse error: unexpected character after '!': '~'"),
        Arguments.of("1 =~ 1", "1:3: parse error: unexpected character after '=': '~'"),
        Arguments.of(
            "-\"string\"",
            "1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got \"string\""),
        Arguments.of(
            "-test[5m]",
            "1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got \"range vector\""),
        Arguments.of("@@", "1:1: parse error: unexpected <op:@>"),
        Arguments.of(
            "1 offset 1d",
            "1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery"),
        Arguments.of(
            "foo offset 1s offset 2s", "1:1: parse error: offset may not be set multiple times"),
        Arguments.of("a - on(b) ignoring(c) d", "1:11: parse error: unexpected <ignoring>"),
        Arguments.of(
            "foo and 1",
            "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"),
        Arguments.of(
            "1 or on(bar) foo",
            "1:1: parse error: vector matching only allowed between instant vectors"),
        Arguments.of("foo + group_left(baz) bar", "1:7: parse error: unexpected <group_left>"),
        Arguments.of(
            "foo and on(bar) group_left(baz) bar",
            "1:1: parse error: no grouping allowed for \"and\" operation"),
        Arguments.of(
            "http_requests{group=\"production\"} + on(instance) group_left(job,instance) cpu_count{type=\"smp\"}",
            "1:35: parse error: label \"instance\" must not occur in ON and GROUP clause at once"),
        Arguments.of(
            "foo + bool bar",
            "1:5: parse error: bool modifier can only be used on comparison operators"),
        Arguments.of(
            "foo @ +Inf", "1:1: parse error: timestamp out of bounds for @ modifier: +Inf"),
        Arguments.of("foo @ NaN", "1:1: parse error: timestamp out of bounds for @ modifier: NaN"),
        Arguments.of("{", "1:2: parse error: unexpected end of input inside braces"),
        Arguments.of("}", "1:1: parse error: unexpected character: '}'"),
        Arguments.of("some{", "1:6: parse error: unexpected end of input inside braces"),
        Arguments.of("some}", "1:5: parse error: unexpected character: '}'"),
        Arguments.of(
            "some_metric{a=b}",
            "1:15: parse error: unexpected identifier \"b\" in label matching, expected string"),
        Arguments.of(
            "some_metric{a:b=\"b\"}", "1:14: parse error: unexpected character inside braces: ':'"),
        Arguments.of("foo{a*\"b\"}", "1:6: parse error: unexpected character inside braces: '*'"),
        Arguments.of("foo{a>=\"b\"}", "1:6: parse error: unexpected character inside braces: '>'"),
        Arguments.of(
            "foo{gibberish}",
            "1:14: parse error: unexpected \"}\" in label matching, expected label matching operator"),
        Arguments.of("foo{1}", "1:5: parse error: unexpected character inside braces: '1'"),
        Arguments.of(
            "{}", "1:1: parse error: vector selector must contain at least one non-empty matcher"),
        Arguments.of(
            "{x=\"\"}",
            "1:1: parse error: vector selector must contain at least one non-empty matcher"),
        Arguments.of(
            "{x=~\".*\"}",
            "1:1: parse error: vector selector must contain at least one non-empty matcher"),
        Arguments.of(
            "{x!~\".+\"}",
            "1:1: parse error: vector selector must contain at least one non-empty matcher"),
        Arguments.of(
            "{x!=\"a\"}",
            "1:1: parse error: vector selector must contain at least one non-empty matcher"),
        Arguments.of(
            "foo{__name__=\"bar\"}",
            "1:1: parse error: metric name must not be set twice: \"foo\" or \"bar\""),
        Arguments.of(
            "foo{__name__= =}",
            "1:15: parse error: unexpected \"=\" in label matching, expected string"),
        Arguments.of(
            "foo{,}",
            "1:5: parse error: unexpected \",\" in label matching, expected identifier or \"}\""),
        Arguments.of(
            "foo{__name__ == \"bar\"}",
            "1:15: parse error: unexpected \"=\" in label matching, expected string"),
        Arguments.of(
            "foo{__name__=\"bar\" lol}",
            "1:20: parse error: unexpected identifier \"lol\" in label matching, expected \",\" or \"}\""),
        Arguments.of(
            "foo{\"a\"=}", "1:9: parse error: unexpected \"}\" in label matching, expected string"),
        Arguments.of("foo[5mm]", "1:5: parse error: bad number or duration syntax: \"5mm\""),
        Arguments.of("foo[5m1]", "1:5: parse error: bad number or duration syntax: \"5m1\""),
        Arguments.of("foo[5m:1m1]", "1:8: parse error: bad number or duration syntax: \"1m1\""),
        Arguments.of("foo[5y1hs]", "1:5: parse error: unknown unit \"hs\" in duration \"5y1hs\""),
        Arguments.of("foo[5m1h]", "1:5: parse error: not a valid duration string: \"5m1h\""),
        Arguments.of("foo[0m]", "1:5: parse error: duration must be greater than 0"),
        Arguments.of(
            "foo[\"5m\"]", "1:5: parse error: unexpected character in duration expression: '\"'"),
        Arguments.of(
            "foo[]",
            "1:5: parse error: unexpected \"]\" in subquery or range selector, expected number, duration, step(), or range()"),
        Arguments.of(
            "some_metric OFFSET 1m[5m]",
            "1:22: parse error: no offset modifiers allowed before range"),
        Arguments.of(
            "some_metric[5m] @",
            "1:18: parse error: unexpected end of input in @, expected timestamp"),
        Arguments.of(
            "some_metric @ 1234 [5m]", "1:20: parse error: no @ modifiers allowed before range"),
        Arguments.of(
            "(foo + bar)[5m]", "1:12: parse error: ranges only allowed for vector selectors"),
        Arguments.of(
            "sum (some_metric) by test",
            "1:22: parse error: unexpected identifier \"test\" in grouping opts, expected \"(\""),
        Arguments.of(
            "sum without(==)(some_metric)",
            "1:13: parse error: unexpected <op:==> in grouping opts, expected label"),
        Arguments.of(
            "sum without(,)(some_metric)",
            "1:13: parse error: unexpected \",\" in grouping opts, expected label"),
        Arguments.of(
            "sum without(foo,,)(some_metric)",
            "1:17: parse error: unexpected \",\" in grouping opts, expected label"),
        Arguments.of(
            "sum some_metric by (test)", "1:5: parse error: unexpected identifier \"some_metric\""),
        Arguments.of(
            "sum () by (test)", "1:1: parse error: no arguments for aggregate expression provided"),
        Arguments.of(
            "MIN keep_common (some_metric)",
            "1:5: parse error: unexpected identifier \"keep_common\""),
        Arguments.of(
            "sum (some_metric) without (test) by (test)", "1:34: parse error: unexpected <by>"),
        Arguments.of(
            "topk(some_metric)",
            "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1"),
        Arguments.of(
            "topk(some_metric,)",
            "1:17: parse error: trailing commas not allowed in function call args"),
        Arguments.of(
            "topk(some_metric, other_metric)",
            "1:6: parse error: expected type scalar in aggregation parameter, got instant vector"),
        Arguments.of(
            "count_values(5, other_metric)",
            "1:14: parse error: expected type string in aggregation parameter, got scalar"),
        Arguments.of(
            "rate(some_metric[5m]) @ 1234",
            "1:1: parse error: @ modifier must be preceded by an instant vector selector or range vector selector or a subquery"),
        Arguments.of(
            "floor()", "1:1: parse error: expected 1 argument(s) in call to \"floor\", got 0"),
        Arguments.of(
            "floor(some_metric, other_metric)",
            "1:1: parse error: expected 1 argument(s) in call to \"floor\", got 2"),
        Arguments.of(
            "floor(1)",
            "1:7: parse error: expected type instant vector in call to function \"floor\", got scalar"),
        Arguments.of(
            "hour(some_metric, some_metric, some_metric)",
            "1:1: parse error: expected at most 1 argument(s) in call to \"hour\", got 3"),
        Arguments.of(
            "time(some_metric)",
            "1:1: parse error: expected 0 argument(s) in call to \"time\", got 1"),
        Arguments.of(
            "non_existent_function_far_bar()",
            "1:1: parse error: unknown function with name \"non_existent_function_far_bar\""),
        Arguments.of(
            "rate(some_metric)",
            "1:6: parse error: expected type range vector in call to function \"rate\", got instant vector"),
        Arguments.of("-=", "1:2: parse error: unexpected \"=\""),
        Arguments.of("++-++-+-+-<", "1:11: parse error: unexpected <op:<>"),
        Arguments.of("e-+=/(0)", "1:4: parse error: unexpected \"=\""),
        Arguments.of("a>b()", "1:3: parse error: unknown function with name \"b\""),
        Arguments.of(
            "rate(avg)",
            "1:6: parse error: expected type range vector in call to function \"rate\", got instant vector"),
        Arguments.of("`\\``", "1:4: parse error: unterminated raw string"),
        Arguments.of("\"\\", "1:1: parse error: escape sequence not terminated"),
        Arguments.of("\"\\c\"", "1:1: parse error: unknown escape sequence U+0063 'c'"),
        Arguments.of(
            "\"\\x.\"", "1:1: parse error: illegal character U+002E '.' in escape sequence"),
        Arguments.of(
            "foo{bar=\"baz\"}[",
            "1:16: parse error: unexpected end of input in duration expression"),
        Arguments.of(
            "test[5d] OFFSET 10s [10m:5s]",
            "1:1: parse error: subquery is only allowed on instant vector, got matrix instead"),
        Arguments.of(
            "(foo + bar{nm=\"val\"})[5m:][10m:5s]",
            "1:1: parse error: subquery is only allowed on instant vector, got matrix instead"),
        Arguments.of(
            "rate(food[1m])[1h] offset 1h",
            "1:15: parse error: ranges only allowed for vector selectors"),
        Arguments.of("sum(", "1:5: parse error: unclosed left parenthesis"),
        Arguments.of("foo[5s x 5s]", "1:8: parse error: unexpected character: 'x', expected ':'"),
        Arguments.of(
            "sum by (\"foo)(some_metric{})", "1:9: parse error: unterminated quoted string"),
        Arguments.of("foo\n  + bar{", "2:9: parse error: unexpected end of input inside braces"));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void reportsPrometheusErrors(String input, String message) {
    assertThatThrownBy(() -> Parser.parse(input, V3))
        .isInstanceOfSatisfying(
            ParseException.class, e -> assertThat(e.type()).isEqualTo(ErrorType.BAD_DATA))
        .hasMessage(message);
  }

  @Test
  void twoModeDifferences() {
    assertThatThrownBy(() -> Parser.parse("{\"foo\"}", V2))
        .hasMessageContaining("unexpected string \"\\\"foo\\\"\" in label matching");
    assertThatThrownBy(() -> Parser.parse("double_exponential_smoothing(x[5m], 0.1, 0.1)", V2))
        .hasMessageContaining("unknown function with name \"double_exponential_smoothing\"");
    assertThat(Parser.parse("holt_winters(x[5m], 0.1, 0.1)", V2)).isInstanceOf(Call.class);
    assertThatThrownBy(() -> Parser.parse("holt_winters(x[5m], 0.1, 0.1)", V3))
        .hasMessageContaining("unknown function");
    assertThatThrownBy(() -> Parser.parse("sort_by_label(x, \"a\")", ParserOptions.DEFAULT))
        .hasMessage("1:1: parse error: function \"sort_by_label\" is not enabled");
    assertThatThrownBy(() -> Parser.parse("limitk(1, x)", ParserOptions.DEFAULT))
        .hasMessage(
            "1:1: parse error: limitk() is experimental and must be enabled with"
                + " --enable-feature=promql-experimental-functions");
  }

  @Test
  void matcherRegexDialectFollowsSemantics() {
    VectorSelector v3 = (VectorSelector) Parser.parse("x{a=~\"a.b\"}", V3);
    VectorSelector v2 = (VectorSelector) Parser.parse("x{a=~\"a.b\"}", V2);
    assertThat(v3.matchers().get(0).matches("a\nb")).isTrue();
    assertThat(v2.matchers().get(0).matches("a\nb")).isFalse();
  }

  @Test
  void positionsCountBytes() {
    assertThatThrownBy(() -> Parser.parse("{a=\"ä\"} +", V3))
        .hasMessage("1:11: parse error: unexpected end of input");
  }
}
