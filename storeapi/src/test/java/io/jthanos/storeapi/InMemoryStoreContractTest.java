package io.jthanos.storeapi;

import static org.awaitility.Awaitility.await;

import io.jthanos.storeapi.testing.ContractData;
import io.jthanos.storeapi.testing.InMemoryChunkQueryable;
import io.jthanos.storeapi.testing.LoopbackServer;
import io.jthanos.storeapi.testing.StoreApiContractTest;
import io.jthanos.storeapi.testing.StoreEndpoint;
import io.jthanos.tsdb.labels.Labels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The contract over Netty on loopback, the source in memory (XOR chunks of 120 samples). */
class InMemoryStoreContractTest extends StoreApiContractTest {
  private final List<InMemoryChunkQueryable> sources = new ArrayList<>();

  @Override
  protected StoreEndpoint start(Labels externalLabels, StoreLimits limits) {
    InMemoryChunkQueryable source = new InMemoryChunkQueryable(ContractData.inMemory(120));
    sources.add(source);
    StoreServer store =
        StoreServer.builder(source)
            .externalLabels(externalLabels)
            .timeRange(() -> ContractData.T0, () -> ContractData.T_END)
            .limits(limits)
            .build();
    InfoService info = InfoService.builder(ComponentType.RECEIVE).store(store).build();
    return LoopbackServer.start(store, info);
  }

  @Override
  protected void awaitRequestsReleased() {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> sources.stream().allMatch(s -> s.openQueriers() == 0));
  }
}
