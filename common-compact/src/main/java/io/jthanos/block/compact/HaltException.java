package io.jthanos.block.compact;

/**
 * A critical problem that more attempts cannot fix (overlapping blocks without vertical compaction,
 * an unhealthy index, an invalid result block): the compactor stops compacting, sets {@code
 * thanos_compact_halted} to 1 and keeps serving its metrics and UI for investigation, as Thanos'
 * {@code HaltError}.
 */
public final class HaltException extends RuntimeException {
  public HaltException(String message) {
    super(message);
  }

  public HaltException(String message, Throwable cause) {
    super(message, cause);
  }
}
