package io.jthanos.storeapi;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jthanos.tsdb.storage.StorageException;

/**
 * A StoreAPI call failed. Carries the gRPC status code so callers can tell a limit ({@code
 * RESOURCE_EXHAUSTED}), a bad request ({@code INVALID_ARGUMENT}), a timeout ({@code
 * DEADLINE_EXCEEDED}) or a cancellation from a store failure.
 */
public class StoreApiException extends StorageException {
  private final Status.Code code;

  public StoreApiException(Status.Code code, String message) {
    super(message);
    this.code = code;
  }

  public StoreApiException(Status.Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Status.Code code() {
    return code;
  }

  /** Wraps a gRPC failure, prefixing the message with the endpoint (may be null). */
  public static StoreApiException from(String endpoint, StatusRuntimeException e) {
    Status s = e.getStatus();
    String desc = s.getDescription() == null ? s.getCode().name() : s.getDescription();
    String msg = endpoint == null ? desc : "store " + endpoint + ": " + desc;
    return new StoreApiException(s.getCode(), msg, e);
  }

  /** The gRPC status this failure maps to at the server edge. */
  public StatusRuntimeException toStatus() {
    return Status.fromCode(code).withDescription(getMessage()).withCause(this).asRuntimeException();
  }
}
