package io.jthanos.block.fetcher;

import io.jthanos.block.metadata.Meta;
import io.jthanos.block.relabel.Relabel;
import io.jthanos.block.relabel.RelabelConfig;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.LabelsBuilder;
import java.util.List;
import java.util.Map;

/**
 * Selects blocks by relabelling their external labels plus {@value #BLOCK_ID_LABEL} (the block's
 * ULID) with {@code --selector.relabel-config}: a block whose labels are dropped (or all removed)
 * is excluded. {@code hashmod} on {@code __block_id} shards blocks over several store gateways.
 * State {@code label-excluded}.
 */
public final class LabelShardedFilter implements MetaFilter {
  /** The label holding the block's ULID during selection. */
  public static final String BLOCK_ID_LABEL = "__block_id";

  private final List<RelabelConfig> configs;

  public LabelShardedFilter(List<RelabelConfig> configs) {
    this.configs = List.copyOf(configs);
  }

  /** Whether a block with these external labels and id is selected. */
  public boolean selects(Ulid id, Map<String, String> externalLabels) {
    LabelsBuilder b = new LabelsBuilder();
    b.set(BLOCK_ID_LABEL, id.toString());
    externalLabels.forEach(b::set);
    Labels out = Relabel.process(b.build(), configs);
    return out != null && !out.isEmpty();
  }

  @Override
  public void filter(Map<Ulid, Meta> metas, TxGaugeVec synced, TxGaugeVec modified) {
    metas
        .entrySet()
        .removeIf(
            e -> {
              if (selects(e.getKey(), e.getValue().labels())) {
                return false;
              }
              synced.inc(SyncedStates.LABEL_EXCLUDED);
              return true;
            });
  }
}
