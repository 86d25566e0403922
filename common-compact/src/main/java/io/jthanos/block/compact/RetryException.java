package io.jthanos.block.compact;

/**
 * A transient problem (a bucket download or upload failed, the bucket view is incomplete): the
 * current iteration stops and the next one retries, counted in {@code
 * thanos_compact_retries_total}, as Thanos' {@code RetryError}.
 */
public final class RetryException extends RuntimeException {
  public RetryException(String message, Throwable cause) {
    super(message, cause);
  }
}
