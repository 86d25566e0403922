package io.jthanos.promql;

import io.jthanos.promql.engine.QueryControl;
import io.jthanos.promql.engine.QueryExecution;
import io.jthanos.promql.parser.Expr;
import io.jthanos.tsdb.storage.Queryable;

/**
 * A prepared query. {@link #exec()} evaluates it on the calling thread; {@link #cancel()} (from any
 * thread, e.g. when the HTTP client went away) makes a running evaluation fail with {@code
 * canceled}. The timeout starts when {@link #exec()} is called.
 */
public final class Query {
  private final Engine engine;
  private final Queryable queryable;
  private final String text;
  private final Expr expr;
  private final long start;
  private final long end;
  private final long step;
  private final QueryOptions qo;
  private volatile QueryControl control;
  private volatile boolean canceled;

  Query(
      Engine engine,
      Queryable queryable,
      String text,
      Expr expr,
      long start,
      long end,
      long step,
      QueryOptions qo) {
    this.engine = engine;
    this.queryable = queryable;
    this.text = text;
    this.expr = expr;
    this.start = start;
    this.end = end;
    this.step = step;
    this.qo = qo;
  }

  /** The parsed expression. */
  public Expr expr() {
    return expr;
  }

  public String text() {
    return text;
  }

  public boolean isRange() {
    return step > 0;
  }

  public QueryResult exec() {
    QueryControl c = new QueryControl(engine.timeout(qo));
    control = c;
    if (canceled) {
      c.cancel();
    }
    return QueryExecution.run(
        engine.options(), queryable, text, expr, start, end, step, engine.lookback(qo), c);
  }

  public void cancel() {
    canceled = true;
    QueryControl c = control;
    if (c != null) {
      c.cancel();
    }
  }
}
