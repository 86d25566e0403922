package io.jthanos.rules;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A rule group: Prometheus' fields plus Thanos' {@code partial_response_strategy}.
 *
 * @param interval evaluation interval; null means the ruler's default
 * @param queryOffset {@code query_offset}; null means the ruler's default
 * @param limit maximum number of alerts or series a rule may produce (0: no limit)
 * @param labels labels added to every rule's output ({@code labels} of the group)
 */
public record RuleGroup(
    String name,
    Duration interval,
    Duration queryOffset,
    int limit,
    PartialResponseStrategy partialResponseStrategy,
    Map<String, String> labels,
    List<Rule> rules,
    Position position) {
  public RuleGroup {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    rules = List.copyOf(rules);
    partialResponseStrategy =
        partialResponseStrategy == null ? PartialResponseStrategy.ABORT : partialResponseStrategy;
  }
}
