package io.jthanos.query.querier;

import io.jthanos.query.dedup.DedupAlgorithm;
import io.jthanos.tsdb.labels.Matcher;
import java.util.List;

/**
 * What one API request asks of the store fan-out (Thanos' query parameters after defaults).
 *
 * @param dedup whether to deduplicate along the replica labels
 * @param replicaLabels the replica labels ({@code replicaLabels[]} or {@code
 *     --query.replica-label})
 * @param algorithm {@code --deduplication.func}
 * @param partialResponse true = warn strategy, false = abort
 * @param maxResolutionMs the highest downsampling resolution accepted (0 = raw only)
 * @param storeMatchers {@code storeMatch[]} selectors
 * @param tenant forwarded as {@code thanos-tenant} ("" = none)
 * @param timeoutMs deadline of the StoreAPI calls (0 = none)
 * @param enforced matchers added to every selection ({@code --query.enforce-tenancy}: the tenant
 *     label must equal the request's tenant)
 */
public record SelectOptions(
    boolean dedup,
    List<String> replicaLabels,
    DedupAlgorithm algorithm,
    boolean partialResponse,
    long maxResolutionMs,
    List<List<Matcher>> storeMatchers,
    String tenant,
    long timeoutMs,
    List<Matcher> enforced) {
  public SelectOptions {
    enforced = enforced == null ? List.of() : List.copyOf(enforced);
    replicaLabels = replicaLabels == null ? List.of() : List.copyOf(replicaLabels);
    storeMatchers = storeMatchers == null ? List.of() : List.copyOf(storeMatchers);
    algorithm = algorithm == null ? DedupAlgorithm.PENALTY : algorithm;
    tenant = tenant == null ? "" : tenant;
  }

  /** Thanos' defaults: dedup on (no replica labels), warn, raw data. */
  public static final SelectOptions DEFAULT =
      new SelectOptions(
          true, List.of(), DedupAlgorithm.PENALTY, true, 0, List.of(), "", 0, List.of());

  /** Without enforced matchers. */
  public SelectOptions(
      boolean dedup,
      List<String> replicaLabels,
      DedupAlgorithm algorithm,
      boolean partialResponse,
      long maxResolutionMs,
      List<List<Matcher>> storeMatchers,
      String tenant,
      long timeoutMs) {
    this(
        dedup,
        replicaLabels,
        algorithm,
        partialResponse,
        maxResolutionMs,
        storeMatchers,
        tenant,
        timeoutMs,
        List.of());
  }

  public boolean dedupActive() {
    return dedup && !replicaLabels.isEmpty();
  }

  public SelectOptions withReplicaLabels(List<String> labels) {
    return new SelectOptions(
        dedup,
        labels,
        algorithm,
        partialResponse,
        maxResolutionMs,
        storeMatchers,
        tenant,
        timeoutMs);
  }

  public SelectOptions withMaxResolution(long ms) {
    return new SelectOptions(
        dedup,
        replicaLabels,
        algorithm,
        partialResponse,
        ms,
        storeMatchers,
        tenant,
        timeoutMs,
        enforced);
  }
}
