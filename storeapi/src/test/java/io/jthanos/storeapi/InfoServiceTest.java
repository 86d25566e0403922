package io.jthanos.storeapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.jthanos.proto.info.InfoResponse;
import io.jthanos.storeapi.testing.InMemoryChunkQueryable;
import io.jthanos.tsdb.labels.Labels;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class InfoServiceTest {

  @Test
  void advertisesStoreAndEveryOtherApiServed() {
    StoreServer store =
        StoreServer.builder(new InMemoryChunkQueryable(List.of()))
            .externalLabels(Labels.of("cluster", "c1", "replica", "0"))
            .timeRange(() -> 1000, () -> Long.MAX_VALUE)
            .build();
    InfoService info =
        InfoService.builder(ComponentType.SIDECAR)
            .store(store)
            .rules()
            .targets()
            .metricMetadata()
            .exemplars(() -> 5, () -> 6)
            .build();
    try (InProcessStore ip = InProcessStore.start(store, info)) {
      InfoResponse r = ip.client().info();
      assertThat(r.getComponentType()).isEqualTo("sidecar");
      assertThat(r.getLabelSetsList())
          .extracting(StoreProtos::labels)
          .containsExactly(Labels.of("cluster", "c1", "replica", "0"));
      assertThat(r.getStore().getMinTime()).isEqualTo(1000);
      assertThat(r.getStore().getMaxTime()).isEqualTo(Long.MAX_VALUE);
      assertThat(r.getStore().getSupportsSharding()).isTrue();
      assertThat(r.getStore().getSupportsWithoutReplicaLabels()).isTrue();
      assertThat(r.getStore().getTsdbInfosList()).hasSize(1);
      assertThat(r.hasRules()).isTrue();
      assertThat(r.hasTargets()).isTrue();
      assertThat(r.hasMetricMetadata()).isTrue();
      assertThat(r.getExemplars().getMinTime()).isEqualTo(5);
      assertThat(r.hasQuery()).isFalse();
      assertThat(r.hasStatus()).isFalse();
    }
  }

  @Test
  void emptyExternalLabelsMeanNoLabelSetsAndNoStoreWhenNotServing() {
    InfoService info = InfoService.builder(ComponentType.QUERY).query().status().build();
    InfoResponse r = info.info();
    assertThat(r.getComponentType()).isEqualTo("query");
    assertThat(r.getLabelSetsList()).isEmpty();
    assertThat(r.hasStore()).isFalse();
    assertThat(r.hasQuery()).isTrue();
    assertThat(r.hasStatus()).isTrue();
  }

  @Test
  void notReadyIsUnavailable() {
    AtomicBoolean ready = new AtomicBoolean(false);
    InfoService info = InfoService.builder(ComponentType.STORE).ready(ready::get).build();
    try (InProcessStore ip = InProcessStore.start(info)) {
      assertThatThrownBy(() -> ip.client().info())
          .isInstanceOf(StoreApiException.class)
          .hasMessageContaining("not ready")
          .satisfies(
              e -> assertThat(((StoreApiException) e).code()).isEqualTo(Status.Code.UNAVAILABLE));
      ready.set(true);
      assertThat(ip.client().info().getComponentType()).isEqualTo("store");
    }
  }
}
