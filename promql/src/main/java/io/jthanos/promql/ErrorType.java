package io.jthanos.promql;

/**
 * The Prometheus API error types a PromQL evaluation can end with. The HTTP layer maps them to the
 * envelope's {@code errorType} and a status code.
 */
public enum ErrorType {
  /** The query could not be parsed or a parameter is invalid (HTTP 400). */
  BAD_DATA("bad_data"),
  /** Evaluation failed, e.g. many-to-many matching or too many samples (HTTP 422). */
  EXECUTION("execution"),
  /** The query ran longer than its timeout (HTTP 503). */
  TIMEOUT("timeout"),
  /** The query was canceled, e.g. because the client went away. */
  CANCELED("canceled"),
  /** Storage failed underneath the query (HTTP 500). */
  INTERNAL("internal");

  private final String wireName;

  ErrorType(String wireName) {
    this.wireName = wireName;
  }

  /** The value of the API envelope's {@code errorType} field. */
  public String wireName() {
    return wireName;
  }
}
