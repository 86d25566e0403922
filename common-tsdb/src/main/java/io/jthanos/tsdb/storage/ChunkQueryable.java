package io.jthanos.tsdb.storage;

/** Opens chunk queriers over a time range [mint, maxt] (ms, inclusive). */
@FunctionalInterface
public interface ChunkQueryable {
  ChunkQuerier chunkQuerier(long mint, long maxt);
}
