package io.jthanos.tsdb.storage;

import java.util.List;

/**
 * What the caller will do with a selection, so storage can prune (Prometheus' {@code SelectHints}).
 * Times in ms. {@code func} is the PromQL function wrapping the selector ("" for none, "series" for
 * metadata calls); {@code range} the range-vector window in ms (0 for instant selectors); {@code
 * grouping}/{@code by} the enclosing aggregation. Stores may ignore any hint.
 *
 * @param limit maximum number of series to return, 0 = no limit
 * @param shardIndex with shardCount > 0, return only series whose label hash falls in this shard
 * @param disableTrimming when true, chunks overlapping the edges need not be trimmed to [start,
 *     end]
 */
public record SelectHints(
    long start,
    long end,
    long step,
    String func,
    long range,
    List<String> grouping,
    boolean by,
    long limit,
    long shardIndex,
    long shardCount,
    boolean disableTrimming) {

  public SelectHints {
    func = func == null ? "" : func;
    grouping = grouping == null ? List.of() : List.copyOf(grouping);
  }

  /** Hints saying only the time range. */
  public static SelectHints range(long start, long end) {
    return new SelectHints(start, end, 0, "", 0, List.of(), false, 0, 0, 0, false);
  }

  public SelectHints withFunc(String f) {
    return new SelectHints(
        start, end, step, f, range, grouping, by, limit, shardIndex, shardCount, disableTrimming);
  }

  public SelectHints withTime(long s, long e) {
    return new SelectHints(
        s, e, step, func, range, grouping, by, limit, shardIndex, shardCount, disableTrimming);
  }
}
