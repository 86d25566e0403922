package io.jthanos.query.store;

import io.grpc.Deadline;
import io.jthanos.tsdb.labels.Matcher;
import java.util.List;

/**
 * Per-request settings of a fan-out: partial response, {@code storeMatch[]} selectors (matched
 * against each endpoint's {@code __address__}), the tenant forwarded as {@code thanos-tenant}, and
 * the deadline of the whole request (null = none).
 */
public record StoreRequestContext(
    boolean partialResponse, List<List<Matcher>> storeMatchers, String tenant, Deadline deadline) {
  public StoreRequestContext {
    storeMatchers = storeMatchers == null ? List.of() : List.copyOf(storeMatchers);
    tenant = tenant == null ? "" : tenant;
  }

  public static final StoreRequestContext DEFAULT =
      new StoreRequestContext(true, List.of(), "", null);
}
