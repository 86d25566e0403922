package io.jthanos.block.metadata;

import io.jthanos.tsdb.block.Ulid;

/**
 * {@code no-compact-mark.json}: the block is excluded from compaction (horizontal and vertical) and
 * rewrites. {@code noCompactTime} is in Unix seconds.
 */
public record NoCompactMark(Ulid id, int version, String details, long noCompactTime, String reason)
    implements Marker {
  /** Marked by a user. */
  public static final String REASON_MANUAL = "manual";

  /** The compacted index would exceed the size limit. */
  public static final String REASON_INDEX_SIZE_EXCEEDING = "index-size-exceeding";

  /**
   * The index has out-of-order chunks (with {@code --compact.skip-block-with-out-of-order-chunks}).
   */
  public static final String REASON_OUT_OF_ORDER_CHUNKS = "block-index-out-of-order-chunk";

  /** Overlapping downsampled blocks cannot be compacted vertically. */
  public static final String REASON_DOWNSAMPLE_VERTICAL_COMPACTION =
      "downsample-vertical-compaction";

  public NoCompactMark {
    details = details == null ? "" : details;
    reason = reason == null ? "" : reason;
  }

  public static NoCompactMark of(Ulid id, String reason, String details, long timeSeconds) {
    return new NoCompactMark(id, VERSION_1, details, timeSeconds, reason);
  }

  @Override
  public MarkerType type() {
    return MarkerType.NO_COMPACT;
  }

  @Override
  public String toJson() {
    StringBuilder sb = new StringBuilder(160);
    sb.append("{\"id\":\"").append(id).append("\",\"version\":").append(version);
    MarkerJson.details(sb, details);
    sb.append(",\"no_compact_time\":").append(noCompactTime).append(",\"reason\":");
    MarkerJson.quote(sb, reason);
    return sb.append('}').toString();
  }
}
