package io.jthanos.tsdb.index;

/**
 * The index table of contents: absolute offsets of each section (0 = absent). In the order written
 * at the end of the file.
 */
public record Toc(
    long symbols,
    long series,
    long labelIndices,
    long labelIndicesTable,
    long postings,
    long postingsTable) {}
