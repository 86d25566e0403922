package io.jthanos.block.compact;

import io.jthanos.tsdb.block.Ulid;

/**
 * An input block with a known, handled problem: {@link Kind#OUT_OF_ORDER_CHUNKS} (the block gets a
 * no-compact mark when {@code --compact.skip-block-with-out-of-order-chunks} is set, else the
 * compactor stops) or {@link Kind#ISSUE_347} (chunks starting at the block's end, from
 * prometheus/tsdb#347: the block is repaired and the compaction retried).
 */
public final class BlockIssueException extends RuntimeException {
  /** The handled problem. */
  public enum Kind {
    OUT_OF_ORDER_CHUNKS,
    ISSUE_347
  }

  private final Kind kind;
  private final Ulid block;

  public BlockIssueException(Kind kind, Ulid block, String message) {
    super(message);
    this.kind = kind;
    this.block = block;
  }

  public Kind kind() {
    return kind;
  }

  public Ulid block() {
    return block;
  }
}
