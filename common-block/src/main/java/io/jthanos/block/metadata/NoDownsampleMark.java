package io.jthanos.block.metadata;

import io.jthanos.tsdb.block.Ulid;

/**
 * {@code no-downsample-mark.json}: the compactor does not downsample the block. {@code
 * noDownsampleTime} is in Unix seconds.
 */
public record NoDownsampleMark(
    Ulid id, int version, String details, long noDownsampleTime, String reason) implements Marker {
  /** Marked by a user. */
  public static final String REASON_MANUAL = "manual";

  public NoDownsampleMark {
    details = details == null ? "" : details;
    reason = reason == null ? "" : reason;
  }

  public static NoDownsampleMark of(Ulid id, String reason, String details, long timeSeconds) {
    return new NoDownsampleMark(id, VERSION_1, details, timeSeconds, reason);
  }

  @Override
  public MarkerType type() {
    return MarkerType.NO_DOWNSAMPLE;
  }

  @Override
  public String toJson() {
    StringBuilder sb = new StringBuilder(160);
    sb.append("{\"id\":\"").append(id).append("\",\"version\":").append(version);
    MarkerJson.details(sb, details);
    sb.append(",\"no_downsample_time\":").append(noDownsampleTime).append(",\"reason\":");
    MarkerJson.quote(sb, reason);
    return sb.append('}').toString();
  }
}
