package io.jthanos.block.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import io.jthanos.tsdb.block.Ulid;
import java.util.List;

/**
 * One entry of meta.json's {@code thanos.rewrites}: the source blocks of the rewritten block, the
 * deletions and the relabel configs applied (the latter kept as written).
 */
public record Rewrite(
    List<Ulid> sources, List<DeletionRequest> deletionsApplied, List<JsonNode> relabelsApplied) {
  public Rewrite {
    sources = sources == null ? List.of() : List.copyOf(sources);
    deletionsApplied = deletionsApplied == null ? List.of() : List.copyOf(deletionsApplied);
    relabelsApplied = relabelsApplied == null ? List.of() : List.copyOf(relabelsApplied);
  }
}
