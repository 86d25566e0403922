package io.jthanos.storeapi;

import io.jthanos.tsdb.labels.Labels;
import java.util.List;
import java.util.Objects;

/**
 * One series of a StoreAPI answer: its full label set (external labels included) and its chunks,
 * ordered by min time. With {@code skip_chunks} the chunk list is empty.
 */
public record StoreSeries(Labels labels, List<StoreChunk> chunks) {
  public StoreSeries {
    Objects.requireNonNull(labels, "labels");
    chunks = List.copyOf(chunks);
  }
}
