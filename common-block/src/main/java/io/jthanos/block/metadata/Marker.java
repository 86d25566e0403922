package io.jthanos.block.metadata;

import io.jthanos.tsdb.block.Ulid;

/**
 * A marker file in a block directory of the bucket: {@code deletion-mark.json}, {@code
 * no-compact-mark.json} or {@code no-downsample-mark.json}. Times are Unix seconds.
 */
public sealed interface Marker permits DeletionMark, NoCompactMark, NoDownsampleMark {
  /** Version 1, the only one Thanos writes and reads. */
  int VERSION_1 = 1;

  Ulid id();

  int version();

  /** Human-readable details ({@code ""} when none; omitted from the JSON then). */
  String details();

  MarkerType type();

  /** The JSON Thanos writes ({@code json.Marshal}: compact, no trailing newline). */
  String toJson();
}
