package io.jthanos.promql.engine;

import io.jthanos.promql.ErrorType;
import io.jthanos.promql.PromqlException;

/** Cancellation and deadline of one query; {@link #cancel()} may be called from any thread. */
public final class QueryControl {
  private final long deadlineNanos;
  private volatile boolean canceled;
  private int counter;

  public QueryControl(long timeoutMs) {
    this.deadlineNanos = System.nanoTime() + timeoutMs * 1_000_000L;
  }

  public void cancel() {
    canceled = true;
  }

  public boolean isCanceled() {
    return canceled;
  }

  /** Throws a {@code canceled} or {@code timeout} error when appropriate. Cheap to call often. */
  void check() {
    if (canceled || Thread.currentThread().isInterrupted()) {
      throw new PromqlException(ErrorType.CANCELED, "query was canceled in expression evaluation");
    }
    if ((++counter & 0xF) == 0 && System.nanoTime() - deadlineNanos > 0) {
      throw new PromqlException(ErrorType.TIMEOUT, "query timed out in expression evaluation");
    }
  }

  /** Checks the deadline unconditionally. */
  void checkNow() {
    if (canceled || Thread.currentThread().isInterrupted()) {
      throw new PromqlException(ErrorType.CANCELED, "query was canceled in expression evaluation");
    }
    if (System.nanoTime() - deadlineNanos > 0) {
      throw new PromqlException(ErrorType.TIMEOUT, "query timed out in expression evaluation");
    }
  }
}
