package io.jthanos.block.metadata;

/**
 * meta.json {@code thanos.index_stats}: size statistics of the block's index, each omitted when
 * zero (the object itself is always written, as Go encodes it).
 */
public record IndexStats(
    long seriesMaxSize,
    long seriesP90Size,
    long seriesP99Size,
    long seriesP999Size,
    long seriesP9999Size,
    long chunkMaxSize) {
  public static final IndexStats EMPTY = new IndexStats(0, 0, 0, 0, 0, 0);

  public static IndexStats of(long seriesMaxSize, long chunkMaxSize) {
    return new IndexStats(seriesMaxSize, 0, 0, 0, 0, chunkMaxSize);
  }
}
