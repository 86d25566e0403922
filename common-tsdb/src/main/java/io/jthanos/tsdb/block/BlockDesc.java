package io.jthanos.tsdb.block;

/** A parent block in meta.json {@code compaction.parents}: id and time range. */
public record BlockDesc(Ulid ulid, long minTime, long maxTime) {}
