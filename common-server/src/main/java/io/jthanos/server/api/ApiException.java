package io.jthanos.server.api;

/** An API failure with its error type; {@link Api} turns it into the error envelope. */
public class ApiException extends Exception {
  private final ErrorType type;

  public ApiException(ErrorType type, String message) {
    super(message);
    this.type = type;
  }

  public ApiException(ErrorType type, String message, Throwable cause) {
    super(message, cause);
    this.type = type;
  }

  public ErrorType type() {
    return type;
  }

  public static ApiException badData(String message) {
    return new ApiException(ErrorType.BAD_DATA, message);
  }
}
