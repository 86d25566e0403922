package io.jthanos.promql.parser;

import io.jthanos.promql.PromqlSemantics;
import io.jthanos.promql.text.GoFloat;
import io.jthanos.promql.text.GoNumbers;
import io.jthanos.promql.text.GoStrings;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.MatchType;
import io.jthanos.tsdb.labels.Matcher;
import java.util.ArrayList;
import java.util.List;

/**
 * PromQL parser: a precedence-climbing parser over the lexer's items, followed by the type check.
 * It accepts what Prometheus' grammar accepts and reports the first error with Prometheus' message
 * and position.
 */
public final class Parser {
  /** Deepest nesting accepted; keeps evaluation recursion bounded. */
  static final int MAX_DEPTH = 1_000;

  private final String input;
  private final ParserOptions opts;
  private final List<Token> toks;
  private int idx;
  private int lastClosing;
  private int depth;
  private final List<ParseException> errors = new ArrayList<>();

  /** Thrown internally to stop parsing after a syntax error that was recorded. */
  private static final class Abort extends RuntimeException {
    Abort() {
      super(null, null, false, false);
    }
  }

  private Parser(String input, ParserOptions opts) {
    this.input = input;
    this.opts = opts;
    this.toks = Lexer.lexAll(input);
  }

  /** Parses and type-checks a query. */
  public static Expr parse(String query, ParserOptions opts) {
    try {
      return parseHere(query, opts, false);
    } catch (DeepRecursion d) {
      // Deeply nested but within the depth limit: retry where the stack is large enough.
      return DeepStack.run("promql-parse", () -> parseHere(query, opts, true));
    }
  }

  /** Signals a stack overflow on a normal-sized stack. */
  private static final class DeepRecursion extends RuntimeException {
    DeepRecursion() {
      super(null, null, false, false);
    }
  }

  private static Expr parseHere(String query, ParserOptions opts, boolean bigStack) {
    Parser p = new Parser(query, opts);
    Expr e = null;
    try {
      e = p.parseTop();
    } catch (Abort a) {
      // recorded in errors
    } catch (StackOverflowError so) {
      throw tooDeep(query, bigStack);
    }
    if (!p.errors.isEmpty()) {
      throw p.errors.get(0);
    }
    try {
      new TypeChecker(p).check(e);
    } catch (StackOverflowError so) {
      throw tooDeep(query, bigStack);
    }
    if (!p.errors.isEmpty()) {
      throw p.errors.get(0);
    }
    return TypeChecker.normalize(e);
  }

  /** Parses a query with Prometheus 3.x defaults. */
  public static Expr parse(String query) {
    return parse(query, ParserOptions.DEFAULT);
  }

  /** Parses a series selector ({@code match[]} parameters): a vector selector without modifiers. */
  public static List<Matcher> parseMetricSelector(String selector, ParserOptions opts) {
    Expr e = parse(selector, opts);
    if (!(e instanceof VectorSelector vs) || vs.offsetMs() != 0 || vs.at().isSet()) {
      throw new ParseException(
          e.pos(), "expected a vector selector, got " + e.type().documented(), selector);
    }
    return vs.matchers();
  }

  // --- token handling ---------------------------------------------------------------------------

  private Token peek() {
    return toks.get(idx);
  }

  private Token peek(int ahead) {
    int i = Math.min(idx + ahead, toks.size() - 1);
    return toks.get(i);
  }

  private Token next() {
    Token t = toks.get(idx);
    if (t.type() == TokenType.ERROR) {
      lexerError(t);
    }
    if (idx < toks.size() - 1) {
      idx++;
    }
    switch (t.type()) {
      case RIGHT_BRACE, RIGHT_PAREN, RIGHT_BRACKET, DURATION, NUMBER -> lastClosing = t.end();
      default -> {}
    }
    return t;
  }

  private void lexerError(Token t) {
    errors.add(new ParseException(new PosRange(t.pos(), input.length()), t.val(), input));
    throw new Abort();
  }

  void addError(PosRange pos, String msg) {
    errors.add(new ParseException(pos, msg, input));
  }

  String input() {
    return input;
  }

  /** Records "unexpected X [in context][, expected Y]" for the current item and aborts. */
  private RuntimeException unexpected(Token t, String context, String expected) {
    if (t.type() == TokenType.ERROR) {
      lexerError(t);
    }
    StringBuilder sb = new StringBuilder("unexpected ").append(t.desc());
    if (context != null && !context.isEmpty()) {
      sb.append(" in ").append(context);
    }
    if (expected != null && !expected.isEmpty()) {
      sb.append(", expected ").append(expected);
    }
    addError(t.range(), sb.toString());
    throw new Abort();
  }

  private Token expect(TokenType type, String context, String expected) {
    Token t = peek();
    if (t.type() != type) {
      throw unexpected(t, context, expected);
    }
    return next();
  }

  // --- grammar ----------------------------------------------------------------------------------

  private Expr parseTop() {
    if (peek().type() == TokenType.EOF) {
      addError(PosRange.NONE, "no expression found in input");
      return null;
    }
    Expr e = parseExpr(0);
    Token t = peek();
    if (t.type() != TokenType.EOF) {
      throw unexpected(t, null, null);
    }
    return e;
  }

  private static RuntimeException tooDeep(String query, boolean bigStack) {
    if (bigStack) {
      return new ParseException(PosRange.NONE, "query is nested too deeply", query);
    }
    return new DeepRecursion();
  }

  private Expr parseExpr(int minPrec) {
    if (++depth > MAX_DEPTH) {
      addError(peek().range(), "query is nested too deeply");
      throw new Abort();
    }
    int chained = 0;
    try {
      Expr lhs = parseUnary();
      while (true) {
        Token t = peek();
        TokenType tt = t.type();
        // Every postfix/binary node wrapping lhs makes the tree one level deeper: count it
        // like nesting so that long left-deep chains also hit the depth limit.
        if (chained > 0 && depth > MAX_DEPTH) {
          addError(t.range(), "query is nested too deeply");
          throw new Abort();
        }
        chained++;
        depth++;
        if (tt == TokenType.LEFT_BRACKET) {
          lhs = parseRangeOrSubquery(lhs);
          continue;
        }
        if (tt == TokenType.OFFSET) {
          lhs = parseOffset(lhs);
          continue;
        }
        if (tt == TokenType.AT) {
          lhs = parseAt(lhs);
          continue;
        }
        int prec = tt.precedence();
        if (prec == 0 || prec < minPrec) {
          return lhs;
        }
        next();
        VectorMatching[] matching = new VectorMatching[1];
        boolean returnBool = parseBinModifiers(matching);
        Expr rhs = parseExpr(tt == TokenType.POW ? prec : prec + 1);
        lhs = new BinaryExpr(tt, lhs, rhs, matching[0], returnBool);
      }
    } finally {
      depth -= 1 + chained;
    }
  }

  private boolean parseBinModifiers(VectorMatching[] out) {
    boolean returnBool = false;
    if (peek().type() == TokenType.BOOL) {
      next();
      returnBool = true;
    }
    VectorMatching.Card card = VectorMatching.Card.ONE_TO_ONE;
    List<String> matching = List.of();
    List<String> include = List.of();
    boolean on = false;
    TokenType t = peek().type();
    if (t == TokenType.ON || t == TokenType.IGNORING) {
      next();
      on = t == TokenType.ON;
      matching = parseGroupingLabels();
      TokenType g = peek().type();
      if (g == TokenType.GROUP_LEFT || g == TokenType.GROUP_RIGHT) {
        next();
        card =
            g == TokenType.GROUP_LEFT
                ? VectorMatching.Card.MANY_TO_ONE
                : VectorMatching.Card.ONE_TO_MANY;
        if (peek().type() == TokenType.LEFT_PAREN) {
          include = parseGroupingLabels();
        }
      }
    }
    out[0] = new VectorMatching(card, matching, on, include);
    return returnBool;
  }

  private Expr parseUnary() {
    Token t = peek();
    if (t.type() == TokenType.ADD || t.type() == TokenType.SUB) {
      next();
      Expr operand = parseExpr(TokenType.POW.precedence());
      if (operand instanceof NumberLiteral nl) {
        double v = t.type() == TokenType.SUB ? -nl.value() : nl.value();
        return new NumberLiteral(v, new PosRange(t.pos(), nl.pos().end()));
      }
      return new UnaryExpr(t.type(), operand, t.pos());
    }
    return parsePrimary();
  }

  private Expr parsePrimary() {
    Token t = peek();
    switch (t.type()) {
      case NUMBER -> {
        next();
        return new NumberLiteral(number(t), t.range());
      }
      case DURATION -> {
        if (opts.semantics() == PromqlSemantics.PROMETHEUS_2) {
          throw unexpected(t, null, null);
        }
        next();
        return new NumberLiteral(duration(t) / 1000.0, t.range());
      }
      case STRING -> {
        next();
        return new StringLiteral(unquote(t), t.range());
      }
      case LEFT_PAREN -> {
        next();
        Expr inner = parseExpr(0);
        Token close = peek();
        if (close.type() != TokenType.RIGHT_PAREN) {
          throw unexpected(close, null, null);
        }
        next();
        return new ParenExpr(inner, new PosRange(t.pos(), close.end()));
      }
      case LEFT_BRACE -> {
        return parseVectorSelector(null, t);
      }
      case IDENTIFIER -> {
        next();
        if (peek().type() == TokenType.LEFT_PAREN) {
          return parseCall(t);
        }
        return parseVectorSelector(t, t);
      }
      case METRIC_IDENTIFIER, BY, WITHOUT, LAND, LOR, LUNLESS, OFFSET -> {
        next();
        return parseVectorSelector(t, t);
      }
      case START, END -> {
        next();
        if (peek().type() == TokenType.LEFT_PAREN) {
          return parseCall(t);
        }
        return parseVectorSelector(t, t);
      }
      default -> {
        if (t.type().isAggregator()) {
          TokenType after = peek(1).type();
          if (after == TokenType.LEFT_PAREN
              || after == TokenType.BY
              || after == TokenType.WITHOUT) {
            return parseAggregate();
          }
          next();
          return parseVectorSelector(t, t);
        }
        throw unexpected(t, null, null);
      }
    }
  }

  private double number(Token t) {
    String v = t.val();
    try {
      return GoNumbers.parseInt(v);
    } catch (IllegalArgumentException e) {
      // fall through to float
    }
    try {
      return GoNumbers.parseFloat(v);
    } catch (GoNumbers.NumberSyntaxException e) {
      addError(t.range(), "error parsing number: " + e.getMessage());
      return 0;
    }
  }

  private long duration(Token t) {
    try {
      return GoNumbers.parseDuration(t.val());
    } catch (GoNumbers.NumberSyntaxException e) {
      addError(t.range(), e.getMessage());
      return 0;
    }
  }

  private String unquote(Token t) {
    try {
      return GoStrings.unquote(t.val());
    } catch (IllegalArgumentException e) {
      addError(
          t.range(), "error unquoting string " + GoStrings.quote(t.val()) + ": invalid syntax");
      return "";
    }
  }

  // --- selectors --------------------------------------------------------------------------------

  private Expr parseVectorSelector(Token nameTok, Token first) {
    String name = nameTok == null ? null : nameTok.val();
    List<Matcher> matchers = new ArrayList<>();
    int end = nameTok == null ? first.pos() : nameTok.end();
    if (peek().type() == TokenType.LEFT_BRACE) {
      next();
      parseLabelMatchers(matchers);
      end = lastClosing;
    }
    if (name != null) {
      matchers.add(Matcher.of(MatchType.EQUAL, Labels.METRIC_NAME, name, dialect()));
    }
    return new VectorSelector(name, matchers, 0, AtModifier.NONE, new PosRange(first.pos(), end));
  }

  private io.jthanos.tsdb.labels.RegexDialect dialect() {
    return opts.semantics().regexDialect();
  }

  private void parseLabelMatchers(List<Matcher> out) {
    if (peek().type() == TokenType.RIGHT_BRACE) {
      next();
      return;
    }
    while (true) {
      Token t = peek();
      if (t.type() == TokenType.IDENTIFIER
          || (t.type() == TokenType.STRING && opts.semantics() != PromqlSemantics.PROMETHEUS_2)) {
        next();
        String label = t.type() == TokenType.STRING ? unquote(t) : t.val();
        Token op = peek();
        MatchType mt =
            switch (op.type()) {
              case EQL -> MatchType.EQUAL;
              case NEQ -> MatchType.NOT_EQUAL;
              case EQL_REGEX -> MatchType.REGEX;
              case NEQ_REGEX -> MatchType.NOT_REGEX;
              default -> null;
            };
        if (mt == null) {
          if (t.type() != TokenType.STRING) {
            throw unexpected(op, "label matching", "label matching operator");
          }
          // A quoted metric name: {"my.metric"}.
          out.add(Matcher.of(MatchType.EQUAL, Labels.METRIC_NAME, label, dialect()));
        } else {
          next();
          Token val = peek();
          if (val.type() != TokenType.STRING) {
            throw unexpected(val, "label matching", "string");
          }
          next();
          String value = unquote(val);
          try {
            out.add(Matcher.of(mt, label, value, dialect()));
          } catch (IllegalArgumentException e) {
            addError(t.range().merge(val.range()), e.getMessage());
          }
        }
      } else {
        throw unexpected(t, "label matching", "identifier or \"}\"");
      }
      Token sep = peek();
      if (sep.type() == TokenType.COMMA) {
        next();
        if (peek().type() == TokenType.RIGHT_BRACE) {
          next();
          return;
        }
        continue;
      }
      if (sep.type() == TokenType.RIGHT_BRACE) {
        next();
        return;
      }
      throw unexpected(sep, "label matching", "\",\" or \"}\"");
    }
  }

  private List<String> parseGroupingLabels() {
    Token open = peek();
    if (open.type() != TokenType.LEFT_PAREN) {
      throw unexpected(open, "grouping opts", "\"(\"");
    }
    next();
    List<String> labels = new ArrayList<>();
    if (peek().type() == TokenType.RIGHT_PAREN) {
      next();
      return labels;
    }
    while (true) {
      Token t = peek();
      String label = groupingLabel(t);
      if (label == null) {
        throw unexpected(t, "grouping opts", "label");
      }
      next();
      labels.add(label);
      Token sep = peek();
      if (sep.type() == TokenType.RIGHT_PAREN) {
        next();
        return labels;
      }
      if (sep.type() != TokenType.COMMA) {
        throw unexpected(sep, "grouping opts", "\",\" or \")\"");
      }
      next();
      if (peek().type() == TokenType.RIGHT_PAREN) {
        next();
        return labels;
      }
    }
  }

  private String groupingLabel(Token t) {
    switch (t.type()) {
      case STRING -> {
        if (opts.semantics() == PromqlSemantics.PROMETHEUS_2) {
          return null;
        }
        return GoStrings.unquote(t.val());
      }
      case IDENTIFIER, METRIC_IDENTIFIER -> {
        return isLabel(t.val()) ? t.val() : null;
      }
      case ERROR, EOF, NUMBER, DURATION -> {
        return null;
      }
      default -> {
        TokenType tt = t.type();
        if (tt.isAggregator()
            || tt.isKeyword()
            || tt == TokenType.LAND
            || tt == TokenType.LOR
            || tt == TokenType.LUNLESS
            || tt == TokenType.ATAN2) {
          return t.val();
        }
        return null;
      }
    }
  }

  static boolean isLabel(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          c == '_'
              || (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (i > 0 && c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  // --- calls and aggregations -----------------------------------------------------------------

  private Expr parseCall(Token nameTok) {
    FunctionDef fn = Functions.get(nameTok.val(), opts.semantics());
    List<Expr> args = parseCallArgs();
    PosRange pos = new PosRange(nameTok.pos(), lastClosing);
    if (fn == null) {
      addError(nameTok.range(), "unknown function with name " + GoStrings.quote(nameTok.val()));
      fn = new FunctionDef(nameTok.val(), List.of(), 0, ValueType.NONE, false);
    } else if (fn.experimental() && !opts.experimentalFunctions()) {
      addError(nameTok.range(), "function " + GoStrings.quote(nameTok.val()) + " is not enabled");
    }
    return new Call(fn, args, pos);
  }

  private List<Expr> parseCallArgs() {
    expect(TokenType.LEFT_PAREN, null, null);
    List<Expr> args = new ArrayList<>();
    if (peek().type() == TokenType.RIGHT_PAREN) {
      next();
      return args;
    }
    while (true) {
      args.add(parseExpr(0));
      Token t = peek();
      if (t.type() == TokenType.RIGHT_PAREN) {
        next();
        return args;
      }
      if (t.type() != TokenType.COMMA) {
        throw unexpected(t, null, null);
      }
      next();
      if (peek().type() == TokenType.RIGHT_PAREN) {
        addError(t.range(), "trailing commas not allowed in function call args");
        next();
        return args;
      }
    }
  }

  private Expr parseAggregate() {
    Token op = next();
    List<String> grouping = List.of();
    boolean without = false;
    boolean modifier = false;
    TokenType t = peek().type();
    if (t == TokenType.BY || t == TokenType.WITHOUT) {
      next();
      without = t == TokenType.WITHOUT;
      grouping = parseGroupingLabels();
      modifier = true;
    }
    if (peek().type() != TokenType.LEFT_PAREN) {
      throw unexpected(peek(), "aggregation", null);
    }
    List<Expr> args = parseCallArgs();
    int end = lastClosing;
    if (!modifier) {
      t = peek().type();
      if (t == TokenType.BY || t == TokenType.WITHOUT) {
        next();
        without = t == TokenType.WITHOUT;
        grouping = parseGroupingLabels();
        end = lastClosing;
      }
    }
    PosRange pos = new PosRange(op.pos(), end);
    if (args.isEmpty()) {
      addError(pos, "no arguments for aggregate expression provided");
      return new AggregateExpr(op.type(), null, null, grouping, without, pos);
    }
    int desired = 1;
    Expr param = null;
    if (op.type().isAggregatorWithParam()) {
      if (!opts.experimentalFunctions()
          && (op.type() == TokenType.LIMITK || op.type() == TokenType.LIMIT_RATIO)) {
        addError(
            pos,
            op.type().text()
                + "() is experimental and must be enabled with"
                + " --enable-feature=promql-experimental-functions");
        return new AggregateExpr(op.type(), null, null, grouping, without, pos);
      }
      desired = 2;
      param = args.get(0);
    }
    if (args.size() != desired) {
      addError(
          pos,
          "wrong number of arguments for aggregate expression provided, expected "
              + desired
              + ", got "
              + args.size());
      return new AggregateExpr(op.type(), null, null, grouping, without, pos);
    }
    return new AggregateExpr(op.type(), args.get(desired - 1), param, grouping, without, pos);
  }

  // --- postfix modifiers ------------------------------------------------------------------------

  private Expr parseRangeOrSubquery(Expr lhs) {
    Token open = next();
    String v3Expect = "number, duration, step(), or range()";
    Token r = peek();
    long range = durationValue(r, "subquery or range selector", v3Expect);
    Token t = peek();
    if (t.type() == TokenType.RIGHT_BRACKET) {
      next();
      String err = null;
      if (!(lhs instanceof VectorSelector vs)) {
        err = "ranges only allowed for vector selectors";
      } else if (vs.offsetMs() != 0) {
        err = "no offset modifiers allowed before range";
      } else if (vs.at().isSet()) {
        err = "no @ modifiers allowed before range";
      }
      if (err != null) {
        addError(new PosRange(open.pos(), t.end()), err);
        return lhs;
      }
      checkPositiveDuration(range, r);
      return new MatrixSelector((VectorSelector) lhs, range, t.end());
    }
    if (t.type() == TokenType.COLON || t.type() == TokenType.DOUBLE_COLON) {
      if (t.type() == TokenType.DOUBLE_COLON) {
        throw unexpected(t, "subquery or range", "\":\" or \"]\"");
      }
      next();
      checkPositiveDuration(range, r);
      long step = 0;
      Token s = peek();
      if (s.type() != TokenType.RIGHT_BRACKET) {
        step = durationValue(s, "subquery selector", "duration or \"]\"");
        checkPositiveDuration(step, s);
      }
      Token close = peek();
      if (close.type() != TokenType.RIGHT_BRACKET) {
        throw unexpected(close, "subquery selector", "\"]\"");
      }
      next();
      return new SubqueryExpr(lhs, range, step, 0, AtModifier.NONE, close.end());
    }
    if (t.type() == TokenType.ADD
        || t.type() == TokenType.SUB
        || t.type() == TokenType.MUL
        || t.type() == TokenType.DIV
        || t.type() == TokenType.MOD
        || t.type() == TokenType.POW) {
      addError(new PosRange(r.pos(), t.end()), "experimental duration expression is not enabled");
      throw new Abort();
    }
    throw unexpected(t, "subquery or range", "\":\" or \"]\"");
  }

  private void checkPositiveDuration(long ms, Token at) {
    if (ms <= 0) {
      addError(at.range(), "duration must be greater than 0");
    }
  }

  /** A duration literal: a DURATION item or a NUMBER of seconds. */
  private long durationValue(Token t, String context, String expected) {
    boolean neg = false;
    Token sign = null;
    if (t.type() == TokenType.SUB || t.type() == TokenType.ADD) {
      sign = t;
      neg = t.type() == TokenType.SUB;
      next();
      t = peek();
    }
    if (t.type() == TokenType.DURATION) {
      next();
      long d = duration(t);
      return neg ? -d : d;
    }
    if (t.type() == TokenType.NUMBER) {
      next();
      double secs = number(t);
      if (neg) {
        secs = -secs;
      }
      if (secs > 9.223372036854775807e9 || secs < -9.223372036854775808e9 || Double.isNaN(secs)) {
        addError(sign == null ? t.range() : sign.range().merge(t.range()), "duration out of range");
        return 0;
      }
      return goRound(secs * 1000);
    }
    if (t.type() == TokenType.LEFT_PAREN) {
      addError(t.range(), "experimental duration expression is not enabled");
      throw new Abort();
    }
    throw unexpected(t, context, expected);
  }

  private Expr parseOffset(Expr lhs) {
    Token off = next();
    String expected =
        opts.semantics() == PromqlSemantics.PROMETHEUS_2
            ? "duration"
            : "number, duration, step(), or range()";
    long offset = durationValue(peek(), "offset", expected);
    int end = lastClosing;
    Expr inner = lhs;
    switch (inner) {
      case VectorSelector vs -> {
        if (vs.offsetMs() != 0) {
          addError(lhs.pos(), "offset may not be set multiple times");
          return lhs;
        }
        return vs.withOffset(offset, end);
      }
      case MatrixSelector ms -> {
        VectorSelector vs = ms.selector();
        if (vs.offsetMs() != 0) {
          addError(lhs.pos(), "offset may not be set multiple times");
          return lhs;
        }
        return new MatrixSelector(vs.withOffset(offset, vs.pos().end()), ms.rangeMs(), end);
      }
      case SubqueryExpr sq -> {
        if (sq.offsetMs() != 0) {
          addError(lhs.pos(), "offset may not be set multiple times");
          return lhs;
        }
        return sq.withOffset(offset, end);
      }
      default -> {
        addError(
            lhs.pos(),
            "offset modifier must be preceded by an instant vector selector or range vector"
                + " selector or a subquery");
        return lhs;
      }
    }
  }

  private Expr parseAt(Expr lhs) {
    next();
    Token t = peek();
    AtModifier at;
    if (t.type() == TokenType.START || t.type() == TokenType.END) {
      next();
      expect(TokenType.LEFT_PAREN, "@", "timestamp");
      expect(TokenType.RIGHT_PAREN, "@", "timestamp");
      at =
          new AtModifier(
              t.type() == TokenType.START ? AtModifier.Kind.START : AtModifier.Kind.END, 0);
    } else {
      boolean neg = false;
      if (t.type() == TokenType.ADD || t.type() == TokenType.SUB) {
        neg = t.type() == TokenType.SUB;
        next();
        t = peek();
      }
      double ts;
      if (t.type() == TokenType.NUMBER) {
        next();
        ts = number(t);
      } else if (t.type() == TokenType.DURATION
          && opts.semantics() != PromqlSemantics.PROMETHEUS_2) {
        next();
        ts = duration(t) / 1000.0;
      } else {
        throw unexpected(t, "@", "timestamp");
      }
      if (neg) {
        ts = -ts;
      }
      if (Double.isInfinite(ts)
          || Double.isNaN(ts)
          || ts >= (double) Long.MAX_VALUE
          || ts <= (double) Long.MIN_VALUE) {
        addError(lhs.pos(), "timestamp out of bounds for @ modifier: " + GoFloat.formatFixed6(ts));
        return lhs;
      }
      at = AtModifier.at(goRound(ts * 1000));
    }
    int end = lastClosing;
    String twice = "@ <timestamp> may not be set multiple times";
    switch (lhs) {
      case VectorSelector vs -> {
        if (vs.at().isSet()) {
          addError(lhs.pos(), twice);
          return lhs;
        }
        return vs.withAt(at, end);
      }
      case MatrixSelector ms -> {
        VectorSelector vs = ms.selector();
        if (vs.at().isSet()) {
          addError(lhs.pos(), twice);
          return lhs;
        }
        return new MatrixSelector(vs.withAt(at, vs.pos().end()), ms.rangeMs(), end);
      }
      case SubqueryExpr sq -> {
        if (sq.at().isSet()) {
          addError(lhs.pos(), twice);
          return lhs;
        }
        return sq.withAt(at, end);
      }
      default -> {
        addError(
            lhs.pos(),
            "@ modifier must be preceded by an instant vector selector or range vector selector"
                + " or a subquery");
        return lhs;
      }
    }
  }

  /** Go's {@code math.Round}: half away from zero. */
  static long goRound(double x) {
    double a = Math.abs(x);
    double t = Math.floor(a);
    if (a - t >= 0.5) {
      t += 1;
    }
    return (long) Math.copySign(t, x);
  }

  static boolean isSpaceChar(char c) {
    return Lexer.isSpace(c);
  }
}
