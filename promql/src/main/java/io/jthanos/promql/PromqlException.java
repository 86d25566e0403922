package io.jthanos.promql;

import java.util.List;

/** A failed PromQL query: the message is Prometheus' own text, the type its API error type. */
public class PromqlException extends RuntimeException {
  private final ErrorType type;
  private final List<String> warnings;

  public PromqlException(ErrorType type, String message) {
    this(type, message, null, List.of());
  }

  public PromqlException(ErrorType type, String message, Throwable cause) {
    this(type, message, cause, List.of());
  }

  public PromqlException(ErrorType type, String message, Throwable cause, List<String> warnings) {
    super(message, cause);
    this.type = type;
    this.warnings = List.copyOf(warnings);
  }

  public ErrorType type() {
    return type;
  }

  /** Warnings collected before the failure (e.g. from a partial response). */
  public List<String> warnings() {
    return warnings;
  }

  /** An evaluation error ({@code execution}). */
  public static PromqlException execution(String message) {
    return new PromqlException(ErrorType.EXECUTION, message);
  }
}
