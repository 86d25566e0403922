package io.jthanos.block.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import io.jthanos.tsdb.tombstones.Interval;
import java.util.List;

/**
 * A deletion applied by {@code tools bucket rewrite}: the series selector (kept as the JSON it was
 * written with), the deleted time intervals (Prometheus' {@code {"Mint", "Maxt"}}) and an optional
 * request id.
 */
public record DeletionRequest(JsonNode matchers, List<Interval> intervals, String requestId) {
  public DeletionRequest {
    intervals = intervals == null ? List.of() : List.copyOf(intervals);
    requestId = requestId == null ? "" : requestId;
  }
}
