package io.jthanos.promql.parser;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Lexer item types, grouped like Prometheus' (operators, aggregators, keywords, preprocessors). */
public enum TokenType {
  EOF(Kind.OTHER, null),
  ERROR(Kind.OTHER, null),
  COMMENT(Kind.OTHER, null),
  IDENTIFIER(Kind.OTHER, null),
  METRIC_IDENTIFIER(Kind.OTHER, null),
  STRING(Kind.OTHER, null),
  NUMBER(Kind.OTHER, null),
  DURATION(Kind.OTHER, null),
  LEFT_PAREN(Kind.OTHER, "("),
  RIGHT_PAREN(Kind.OTHER, ")"),
  LEFT_BRACE(Kind.OTHER, "{"),
  RIGHT_BRACE(Kind.OTHER, "}"),
  LEFT_BRACKET(Kind.OTHER, "["),
  RIGHT_BRACKET(Kind.OTHER, "]"),
  COMMA(Kind.OTHER, ","),
  EQL(Kind.OTHER, "="),
  COLON(Kind.OTHER, ":"),
  DOUBLE_COLON(Kind.OTHER, "::"),
  // Operators.
  SUB(Kind.OPERATOR, "-"),
  ADD(Kind.OPERATOR, "+"),
  MUL(Kind.OPERATOR, "*"),
  MOD(Kind.OPERATOR, "%"),
  DIV(Kind.OPERATOR, "/"),
  EQLC(Kind.OPERATOR, "=="),
  NEQ(Kind.OPERATOR, "!="),
  LTE(Kind.OPERATOR, "<="),
  LSS(Kind.OPERATOR, "<"),
  GTE(Kind.OPERATOR, ">="),
  GTR(Kind.OPERATOR, ">"),
  EQL_REGEX(Kind.OPERATOR, "=~"),
  NEQ_REGEX(Kind.OPERATOR, "!~"),
  POW(Kind.OPERATOR, "^"),
  AT(Kind.OPERATOR, "@"),
  LAND(Kind.OPERATOR, "and"),
  LOR(Kind.OPERATOR, "or"),
  LUNLESS(Kind.OPERATOR, "unless"),
  ATAN2(Kind.OPERATOR, "atan2"),
  // Aggregators.
  AVG(Kind.AGGREGATOR, "avg"),
  BOTTOMK(Kind.AGGREGATOR, "bottomk"),
  COUNT(Kind.AGGREGATOR, "count"),
  COUNT_VALUES(Kind.AGGREGATOR, "count_values"),
  GROUP(Kind.AGGREGATOR, "group"),
  MAX(Kind.AGGREGATOR, "max"),
  MIN(Kind.AGGREGATOR, "min"),
  QUANTILE(Kind.AGGREGATOR, "quantile"),
  STDDEV(Kind.AGGREGATOR, "stddev"),
  STDVAR(Kind.AGGREGATOR, "stdvar"),
  SUM(Kind.AGGREGATOR, "sum"),
  TOPK(Kind.AGGREGATOR, "topk"),
  LIMITK(Kind.AGGREGATOR, "limitk"),
  LIMIT_RATIO(Kind.AGGREGATOR, "limit_ratio"),
  // Keywords.
  BOOL(Kind.KEYWORD, "bool"),
  BY(Kind.KEYWORD, "by"),
  GROUP_LEFT(Kind.KEYWORD, "group_left"),
  GROUP_RIGHT(Kind.KEYWORD, "group_right"),
  IGNORING(Kind.KEYWORD, "ignoring"),
  OFFSET(Kind.KEYWORD, "offset"),
  ON(Kind.KEYWORD, "on"),
  WITHOUT(Kind.KEYWORD, "without"),
  // Preprocessors.
  START(Kind.PREPROCESSOR, "start"),
  END(Kind.PREPROCESSOR, "end");

  enum Kind {
    OTHER,
    OPERATOR,
    AGGREGATOR,
    KEYWORD,
    PREPROCESSOR
  }

  private final Kind kind;
  private final String text;

  TokenType(Kind kind, String text) {
    this.kind = kind;
    this.text = text;
  }

  private static final Map<String, TokenType> KEYWORDS = new HashMap<>();

  static {
    for (TokenType t : values()) {
      if (t.kind != Kind.OTHER && t.text.matches("[a-z_0-9]+")) {
        KEYWORDS.put(t.text, t);
      }
    }
  }

  /** The keyword, aggregator or word operator with that (case-insensitive) spelling, or null. */
  static TokenType keyword(String word) {
    return KEYWORDS.get(word.toLowerCase(Locale.ROOT));
  }

  /** The canonical spelling ("+", "sum", "by"), or null for value-carrying items. */
  public String text() {
    return text;
  }

  public boolean isOperator() {
    return kind == Kind.OPERATOR;
  }

  public boolean isAggregator() {
    return kind == Kind.AGGREGATOR;
  }

  public boolean isKeyword() {
    return kind == Kind.KEYWORD || kind == Kind.PREPROCESSOR;
  }

  public boolean isComparisonOperator() {
    return this == EQLC || this == NEQ || this == LTE || this == LSS || this == GTE || this == GTR;
  }

  public boolean isSetOperator() {
    return this == LAND || this == LOR || this == LUNLESS;
  }

  public boolean isAggregatorWithParam() {
    return this == TOPK
        || this == BOTTOMK
        || this == COUNT_VALUES
        || this == QUANTILE
        || this == LIMITK
        || this == LIMIT_RATIO;
  }

  /** Binary operator precedence (higher binds tighter); 0 when not a binary operator. */
  int precedence() {
    return switch (this) {
      case LOR -> 1;
      case LAND, LUNLESS -> 2;
      case EQLC, NEQ, LTE, LSS, GTE, GTR -> 3;
      case ADD, SUB -> 4;
      case MUL, DIV, MOD, ATAN2 -> 5;
      case POW -> 6;
      default -> 0;
    };
  }
}
