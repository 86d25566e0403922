package io.jthanos.sidecar.promclient;

import java.io.IOException;

/**
 * A request to Prometheus failed: it could not be sent, or Prometheus answered with an error status
 * ({@link #status()} > 0, with its {@code errorType} when it sent the API envelope).
 */
public final class PrometheusException extends IOException {
  private final int status;
  private final String errorType;

  public PrometheusException(String message, int status, String errorType) {
    super(message);
    this.status = status;
    this.errorType = errorType == null ? "" : errorType;
  }

  public PrometheusException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
    this.errorType = "";
  }

  /** The HTTP status Prometheus answered with, or 0 when there was no answer. */
  public int status() {
    return status;
  }

  /** The API envelope's {@code errorType} ({@code bad_data}, ...), or empty. */
  public String errorType() {
    return errorType;
  }

  /** Whether Prometheus refused the request itself (4xx): retrying the same request won't help. */
  public boolean isClientError() {
    return status >= 400 && status < 500;
  }
}
