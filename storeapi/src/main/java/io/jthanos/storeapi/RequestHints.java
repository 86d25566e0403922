package io.jthanos.storeapi;

import io.jthanos.proto.hints.QueryStats;
import io.jthanos.tsdb.labels.Matcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a StoreAPI request tells a hints-aware source beyond time range and matchers, and what the
 * source reports back. In: the {@code block_matchers} of {@code hintspb.*RequestHints} (matched
 * against each block's external labels), whether query stats were asked for, and the tenant. Out:
 * the blocks queried and query stats, sent to the client as {@code hintspb.*ResponseHints}.
 *
 * <p>One instance per request; the source may report from any one thread at a time.
 */
public final class RequestHints {
  private final List<Matcher> blockMatchers;
  private final boolean enableQueryStats;
  private final String tenant;
  private final com.google.protobuf.Message request;
  private final Set<String> queriedBlocks = new LinkedHashSet<>();
  private QueryStats queryStats;

  public RequestHints(List<Matcher> blockMatchers, boolean enableQueryStats, String tenant) {
    this(blockMatchers, enableQueryStats, tenant, null);
  }

  /**
   * @param request the StoreAPI request being served ({@code SeriesRequest}, {@code
   *     LabelNamesRequest} or {@code LabelValuesRequest}), for sources that honour fields beyond
   *     time range and matchers (e.g. a store gateway's {@code max_resolution_window}); may be null
   */
  public RequestHints(
      List<Matcher> blockMatchers,
      boolean enableQueryStats,
      String tenant,
      com.google.protobuf.Message request) {
    this.blockMatchers = List.copyOf(blockMatchers);
    this.enableQueryStats = enableQueryStats;
    this.tenant = tenant == null ? "" : tenant;
    this.request = request;
  }

  /** The StoreAPI request being served, or null when unknown. */
  public com.google.protobuf.Message request() {
    return request;
  }

  /** Matchers on block external labels; empty = every block. */
  public List<Matcher> blockMatchers() {
    return blockMatchers;
  }

  public boolean enableQueryStats() {
    return enableQueryStats;
  }

  /** The {@code thanos-tenant} of the request, or "" when none was sent. */
  public String tenant() {
    return tenant;
  }

  /** Reports a block (ULID) the request read. */
  public synchronized void addQueriedBlock(String id) {
    queriedBlocks.add(id);
  }

  /** Reports query statistics (sent only when the request enabled them). */
  public synchronized void setQueryStats(QueryStats stats) {
    this.queryStats = stats;
  }

  public synchronized List<String> queriedBlocks() {
    return new ArrayList<>(queriedBlocks);
  }

  public synchronized QueryStats queryStats() {
    return queryStats;
  }
}
