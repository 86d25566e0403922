package io.jthanos.query.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jthanos.server.discovery.DnsProvider;
import io.jthanos.server.discovery.DnsResolver;
import io.jthanos.storeapi.ComponentType;
import io.jthanos.storeapi.InfoService;
import io.jthanos.storeapi.StoreClientConfig;
import io.jthanos.storeapi.StoreServer;
import io.jthanos.storeapi.testing.ContractData;
import io.jthanos.storeapi.testing.InMemoryChunkQueryable;
import io.jthanos.storeapi.testing.LoopbackServer;
import io.jthanos.tsdb.labels.Labels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Endpoint discovery and health: static, file SD, endpoint config, DNS, groups, timeouts. */
class EndpointSetTest {
  @TempDir Path tmp;
  final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  LoopbackServer endpoint(String name) {
    StoreServer store =
        StoreServer.builder(new InMemoryChunkQueryable(ContractData.inMemory(120)))
            .externalLabels(Labels.of("name", name))
            .build();
    LoopbackServer s =
        LoopbackServer.start(
            store, InfoService.builder(ComponentType.SIDECAR).store(store).build());
    open.add(s);
    return s;
  }

  EndpointSet set(
      List<EndpointSpec> specs,
      List<String> files,
      java.util.function.Supplier<List<EndpointSpec>> sd,
      DnsProvider dns,
      Duration unhealthy) {
    EndpointSet es =
        new EndpointSet(
            new EndpointSet.Config(
                specs,
                sd,
                Duration.ZERO,
                files,
                Duration.ofHours(1),
                StoreClientConfig.DEFAULT,
                Duration.ZERO,
                Duration.ofSeconds(5),
                unhealthy),
            dns,
            Clock.systemUTC());
    open.add(es);
    return es;
  }

  static List<String> names(List<Endpoint> eps) {
    return eps.stream().map(Endpoint::address).sorted().toList();
  }

  @Test
  void fileSdIsReloadedWhenTheFileChanges() throws Exception {
    LoopbackServer a = endpoint("a");
    LoopbackServer b = endpoint("b");
    Path f = tmp.resolve("stores.json");
    Files.writeString(f, "[{\"targets\": [\"" + a.target() + "\"]}]");
    EndpointSet es =
        set(
            List.of(),
            List.of(tmp.resolve("*.json").toString()),
            null,
            dns(),
            Duration.ofMinutes(5));
    es.update();
    assertThat(names(es.queryable())).containsExactly(a.target());
    assertThat(es.queryable().getFirst().componentType()).isEqualTo("sidecar");
    assertThat(es.queryable().getFirst().labelSets()).containsExactly(Labels.of("name", "a"));
    Files.writeString(f, "[{\"targets\": [\"" + b.target() + "\"], \"labels\": {\"x\": \"y\"}}]");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              es.update();
              return names(es.queryable()).equals(List.of(b.target()));
            });
  }

  @Test
  void endpointConfigFileIsReRead() throws Exception {
    LoopbackServer a = endpoint("a");
    LoopbackServer b = endpoint("b");
    AtomicReference<String> yaml =
        new AtomicReference<>("endpoints:\n  - address: " + a.target() + "\n    strict: true\n");
    EndpointSet es =
        set(
            List.of(),
            List.of(),
            () -> EndpointSdConfig.parse(yaml.get(), StoreClientConfig.DEFAULT),
            dns(),
            Duration.ofMinutes(5));
    es.update();
    assertThat(names(es.queryable())).containsExactly(a.target());
    assertThat(es.queryable().getFirst().strict()).isTrue();
    yaml.set(
        "default_client_config:\n  compression: snappy\nendpoints:\n  - address: "
            + a.target()
            + "\n  - address: "
            + b.target()
            + "\n");
    es.update();
    assertThat(names(es.queryable())).containsExactlyInAnyOrder(a.target(), b.target());
    assertThat(es.queryable().getFirst().spec().clientConfig().compression()).isEqualTo("snappy");
    // Compressed calls work end to end.
    for (Endpoint e : es.queryable()) {
      assertThat(e.status().healthy()).isTrue();
    }
  }

  @Test
  void dnsPrefixesResolve() throws Exception {
    LoopbackServer a = endpoint("a");
    LoopbackServer b = endpoint("b");
    try (FakeDns fake = new FakeDns()) {
      fake.a.put("a.stores.test", List.of("127.0.0.1"));
      fake.a.put("localhost", List.of("127.0.0.1"));
      fake.srv.put("_grpc._tcp.stores.test", List.of(new FakeDns.Srv(a.port(), "a.stores.test")));
      fake.srv.put("_grpc._tcp.noa.test", List.of(new FakeDns.Srv(b.port(), "localhost")));
      DnsProvider dns = new DnsProvider(DnsResolver.usingServer(fake.address()));
      EndpointSet es =
          set(
              List.of(
                  spec("dnssrv+_grpc._tcp.stores.test"),
                  spec("dnssrvnoa+_grpc._tcp.noa.test"),
                  spec("dns+localhost:" + b.port())),
              List.of(),
              null,
              dns,
              Duration.ofMinutes(5));
      es.update();
      assertThat(names(es.all()))
          .containsExactlyInAnyOrder(
              "127.0.0.1:" + a.port(), "localhost:" + b.port(), "127.0.0.1:" + b.port());
      assertThat(es.queryable()).hasSize(3);
      // A failed lookup keeps the last good answer.
      fake.srv.clear();
      fake.a.clear();
      es.update();
      assertThat(es.all()).hasSize(3);
    }
  }

  @Test
  void groupEndpointsAreOneRoundRobinChannel() {
    LoopbackServer a = endpoint("a");
    EndpointSet es =
        set(
            List.of(
                new EndpointSpec(
                    "dns+localhost:" + a.port(), false, true, StoreClientConfig.DEFAULT)),
            List.of(),
            null,
            dns(),
            Duration.ofMinutes(5));
    es.update();
    assertThat(es.queryable()).hasSize(1);
    assertThat(es.queryable().getFirst().labelSets()).containsExactly(Labels.of("name", "a"));
  }

  @Test
  void unhealthyEndpointsLeaveQueriesAndLaterTheList() {
    LoopbackServer a = endpoint("a");
    LoopbackServer b = endpoint("b");
    EndpointSet es =
        set(
            List.of(
                spec(a.target()),
                new EndpointSpec(b.target(), true, false, StoreClientConfig.DEFAULT)),
            List.of(),
            null,
            dns(),
            Duration.ofMillis(300));
    es.update();
    assertThat(es.queryable()).hasSize(2);
    String aTarget = a.target();
    String bTarget = b.target();
    open.remove(a);
    open.remove(b);
    a.close();
    b.close();
    es.update();
    // a failed Info: not queried any more; b is strict: still queried.
    assertThat(names(es.queryable())).containsExactly(bTarget);
    assertThat(es.all()).hasSize(2);
    Endpoint down =
        es.all().stream().filter(e -> e.address().equals(aTarget)).findFirst().orElseThrow();
    assertThat(down.status().lastError()).isNotNull();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              es.update();
              return names(es.all()).equals(List.of(bTarget));
            });
  }

  static EndpointSpec spec(String address) {
    return new EndpointSpec(address, false, false, StoreClientConfig.DEFAULT);
  }

  static DnsProvider dns() {
    return new DnsProvider(DnsResolver.system());
  }
}
