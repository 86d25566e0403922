package io.jthanos.tsdb.storage;

import io.jthanos.tsdb.chunkenc.Chunk;

/** A chunk with its closed time range [minTime, maxTime] in ms. */
public record ChunkMeta(long minTime, long maxTime, Chunk chunk) {}
