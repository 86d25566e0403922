package io.jthanos.objstore;

import java.io.IOException;

/**
 * A failed bucket operation. {@link #status()} is the HTTP status of the provider's answer when
 * there was one (else -1); {@link #isTransient()} says whether trying again may succeed (5xx,
 * throttling, timeouts, dropped connections), which is what {@link RetryingBucket} retries on.
 */
public class BucketException extends IOException {
  private final int status;
  private final boolean transientFailure;

  public BucketException(String message, int status, boolean transientFailure, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.transientFailure = transientFailure;
  }

  public BucketException(String message, Throwable cause) {
    this(message, -1, false, cause);
  }

  /** A failure classified by HTTP status: 5xx, 408 and 429 are transient, other 4xx are not. */
  public static BucketException ofStatus(String message, int status, Throwable cause) {
    return new BucketException(message, status, Retries.isTransientStatus(status), cause);
  }

  public int status() {
    return status;
  }

  public boolean isTransient() {
    return transientFailure;
  }

  /** The first throwable of type {@code type} in the cause chain of {@code t}, or null. */
  public static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (int depth = 0; t != null && depth < 32; depth++, t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      for (Throwable s : t.getSuppressed()) {
        if (type.isInstance(s)) {
          return type.cast(s);
        }
      }
    }
    return null;
  }
}
