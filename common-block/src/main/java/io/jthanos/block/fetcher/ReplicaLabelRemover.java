package io.jthanos.block.fetcher;

import io.jthanos.block.metadata.Meta;
import io.jthanos.tsdb.block.Ulid;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes replica labels ({@code --deduplication.replica-label}) from the blocks' external labels,
 * so HA replicas fall into one compaction group; a block left without labels gets {@code <first
 * replica label>="deduped"}. Counts {@code modified{modified="replica-label-removed"}}.
 */
public final class ReplicaLabelRemover implements MetaFilter {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaLabelRemover.class);

  private final List<String> replicaLabels;

  public ReplicaLabelRemover(List<String> replicaLabels) {
    this.replicaLabels = List.copyOf(replicaLabels);
  }

  @Override
  public void filter(Map<Ulid, Meta> metas, TxGaugeVec synced, TxGaugeVec modified) {
    if (replicaLabels.isEmpty()) {
      return;
    }
    for (Map.Entry<Ulid, Meta> e : metas.entrySet()) {
      Map<String, String> l = new TreeMap<>(e.getValue().labels());
      for (String r : replicaLabels) {
        if (l.remove(r) != null) {
          modified.inc(SyncedStates.REPLICA_LABEL_REMOVED);
        }
      }
      if (l.isEmpty()) {
        LOG.atWarn()
            .addKeyValue(replicaLabels.get(0), "deduped")
            .log("block has no labels left, creating one");
        l.put(replicaLabels.get(0), "deduped");
      }
      Meta m = e.getValue();
      e.setValue(m.withThanos(m.thanos().withLabels(l)));
    }
  }
}
