package io.jthanos.query.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.promql.Engine;
import io.jthanos.promql.EngineOptions;
import io.jthanos.promql.QueryOptions;
import io.jthanos.promql.QueryResult;
import io.jthanos.promql.json.PrometheusJson;
import io.jthanos.query.dedup.DedupAlgorithm;
import io.jthanos.query.querier.SelectOptions;
import io.jthanos.query.querier.StoreQueryable;
import io.jthanos.storeapi.ComponentType;
import io.jthanos.storeapi.InProcessStore;
import io.jthanos.storeapi.InfoService;
import io.jthanos.storeapi.StoreClientConfig;
import io.jthanos.storeapi.StoreServer;
import io.jthanos.storeapi.testing.ContractData;
import io.jthanos.storeapi.testing.InMemoryChunkQueryable;
import io.jthanos.tsdb.labels.Labels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProxyStoreTest {
  final List<InProcessStore> servers = new ArrayList<>();
  final List<Endpoint> endpoints = new ArrayList<>();

  Endpoint endpoint(String replica) {
    InMemoryChunkQueryable source = new InMemoryChunkQueryable(ContractData.inMemory(120));
    StoreServer store =
        StoreServer.builder(source)
            .externalLabels(Labels.of("cluster", "eu1", "replica", replica))
            .timeRange(() -> ContractData.T0, () -> ContractData.T_END)
            .build();
    InfoService info = InfoService.builder(ComponentType.SIDECAR).store(store).build();
    InProcessStore s = InProcessStore.start(store, info);
    servers.add(s);
    Endpoint e =
        new Endpoint(
            new EndpointSpec("replica-" + replica, false, false, StoreClientConfig.DEFAULT),
            s.client());
    e.check(Duration.ofSeconds(5));
    endpoints.add(e);
    return e;
  }

  @BeforeEach
  void setUp() {
    endpoint("A");
    endpoint("B");
  }

  @AfterEach
  void tearDown() {
    servers.forEach(InProcessStore::close);
  }

  @Test
  void dedupedInstantQuery() {
    assertThat(endpoints.get(0).status().lastError()).isNull();
    ProxyStore proxy = ProxyStore.over(endpoints, Duration.ZERO);
    var req =
        io.jthanos.proto.store.SeriesRequest.newBuilder()
            .setMinTime(ContractData.T0)
            .setMaxTime(ContractData.T_END)
            .addAllMatchers(
                io.jthanos.storeapi.StoreProtos.toProtoMatchers(
                    List.of(io.jthanos.tsdb.labels.Matcher.equal("__name__", "contract_up"))))
            .build();
    assertThat(
            proxy.matching(
                ContractData.T0, ContractData.T_END, List.of(), StoreRequestContext.DEFAULT))
        .hasSize(2);
    try (var st = proxy.series(req, StoreRequestContext.DEFAULT)) {
      int n = 0;
      while (st.next()) {
        n++;
      }
      assertThat(st.warnings()).isEmpty();
      assertThat(n).isEqualTo(6);
    }
    SelectOptions so =
        new SelectOptions(
            true, List.of("replica"), DedupAlgorithm.PENALTY, true, 0, List.of(), "", 0);
    Engine engine = new Engine(EngineOptions.defaults());
    QueryResult r =
        engine
            .instantQuery(
                new StoreQueryable(proxy, so, 4),
                "contract_up",
                ContractData.T_END,
                QueryOptions.DEFAULT)
            .exec();
    String json = PrometheusJson.dataToString(r.value());
    assertThat(json).contains("\"cluster\":\"eu1\"").doesNotContain("replica");
    assertThat(r.allWarnings()).isEmpty();
    assertThat(json.split("\"metric\"")).hasSize(4);
  }

  @Test
  void limitsFailTheRequest() {
    ProxyStore proxy = ProxyStore.over(endpoints, Duration.ZERO).limits(2, 0);
    var req =
        io.jthanos.proto.store.SeriesRequest.newBuilder()
            .setMinTime(ContractData.T0)
            .setMaxTime(ContractData.T_END)
            .addAllMatchers(
                io.jthanos.storeapi.StoreProtos.toProtoMatchers(
                    List.of(io.jthanos.tsdb.labels.Matcher.equal("__name__", "contract_up"))))
            .build();
    try (var st = proxy.series(req, StoreRequestContext.DEFAULT)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> {
                while (st.next()) {
                  // drain
                }
              })
          .isInstanceOf(io.jthanos.storeapi.StoreApiException.class)
          .hasMessageContaining("exceeded series limit");
    }
    ProxyStore samples = ProxyStore.over(endpoints, Duration.ZERO).limits(0, 240);
    try (var st = samples.series(req, StoreRequestContext.DEFAULT)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> {
                while (st.next()) {
                  // drain
                }
              })
          .hasMessageContaining("exceeded samples limit");
    }
  }

  @Test
  void enforcedTenantMatcherRestrictsEverySelection() {
    ProxyStore proxy = ProxyStore.over(endpoints, Duration.ZERO);
    Engine engine = new Engine(EngineOptions.defaults());
    for (String cluster : List.of("eu1", "eu2")) {
      SelectOptions so =
          new SelectOptions(
              true,
              List.of("replica"),
              DedupAlgorithm.PENALTY,
              true,
              0,
              List.of(),
              cluster,
              0,
              List.of(io.jthanos.tsdb.labels.Matcher.equal("cluster", cluster)));
      QueryResult r =
          engine
              .instantQuery(
                  new StoreQueryable(proxy, so, 4),
                  "contract_up",
                  ContractData.T_END,
                  QueryOptions.DEFAULT)
              .exec();
      int n = ((io.jthanos.promql.value.Vector) r.value()).samples().size();
      assertThat(n).isEqualTo(cluster.equals("eu1") ? 3 : 0);
    }
  }
}
