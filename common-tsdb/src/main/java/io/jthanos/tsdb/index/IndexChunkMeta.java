package io.jthanos.tsdb.index;

/**
 * A chunk as the index describes it: closed time range [minTime, maxTime] in ms and the chunk ref
 * into the block's segment files.
 */
public record IndexChunkMeta(long minTime, long maxTime, long ref) {}
