package io.jthanos.promql.parser;

import io.jthanos.promql.ErrorType;
import io.jthanos.promql.PromqlException;

/**
 * A PromQL syntax or type error, formatted as Prometheus does: {@code 1:14: parse error: ...}.
 * Always of type {@code bad_data}.
 */
public final class ParseException extends PromqlException {
  private final PosRange pos;
  private final String reason;
  private final String query;

  public ParseException(PosRange pos, String reason, String query) {
    super(ErrorType.BAD_DATA, pos.startPosInput(query) + ": parse error: " + reason);
    this.pos = pos;
    this.reason = reason;
    this.query = query;
  }

  /** Where the error is, in characters of the query. */
  public PosRange position() {
    return pos;
  }

  /** The error text without the position prefix. */
  public String reason() {
    return reason;
  }

  public String query() {
    return query;
  }
}
