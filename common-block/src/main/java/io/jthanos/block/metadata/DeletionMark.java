package io.jthanos.block.metadata;

import io.jthanos.tsdb.block.Ulid;

/**
 * {@code deletion-mark.json}: the block is to be deleted once {@code deletionTime} (Unix seconds)
 * is older than the delete delay.
 */
public record DeletionMark(Ulid id, int version, String details, long deletionTime)
    implements Marker {
  public DeletionMark {
    details = details == null ? "" : details;
  }

  public static DeletionMark of(Ulid id, String details, long deletionTimeSeconds) {
    return new DeletionMark(id, VERSION_1, details, deletionTimeSeconds);
  }

  @Override
  public MarkerType type() {
    return MarkerType.DELETION;
  }

  @Override
  public String toJson() {
    StringBuilder sb = new StringBuilder(128);
    sb.append("{\"id\":\"").append(id).append("\",\"version\":").append(version);
    MarkerJson.details(sb, details);
    return sb.append(",\"deletion_time\":").append(deletionTime).append('}').toString();
  }
}
