package io.jthanos.block.fetcher;

import io.jthanos.block.metadata.Meta;
import io.jthanos.tsdb.block.Ulid;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hides blocks made redundant by compaction: within a compaction group (same resolution and
 * external labels), a block whose {@code compaction.sources} are all contained in another block's
 * sources is a duplicate. Blocks with more sources win; ties go to the smaller ULID. State {@code
 * duplicate}; {@link #duplicateIds()} lists what the last sync removed (the compactor deletes
 * them).
 */
public final class DeduplicateFilter implements MetaFilter {
  private volatile List<Ulid> duplicateIds = List.of();

  /**
   * @param concurrency accepted for flag parity; groups are processed in one thread
   */
  public DeduplicateFilter(int concurrency) {}

  public DeduplicateFilter() {}

  public List<Ulid> duplicateIds() {
    return duplicateIds;
  }

  @Override
  public void filter(Map<Ulid, Meta> metas, TxGaugeVec synced, TxGaugeVec modified) {
    Map<String, List<Meta>> groups = new LinkedHashMap<>();
    metas.values().stream()
        .sorted(Comparator.comparing(Meta::ulid))
        .forEach(m -> groups.computeIfAbsent(m.thanos().groupKey(), k -> new ArrayList<>()).add(m));
    List<Ulid> dups = new ArrayList<>();
    for (List<Meta> group : groups.values()) {
      group.sort(
          Comparator.<Meta>comparingInt(m -> -m.block().compaction().sources().size())
              .thenComparing(Meta::ulid));
      List<Set<Ulid>> covering = new ArrayList<>();
      for (Meta child : group) {
        List<Ulid> childSources = child.block().compaction().sources();
        boolean dup = false;
        for (Set<Ulid> parent : covering) {
          if (parent.containsAll(childSources)) {
            dup = true;
            break;
          }
        }
        if (dup) {
          dups.add(child.ulid());
        } else {
          covering.add(new HashSet<>(childSources));
        }
      }
    }
    for (Ulid d : dups) {
      synced.inc(SyncedStates.DUPLICATE);
      metas.remove(d);
    }
    duplicateIds = List.copyOf(dups);
  }
}
