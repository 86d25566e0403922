package io.jthanos.promql.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.jthanos.promql.PromqlSemantics;
import io.jthanos.promql.text.GoStrings;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random queries (grammar-generated, then mutated) and random bytes must only ever produce a {@link
 * ParseException}; queries that parse must print back to PromQL that parses to the same text. Fixed
 * seeds, bounded counts.
 */
class ParserFuzzTest {
  private static final List<ParserOptions> OPTIONS =
      List.of(
          new ParserOptions(PromqlSemantics.PROMETHEUS_3, true),
          new ParserOptions(PromqlSemantics.PROMETHEUS_3, false),
          ParserOptions.of(PromqlSemantics.PROMETHEUS_2));

  private static final String[] METRICS = {
    "up", "http_requests_total", "foo:bar", "sum", "offset", "by", "start", "nan", "Inf", "a_b"
  };
  private static final String[] LABELS = {"job", "instance", "le", "__name__", "on", "by", "x"};
  private static final String[] OPS = {
    "+", "-", "*", "/", "%", "^", "==", "!=", ">", "<", ">=", "<=", "and", "or", "unless", "atan2"
  };
  private static final String[] AGGS = {
    "sum",
    "avg",
    "count",
    "min",
    "max",
    "group",
    "stddev",
    "stdvar",
    "topk",
    "bottomk",
    "quantile",
    "count_values",
    "limitk",
    "limit_ratio"
  };
  private static final String[] FUNCS = {
    "rate", "abs", "time", "vector", "scalar", "label_replace", "histogram_quantile",
    "clamp", "round", "sort", "absent", "predict_linear", "quantile_over_time", "day_of_week",
    "holt_winters", "double_exponential_smoothing", "sort_by_label", "nonexistent"
  };
  private static final String[] DURS = {
    "5m", "1h30m", "30s", "1d", "100ms", "0s", "1y", "5", "2.5"
  };

  private final Random rnd = new Random(20260101L);

  private String pick(String[] a) {
    return a[rnd.nextInt(a.length)];
  }

  private String selector() {
    StringBuilder sb = new StringBuilder();
    if (rnd.nextInt(4) > 0) {
      sb.append(pick(METRICS));
    }
    if (rnd.nextBoolean() || sb.isEmpty()) {
      sb.append('{');
      int n = rnd.nextInt(3);
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          sb.append(", ");
        }
        sb.append(pick(LABELS))
            .append(pick(new String[] {"=", "!=", "=~", "!~"}))
            .append(GoStrings.quote(pick(new String[] {"a", ".*", "b|c", "", "x.+", "(", "\n"})));
      }
      if (rnd.nextInt(5) == 0) {
        sb.append(rnd.nextBoolean() ? "," : "\"quoted.name\"");
      }
      sb.append('}');
    }
    return sb.toString();
  }

  private String expr(int depth) {
    if (depth > 5) {
      return rnd.nextBoolean() ? selector() : String.valueOf(rnd.nextInt(100) / 4.0);
    }
    return switch (rnd.nextInt(12)) {
      case 0 -> selector();
      case 1 -> selector() + "[" + pick(DURS) + "]";
      case 2 ->
          expr(depth + 1)
              + " "
              + pick(OPS)
              + (rnd.nextInt(4) == 0 ? " bool " : " ")
              + (rnd.nextInt(4) == 0 ? "on(" + pick(LABELS) + ") " : "")
              + (rnd.nextInt(6) == 0 ? "group_left(" + pick(LABELS) + ") " : "")
              + expr(depth + 1);
      case 3 ->
          pick(AGGS)
              + (rnd.nextBoolean() ? " by (" + pick(LABELS) + ")" : "")
              + "("
              + (rnd.nextBoolean() ? "5, " : "")
              + expr(depth + 1)
              + ")";
      case 4 -> pick(FUNCS) + "(" + (rnd.nextBoolean() ? expr(depth + 1) : "") + ")";
      case 5 -> "(" + expr(depth + 1) + ")";
      case 6 -> "-" + expr(depth + 1);
      case 7 ->
          expr(depth + 1) + "[" + pick(DURS) + ":" + (rnd.nextBoolean() ? pick(DURS) : "") + "]";
      case 8 -> selector() + " offset " + (rnd.nextBoolean() ? "-" : "") + pick(DURS);
      case 9 -> selector() + " @ " + pick(new String[] {"100", "start()", "end()", "-1.5", "1e3"});
      case 10 -> GoStrings.quote(pick(METRICS));
      default -> pick(new String[] {"1", "0x1F", "NaN", "+Inf", ".5e-3", "1_000", "0755", "1m"});
    };
  }

  private String mutate(String s) {
    StringBuilder sb = new StringBuilder(s);
    int n = 1 + rnd.nextInt(3);
    String alphabet = "(){}[],:=!~<>+-*/%^@\"'`\\ \n#0123456789abcxyz_.eE";
    for (int i = 0; i < n && !sb.isEmpty(); i++) {
      int at = rnd.nextInt(sb.length() + 1);
      switch (rnd.nextInt(3)) {
        case 0 -> sb.insert(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
        case 1 -> {
          if (at < sb.length()) {
            sb.deleteCharAt(at);
          }
        }
        default -> {
          if (at < sb.length()) {
            sb.setCharAt(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
          }
        }
      }
    }
    return sb.toString();
  }

  private static Expr parseOnlyParseErrors(String q, ParserOptions o) {
    try {
      return Parser.parse(q, o);
    } catch (ParseException e) {
      assertThat(e.getMessage()).contains("parse error: ");
      return null;
    } catch (Throwable t) {
      fail("query " + GoStrings.quote(q) + " threw " + t, t);
      return null;
    }
  }

  @Test
  void generatedAndMutatedQueries() {
    int parsed = 0;
    for (int i = 0; i < 6000; i++) {
      String q = expr(0);
      if (rnd.nextInt(3) == 0) {
        q = mutate(q);
      }
      for (ParserOptions o : OPTIONS) {
        Expr e = parseOnlyParseErrors(q, o);
        if (e != null) {
          parsed++;
          String printed = e.toString();
          Expr again = parseOnlyParseErrors(printed, o);
          assertThat(again).as("printed form of %s: %s", q, printed).isNotNull();
          assertThat(again.toString()).as("reprint of %s", printed).isEqualTo(printed);
        }
      }
    }
    assertThat(parsed).as("some generated queries must be valid").isGreaterThan(1000);
  }

  @Test
  void randomBytes() {
    for (int i = 0; i < 6000; i++) {
      byte[] b = new byte[rnd.nextInt(60)];
      rnd.nextBytes(b);
      if (rnd.nextBoolean()) {
        for (int k = 0; k < b.length; k++) {
          b[k] =
              (byte)
                  "(){}[]\"'`=~!<>+-*/^@,:# 0123456789abcxyzé"
                      .getBytes(java.nio.charset.StandardCharsets.UTF_8)[rnd.nextInt(40)];
        }
      }
      String q = GoStrings.decodeUtf8Escaped(b);
      for (ParserOptions o : OPTIONS) {
        parseOnlyParseErrors(q, o);
      }
    }
  }

  @Test
  void deepNestingIsAParseError() {
    String deep = "(".repeat(5000) + "1" + ")".repeat(5000);
    assertThat(parseOnlyParseErrors(deep, OPTIONS.get(0))).isNull();
    String chain = "-{a=\"b\"}-1".repeat(3000);
    parseOnlyParseErrors(chain, OPTIONS.get(0));
  }
}
