package io.jthanos.block.fetcher;

import java.util.List;

/**
 * Values of the {@code state} label of {@code thanos_blocks_meta_synced}, as Thanos names them, and
 * of the {@code modified} label of {@code thanos_blocks_meta_modified}.
 */
public final class SyncedStates {
  public static final String CORRUPTED_META = "corrupted-meta-json";
  public static final String NO_META = "no-meta-json";
  public static final String LOADED = "loaded";
  public static final String FAILED = "failed";
  public static final String LABEL_EXCLUDED = "label-excluded";
  public static final String TIME_EXCLUDED = "time-excluded";
  public static final String TOO_FRESH = "too-fresh";
  public static final String DUPLICATE = "duplicate";
  public static final String MARKED_FOR_DELETION = "marked-for-deletion";
  public static final String MARKED_FOR_NO_COMPACT = "marked-for-no-compact";
  public static final String MARKED_FOR_NO_DOWNSAMPLE = "marked-for-no-downsample";
  public static final String PARQUET_MIGRATED = "parquet-migrated";

  /** The states exported (as 0) from the start, in Thanos' order. */
  public static final List<String> DEFAULTS =
      List.of(
          CORRUPTED_META,
          NO_META,
          LOADED,
          TOO_FRESH,
          FAILED,
          LABEL_EXCLUDED,
          TIME_EXCLUDED,
          DUPLICATE,
          MARKED_FOR_DELETION,
          MARKED_FOR_NO_COMPACT,
          PARQUET_MIGRATED);

  /** {@code modified} label value: a replica label was removed from the block's labels. */
  public static final String REPLICA_LABEL_REMOVED = "replica-label-removed";

  public static final List<String> MODIFIED_DEFAULTS = List.of(REPLICA_LABEL_REMOVED);

  private SyncedStates() {}
}
