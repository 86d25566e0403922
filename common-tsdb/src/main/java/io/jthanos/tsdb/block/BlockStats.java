package io.jthanos.tsdb.block;

/**
 * meta.json {@code stats}. {@code numFloatSamples} and {@code numHistogramSamples} are written by
 * newer Prometheus versions; absent members read as 0 and zero members are omitted on write (Go
 * {@code omitempty}).
 */
public record BlockStats(
    long numSamples,
    long numFloatSamples,
    long numHistogramSamples,
    long numSeries,
    long numChunks,
    long numTombstones) {

  public static final BlockStats EMPTY = new BlockStats(0, 0, 0, 0, 0, 0);

  public BlockStats withNumTombstones(long n) {
    return new BlockStats(
        numSamples, numFloatSamples, numHistogramSamples, numSeries, numChunks, n);
  }
}
