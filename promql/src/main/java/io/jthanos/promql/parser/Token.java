package io.jthanos.promql.parser;

import io.jthanos.promql.text.GoStrings;

/** One lexer item: its type, start offset (characters) and raw text. */
record Token(TokenType type, int pos, String val) {

  int end() {
    return pos + val.length();
  }

  PosRange range() {
    return new PosRange(pos, end());
  }

  /** Prometheus' {@code Item.String()}. */
  @Override
  public String toString() {
    return switch (type) {
      case EOF -> "EOF";
      case ERROR -> val;
      case IDENTIFIER, METRIC_IDENTIFIER -> GoStrings.quote(val);
      default -> {
        if (type.isKeyword() && type != TokenType.START && type != TokenType.END) {
          yield "<" + val + ">";
        }
        if (type.isOperator()) {
          yield "<op:" + val + ">";
        }
        if (type.isAggregator()) {
          yield "<aggr:" + val + ">";
        }
        if (val.codePointCount(0, val.length()) > 10) {
          int cut = val.offsetByCodePoints(0, 10);
          yield GoStrings.quote(val.substring(0, cut)) + "...";
        }
        yield GoStrings.quote(val);
      }
    };
  }

  /** Prometheus' {@code Item.desc()}: how the item is named in "unexpected ..." errors. */
  String desc() {
    if (type.text() != null) {
      return toString();
    }
    if (type == TokenType.EOF) {
      return "end of input";
    }
    String kind =
        switch (type) {
          case ERROR -> "error";
          case COMMENT -> "comment";
          case IDENTIFIER -> "identifier";
          case METRIC_IDENTIFIER -> "metric identifier";
          case STRING -> "string";
          case NUMBER -> "number";
          case DURATION -> "duration";
          default -> GoStrings.quote(type.name());
        };
    return kind + " " + this;
  }
}
