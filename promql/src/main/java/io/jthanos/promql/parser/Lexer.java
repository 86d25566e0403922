package io.jthanos.promql.parser;

import java.util.ArrayList;
import java.util.List;

/**
 * PromQL lexer. A small state machine over the query text that yields items with the same types,
 * boundaries and error texts as Prometheus' lexer. Lexing stops at the first {@link
 * TokenType#ERROR} item, whose value is the error text.
 */
final class Lexer {
  private static final int EOF = -1;

  private enum State {
    STATEMENTS,
    INSIDE_BRACES,
    DURATION_EXPR,
    DONE
  }

  private final String input;
  private int pos;
  private int start;
  private int width;

  private int parenDepth;
  private boolean braceOpen;
  private boolean bracketOpen;
  private boolean gotColon;
  private boolean gotDuration;
  private State state = State.STATEMENTS;
  private Token item;

  Lexer(String input) {
    this.input = input;
  }

  /** Lexes the whole input; the list ends with an EOF or an ERROR item. Comments are dropped. */
  static List<Token> lexAll(String input) {
    Lexer l = new Lexer(input);
    List<Token> out = new ArrayList<>();
    while (true) {
      Token t = l.nextItem();
      if (t.type() == TokenType.COMMENT) {
        continue;
      }
      out.add(t);
      if (t.type() == TokenType.EOF || t.type() == TokenType.ERROR) {
        return out;
      }
    }
  }

  /** The position lexing had reached when an error item was produced. */
  int start() {
    return start;
  }

  Token nextItem() {
    item = null;
    if (state == State.DONE) {
      return new Token(TokenType.EOF, pos, "");
    }
    while (item == null) {
      state =
          switch (state) {
            case STATEMENTS -> lexStatements();
            case INSIDE_BRACES -> lexInsideBraces();
            case DURATION_EXPR -> lexDurationExpr();
            case DONE -> State.DONE;
          };
      if (state == State.DONE && item == null) {
        emit(TokenType.EOF);
      }
    }
    return item;
  }

  // --- rune helpers ---------------------------------------------------------------------------

  private int next() {
    if (pos >= input.length()) {
      width = 0;
      return EOF;
    }
    int cp = input.codePointAt(pos);
    width = Character.charCount(cp);
    pos += width;
    return cp;
  }

  private int peek() {
    int r = next();
    backup();
    return r;
  }

  private void backup() {
    pos -= width;
  }

  private void emit(TokenType t) {
    item = new Token(t, start, input.substring(start, pos));
    start = pos;
  }

  private void ignore() {
    start = pos;
  }

  private boolean accept(String valid) {
    int r = next();
    if (r != EOF && valid.indexOf(r) >= 0) {
      return true;
    }
    backup();
    return false;
  }

  private boolean is(String valid) {
    int r = peek();
    return r != EOF && valid.indexOf(r) >= 0;
  }

  private void acceptRun(String valid) {
    while (true) {
      int r = next();
      if (r == EOF || valid.indexOf(r) < 0) {
        break;
      }
    }
    backup();
  }

  private State errorf(String message) {
    item = new Token(TokenType.ERROR, start, message);
    return State.DONE;
  }

  static boolean isSpace(int r) {
    return r == ' ' || r == '\t' || r == '\n' || r == '\r';
  }

  static boolean isDigit(int r) {
    return r >= '0' && r <= '9';
  }

  static boolean isAlpha(int r) {
    return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
  }

  static boolean isAlphaNumeric(int r) {
    return isAlpha(r) || isDigit(r);
  }

  private static String q(int r) {
    // Go's %q for a rune; out-of-range values (such as the EOF marker) print as U+FFFD.
    if (r < 0 || r > Character.MAX_CODE_POINT || (r >= 0xD800 && r < 0xE000)) {
      r = 0xFFFD;
    }
    if (r == '\'') {
      return "'\\''";
    }
    if (r == '\\') {
      return "'\\\\'";
    }
    StringBuilder sb = new StringBuilder("'");
    if (io.jthanos.promql.text.GoStrings.isPrint(r)) {
      sb.appendCodePoint(r);
    } else {
      io.jthanos.promql.text.GoStrings.appendQuoted(sb, new String(Character.toChars(r)), '\'');
    }
    return sb.append('\'').toString();
  }

  // --- states -----------------------------------------------------------------------------------

  private State lexStatements() {
    if (braceOpen) {
      return State.INSIDE_BRACES;
    }
    if (input.startsWith("#", pos)) {
      return lexLineComment(State.STATEMENTS);
    }
    int r = next();
    if (r == EOF) {
      if (parenDepth != 0) {
        return errorf("unclosed left parenthesis");
      }
      if (bracketOpen) {
        return errorf("unclosed left bracket");
      }
      emit(TokenType.EOF);
      return State.DONE;
    }
    switch (r) {
      case ',' -> emit(TokenType.COMMA);
      case '*' -> emit(TokenType.MUL);
      case '/' -> emit(TokenType.DIV);
      case '%' -> emit(TokenType.MOD);
      case '+' -> emit(TokenType.ADD);
      case '-' -> emit(TokenType.SUB);
      case '^' -> emit(TokenType.POW);
      case '=' -> {
        int t = peek();
        if (t == '=') {
          next();
          emit(TokenType.EQLC);
        } else if (t == '~') {
          return errorf("unexpected character after '=': " + q(t));
        } else {
          emit(TokenType.EQL);
        }
      }
      case '!' -> {
        int t = next();
        if (t != '=') {
          return errorf("unexpected character after '!': " + q(t));
        }
        emit(TokenType.NEQ);
      }
      case '<' -> {
        if (peek() == '=') {
          next();
          emit(TokenType.LTE);
        } else {
          emit(TokenType.LSS);
        }
      }
      case '>' -> {
        if (peek() == '=') {
          next();
          emit(TokenType.GTE);
        } else {
          emit(TokenType.GTR);
        }
      }
      case '"', '\'' -> {
        return lexString((char) r, State.STATEMENTS);
      }
      case '`' -> {
        return lexRawString(State.STATEMENTS);
      }
      case '(' -> {
        emit(TokenType.LEFT_PAREN);
        parenDepth++;
      }
      case ')' -> {
        emit(TokenType.RIGHT_PAREN);
        parenDepth--;
        if (parenDepth < 0) {
          return errorf("unexpected right parenthesis " + q(r));
        }
      }
      case '{' -> {
        emit(TokenType.LEFT_BRACE);
        braceOpen = true;
        return State.INSIDE_BRACES;
      }
      case '[' -> {
        if (bracketOpen) {
          return errorf("unexpected left bracket " + q(r));
        }
        gotColon = false;
        gotDuration = false;
        emit(TokenType.LEFT_BRACKET);
        if (isSpace(peek())) {
          skipSpaces();
        }
        bracketOpen = true;
        return State.DURATION_EXPR;
      }
      case ']' -> {
        if (!bracketOpen) {
          return errorf("unexpected right bracket " + q(r));
        }
        emit(TokenType.RIGHT_BRACKET);
        bracketOpen = false;
      }
      case '@' -> emit(TokenType.AT);
      default -> {
        if (isSpace(r)) {
          return lexSpace(State.STATEMENTS);
        }
        if (isDigit(r) || (r == '.' && isDigit(peek()))) {
          backup();
          return lexNumberOrDuration();
        }
        if (isAlpha(r) || r == ':') {
          if (!bracketOpen) {
            backup();
            return lexKeywordOrIdentifier();
          }
          if (r == ':') {
            if (gotColon) {
              return errorf("unexpected colon " + q(r));
            }
            if (peek() == ':') {
              next();
              emit(TokenType.DOUBLE_COLON);
            } else {
              emit(TokenType.COLON);
            }
            gotColon = true;
            return State.STATEMENTS;
          }
          return errorf("unexpected character: " + q(r) + ", expected " + q(':'));
        }
        return errorf("unexpected character: " + q(r));
      }
    }
    return State.STATEMENTS;
  }

  private State lexInsideBraces() {
    if (input.startsWith("#", pos)) {
      return lexLineComment(State.INSIDE_BRACES);
    }
    int r = next();
    if (r == EOF) {
      return errorf("unexpected end of input inside braces");
    }
    if (isSpace(r)) {
      return lexSpace(State.INSIDE_BRACES);
    }
    if (isAlpha(r)) {
      backup();
      return lexIdentifier();
    }
    switch (r) {
      case ',' -> emit(TokenType.COMMA);
      case '"', '\'' -> {
        return lexString((char) r, State.INSIDE_BRACES);
      }
      case '`' -> {
        return lexRawString(State.INSIDE_BRACES);
      }
      case '=' -> {
        if (next() == '~') {
          emit(TokenType.EQL_REGEX);
        } else {
          backup();
          emit(TokenType.EQL);
        }
      }
      case '!' -> {
        int nr = next();
        if (nr == '~') {
          emit(TokenType.NEQ_REGEX);
        } else if (nr == '=') {
          emit(TokenType.NEQ);
        } else {
          return errorf("unexpected character after '!' inside braces: " + q(nr));
        }
      }
      case '{' -> {
        return errorf("unexpected left brace " + q(r));
      }
      case '}' -> {
        emit(TokenType.RIGHT_BRACE);
        braceOpen = false;
        return State.STATEMENTS;
      }
      default -> {
        return errorf("unexpected character inside braces: " + q(r));
      }
    }
    return State.INSIDE_BRACES;
  }

  private State lexDurationExpr() {
    int r = next();
    if (r == EOF) {
      return errorf("unexpected end of input in duration expression");
    }
    switch (r) {
      case ']' -> {
        emit(TokenType.RIGHT_BRACKET);
        bracketOpen = false;
        gotColon = false;
        return State.STATEMENTS;
      }
      case ':' -> {
        emit(TokenType.COLON);
        if (!gotDuration) {
          return errorf("unexpected colon before duration in duration expression");
        }
        if (gotColon) {
          return errorf("unexpected repeated colon in duration expression");
        }
        gotColon = true;
        return State.DURATION_EXPR;
      }
      case '(' -> {
        emit(TokenType.LEFT_PAREN);
        parenDepth++;
        return State.DURATION_EXPR;
      }
      case ')' -> {
        emit(TokenType.RIGHT_PAREN);
        parenDepth--;
        if (parenDepth < 0) {
          return errorf("unexpected right parenthesis " + q(r));
        }
        return State.DURATION_EXPR;
      }
      case '+' -> {
        emit(TokenType.ADD);
        return State.DURATION_EXPR;
      }
      case '-' -> {
        emit(TokenType.SUB);
        return State.DURATION_EXPR;
      }
      case '*' -> {
        emit(TokenType.MUL);
        return State.DURATION_EXPR;
      }
      case '/' -> {
        emit(TokenType.DIV);
        return State.DURATION_EXPR;
      }
      case '%' -> {
        emit(TokenType.MOD);
        return State.DURATION_EXPR;
      }
      case '^' -> {
        emit(TokenType.POW);
        return State.DURATION_EXPR;
      }
      case ',' -> {
        emit(TokenType.COMMA);
        return State.DURATION_EXPR;
      }
      default -> {
        if (isSpace(r)) {
          skipSpaces();
          return State.DURATION_EXPR;
        }
        if (isDigit(r) || (r == '.' && isDigit(peek()))) {
          backup();
          gotDuration = true;
          return lexNumberOrDuration();
        }
        return errorf("unexpected character in duration expression: " + q(r));
      }
    }
  }

  private void skipSpaces() {
    while (isSpace(peek())) {
      next();
    }
    ignore();
  }

  private State lexSpace(State back) {
    while (isSpace(peek())) {
      next();
    }
    ignore();
    return back;
  }

  private State lexLineComment(State back) {
    pos += 1;
    int r = next();
    while (r != '\r' && r != '\n' && r != EOF) {
      r = next();
    }
    backup();
    emit(TokenType.COMMENT);
    return back;
  }

  private State lexString(char quote, State back) {
    while (true) {
      int r = next();
      if (r == '\\') {
        String err = lexEscape(quote);
        if (err != null) {
          return errorf(err);
        }
        continue;
      }
      if (r == EOF || r == '\n') {
        return errorf("unterminated quoted string");
      }
      if (r == quote) {
        break;
      }
    }
    emit(TokenType.STRING);
    return back;
  }

  private State lexRawString(State back) {
    while (true) {
      int r = next();
      if (r == EOF) {
        return errorf("unterminated raw string");
      }
      if (r == '`') {
        break;
      }
    }
    emit(TokenType.STRING);
    return back;
  }

  /** Scans an escape sequence after the backslash; returns an error text or null. */
  private String lexEscape(char quote) {
    int ch = next();
    int n;
    int base;
    int max;
    switch (ch) {
      case 'a', 'b', 'f', 'n', 'r', 't', 'v', '\\' -> {
        return null;
      }
      case '0', '1', '2', '3', '4', '5', '6', '7' -> {
        n = 3;
        base = 8;
        max = 255;
      }
      case 'x' -> {
        ch = next();
        n = 2;
        base = 16;
        max = 255;
      }
      case 'u' -> {
        ch = next();
        n = 4;
        base = 16;
        max = 0x10FFFF;
      }
      case 'U' -> {
        ch = next();
        n = 8;
        base = 16;
        max = 0x10FFFF;
      }
      case EOF -> {
        return "escape sequence not terminated";
      }
      default -> {
        if (ch == quote) {
          return null;
        }
        return "unknown escape sequence " + goU(ch);
      }
    }
    long x = 0;
    while (n > 0) {
      int d = digitVal(ch);
      if (d >= base) {
        if (ch == EOF) {
          return "escape sequence not terminated";
        }
        return "illegal character " + goU(ch) + " in escape sequence";
      }
      x = x * base + d;
      n--;
      if (n > 0) {
        ch = next();
      }
    }
    if (x > max || (x >= 0xD800 && x < 0xE000)) {
      return "escape sequence is an invalid Unicode code point";
    }
    return null;
  }

  /** Go's {@code %#U}: {@code U+0063 'c'}. */
  private static String goU(int r) {
    String hex = Integer.toHexString(r).toUpperCase(java.util.Locale.ROOT);
    StringBuilder sb = new StringBuilder("U+");
    for (int i = hex.length(); i < 4; i++) {
      sb.append('0');
    }
    sb.append(hex);
    if (r >= 0 && r <= Character.MAX_CODE_POINT && io.jthanos.promql.text.GoStrings.isPrint(r)) {
      sb.append(" '").appendCodePoint(r).append('\'');
    }
    return sb.toString();
  }

  private static int digitVal(int ch) {
    if (ch >= '0' && ch <= '9') {
      return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
      return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'F') {
      return ch - 'A' + 10;
    }
    return 16;
  }

  private State lexNumberOrDuration() {
    if (scanNumber()) {
      emit(TokenType.NUMBER);
      return State.STATEMENTS;
    }
    if (acceptRemainingDuration()) {
      backup();
      emit(TokenType.DURATION);
      return State.STATEMENTS;
    }
    return errorf(
        "bad number or duration syntax: "
            + io.jthanos.promql.text.GoStrings.quote(input.substring(start, pos)));
  }

  private boolean acceptRemainingDuration() {
    if (!accept("smhdwy")) {
      return false;
    }
    accept("s");
    while (accept("0123456789")) {
      while (accept("0123456789")) {
        // consume
      }
      if (!accept("smhdw")) {
        return false;
      }
      accept("s");
    }
    return !isAlphaNumeric(next());
  }

  private boolean scanNumber() {
    int initial = pos;
    String digitPattern = "0123456789";
    if (accept("0") && accept("xX")) {
      accept("_");
      digitPattern = "0123456789abcdefABCDEF";
    }
    accept(".");
    accept(digitPattern);
    boolean dotConsumed = false;
    boolean exponentConsumed = false;
    while (is(digitPattern + "._eE")) {
      if (is(".") && dotConsumed) {
        accept(".");
        return false;
      }
      if (is("eE") && exponentConsumed) {
        accept("eE");
        return false;
      }
      if (accept(".")) {
        dotConsumed = true;
        if (accept("_.")) {
          return false;
        }
        if (digitPattern.length() > 10) {
          return false;
        }
        continue;
      }
      if (accept("eE")) {
        exponentConsumed = true;
        accept("+-");
        if (accept("._eE") || peek() == EOF) {
          return false;
        }
        continue;
      }
      if (accept("_")) {
        if (accept("._eE") || peek() == EOF) {
          return false;
        }
        continue;
      }
      acceptRun(digitPattern);
    }
    if (pos == initial) {
      return false;
    }
    return !isAlphaNumeric(peek());
  }

  private State lexIdentifier() {
    while (isAlphaNumeric(next())) {
      // absorb
    }
    backup();
    emit(TokenType.IDENTIFIER);
    return State.INSIDE_BRACES;
  }

  private State lexKeywordOrIdentifier() {
    while (true) {
      int r = next();
      if (isAlphaNumeric(r) || r == ':') {
        continue;
      }
      backup();
      String word = input.substring(start, pos);
      String lower = word.toLowerCase(java.util.Locale.ROOT);
      if (lower.equals("inf") || lower.equals("nan")) {
        emit(TokenType.NUMBER);
      } else {
        TokenType kw = TokenType.keyword(word);
        if (kw != null) {
          emit(kw);
        } else if (word.indexOf(':') < 0) {
          emit(TokenType.IDENTIFIER);
        } else {
          emit(TokenType.METRIC_IDENTIFIER);
        }
      }
      return State.STATEMENTS;
    }
  }
}
