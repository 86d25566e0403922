package io.jthanos.promql;

import io.jthanos.promql.parser.Expr;
import io.jthanos.promql.parser.Parser;
import io.jthanos.promql.parser.ParserOptions;
import io.jthanos.promql.parser.ValueType;
import io.jthanos.tsdb.storage.Queryable;

/**
 * The PromQL engine. Thread-safe; create one per process with {@link EngineOptions} and run queries
 * over any {@link Queryable}:
 *
 * <pre>{@code
 * Engine engine = new Engine(EngineOptions.defaults());
 * QueryResult r = engine.instantQuery(queryable, "sum by (job) (rate(x[5m]))", nowMs, QueryOptions.DEFAULT).exec();
 * }</pre>
 *
 * Errors are {@link PromqlException}s carrying the Prometheus API error type ({@code bad_data} for
 * parse errors and invalid parameters, {@code execution}, {@code timeout}, {@code canceled}, {@code
 * internal} for storage failures).
 */
public final class Engine {
  /** Prometheus rejects range queries with more steps than this. */
  public static final long MAX_RANGE_STEPS = 11_000;

  private final EngineOptions opts;
  private final ParserOptions parserOptions;

  public Engine(EngineOptions opts) {
    this.opts = opts;
    this.parserOptions = new ParserOptions(opts.semantics(), opts.experimentalFunctions());
  }

  public EngineOptions options() {
    return opts;
  }

  /** Parses a query with this engine's language settings (throws {@code bad_data} errors). */
  public Expr parse(String query) {
    return Parser.parse(query, parserOptions);
  }

  /** Prepares an instant query at {@code timeMs}. */
  public Query instantQuery(Queryable queryable, String query, long timeMs, QueryOptions qo) {
    Expr expr = parse(query);
    return new Query(this, queryable, query, expr, timeMs, timeMs, 0, qo);
  }

  /** Prepares a range query over [startMs, endMs] every stepMs. */
  public Query rangeQuery(
      Queryable queryable, String query, long startMs, long endMs, long stepMs, QueryOptions qo) {
    if (stepMs <= 0) {
      throw new PromqlException(
          ErrorType.BAD_DATA,
          "zero or negative query resolution step widths are not accepted. Try a positive integer");
    }
    if (endMs < startMs) {
      throw new PromqlException(ErrorType.BAD_DATA, "end timestamp must not be before start time");
    }
    Expr expr = parse(query);
    if (expr.type() != ValueType.VECTOR && expr.type() != ValueType.SCALAR) {
      throw new PromqlException(
          ErrorType.BAD_DATA,
          "invalid expression type \""
              + expr.type().documented()
              + "\" for range query, must be Scalar or instant Vector");
    }
    return new Query(this, queryable, query, expr, startMs, endMs, stepMs, qo);
  }

  long lookback(QueryOptions qo) {
    return qo.lookbackDeltaMs() > 0 ? qo.lookbackDeltaMs() : opts.lookbackDeltaMs();
  }

  long timeout(QueryOptions qo) {
    return qo.timeoutMs() > 0 ? qo.timeoutMs() : opts.timeoutMs();
  }
}
