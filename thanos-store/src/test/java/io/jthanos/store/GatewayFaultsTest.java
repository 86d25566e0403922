package io.jthanos.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.block.Blocks;
import io.jthanos.block.metadata.Meta;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.BucketConfig;
import io.jthanos.objstore.BucketContext;
import io.jthanos.objstore.Buckets;
import io.jthanos.proto.store.PartialResponseStrategy;
import io.jthanos.proto.store.SeriesRequest;
import io.jthanos.store.cache.IndexCache;
import io.jthanos.storeapi.SeriesStream;
import io.jthanos.storeapi.SeriesStreams;
import io.jthanos.storeapi.StoreApiException;
import io.jthanos.storeapi.StoreClient;
import io.jthanos.storeapi.StoreProtos;
import io.jthanos.storeapi.StoreSeries;
import io.jthanos.storeapi.testing.ContractData;
import io.jthanos.storeapi.testing.LoopbackServer;
import io.jthanos.testing.objstore.FaultProxy;
import io.jthanos.testing.objstore.S3ProxyServer;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bucket faults against the gateway over S3 (S3Proxy behind a fault-injecting proxy): a bucket
 * failing mid-query for one block gives a partial-response warning with the other blocks served (or
 * a clear error with abort), a corrupt block is skipped with a metric and never breaks the others,
 * and a block deleted while it is being queried does not crash the gateway.
 */
class GatewayFaultsTest {
  @TempDir static Path tmp;
  static S3ProxyServer s3;
  static FaultProxy proxy;
  static Path blocks;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3ProxyServer.startInMemory();
    proxy = FaultProxy.start(s3.port());
    blocks = GatewayFixtures.promtoolBlocks(tmp.resolve("promtool"), ContractData.openMetrics());
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  static Bucket bucket(String name) throws java.io.IOException {
    String yaml =
        "type: S3\nconfig:\n  bucket: "
            + name
            + "\n  endpoint: "
            + proxy.hostPort()
            + "\n  insecure: true\n  access_key: "
            + S3ProxyServer.ACCESS_KEY
            + "\n  secret_key: "
            + S3ProxyServer.SECRET_KEY
            + "\n  bucket_lookup_type: path\n  max_retries: 1\n";
    return Buckets.createUninstrumented(BucketConfig.parse(yaml), new BucketContext("test"));
  }

  static SeriesRequest all(PartialResponseStrategy strategy) {
    return SeriesRequest.newBuilder()
        .setMinTime(Long.MIN_VALUE)
        .setMaxTime(Long.MAX_VALUE)
        .setPartialResponseStrategy(strategy)
        .addAllMatchers(StoreProtos.toProtoMatchers(List.of(Matcher.regex("__name__", ".+"))))
        .build();
  }

  record Gw(
      StoreGateway gw,
      LoopbackServer srv,
      StoreClient client,
      MeterRegistry reg,
      List<Meta> metas,
      Bucket bkt)
      implements AutoCloseable {
    @Override
    public void close() throws Exception {
      client.close();
      srv.close();
      gw.close();
      bkt.close();
    }
  }

  static Gw gateway(String name, int batch) throws Exception {
    String b = s3.createBucket();
    Bucket bkt = bucket(b);
    List<Meta> metas =
        GatewayFixtures.upload(
            bkt, blocks, Labels.of("replica", "r"), 0, Files.createDirectories(tmp.resolve(name)));
    MeterRegistry reg = new SimpleMeterRegistry();
    StoreGateway gw =
        new StoreGateway(
            bkt,
            StoreGateway.Settings.defaults(tmp.resolve(name + "-data")).withSeriesBatchSize(batch),
            IndexCache.NONE,
            reg,
            Clock.systemUTC());
    gw.sync();
    LoopbackServer srv = LoopbackServer.start(gw.storeServer(), gw.infoService());
    return new Gw(gw, srv, srv.client(), reg, metas, bkt);
  }

  @Test
  void bucketFailingForOneBlockGivesAWarningAndTheOtherBlockIsServed() throws Exception {
    try (Gw g = gateway("down", 10_000)) {
      List<StoreSeries> full =
          SeriesStreams.toList(g.client().series(all(PartialResponseStrategy.WARN)));
      Ulid broken = g.metas().get(0).ulid();
      FaultProxy.Rule rule =
          proxy.failNext(r -> r.target().contains(broken.toString()), Integer.MAX_VALUE, 503);
      try {
        try (SeriesStream s = g.client().series(all(PartialResponseStrategy.WARN))) {
          List<StoreSeries> got = SeriesStreams.toList(s);
          assertThat(s.warnings()).anySatisfy(w -> assertThat(w).contains(broken.toString()));
          assertThat(got).isNotEmpty().hasSizeLessThanOrEqualTo(full.size());
          long samplesFull = full.stream().mapToLong(x -> x.chunks().size()).sum();
          long samplesGot = got.stream().mapToLong(x -> x.chunks().size()).sum();
          assertThat(samplesGot).isLessThan(samplesFull);
        }
        assertThatThrownBy(
                () -> SeriesStreams.toList(g.client().series(all(PartialResponseStrategy.ABORT))))
            .isInstanceOf(StoreApiException.class)
            .hasMessageContaining("fetch series for block " + broken);
      } finally {
        proxy.clearRules();
      }
      assertThat(rule.hits()).isGreaterThan(0);
      assertThat(SeriesStreams.toList(g.client().series(all(PartialResponseStrategy.ABORT))))
          .isEqualTo(full);
    }
  }

  @Test
  void corruptBlockIsSkippedWithAMetricAndTheOthersAreServed() throws Exception {
    String b = s3.createBucket();
    try (Bucket bkt = bucket(b)) {
      List<Meta> metas =
          GatewayFixtures.upload(
              bkt,
              blocks,
              Labels.of("replica", "r"),
              0,
              Files.createDirectories(tmp.resolve("corrupt")));
      Ulid bad = metas.get(1).ulid();
      byte[] index = bkt.readAllBytes(bad + "/index");
      for (int i = index.length - 40; i < index.length - 10; i++) {
        index[i] ^= 0x55; // inside the TOC
      }
      bkt.upload(bad + "/index", index);
      MeterRegistry reg = new SimpleMeterRegistry();
      try (StoreGateway gw =
          new StoreGateway(
              bkt,
              StoreGateway.Settings.defaults(tmp.resolve("corrupt-data")),
              IndexCache.NONE,
              reg,
              Clock.systemUTC())) {
        gw.sync();
        assertThat(gw.store().blockCount()).isEqualTo(metas.size() - 1);
        assertThat(reg.find("thanos_bucket_store_block_load_failures").counter().count())
            .isEqualTo(1);
        gw.sync();
        assertThat(reg.find("thanos_bucket_store_block_load_failures").counter().count())
            .isEqualTo(2);
        try (LoopbackServer srv = LoopbackServer.start(gw.storeServer(), gw.infoService());
            StoreClient c = srv.client()) {
          assertThat(SeriesStreams.toList(c.series(all(PartialResponseStrategy.ABORT))))
              .isNotEmpty();
        }
      }
    }
  }

  @Test
  void blockDeletedWhileQueriedDoesNotCrashTheGateway() throws Exception {
    try (Gw g = gateway("deleted", 1)) {
      List<StoreSeries> full =
          SeriesStreams.toList(g.client().series(all(PartialResponseStrategy.WARN)));
      List<StoreSeries> got = new ArrayList<>();
      List<String> warnings;
      try (SeriesStream s = g.client().series(all(PartialResponseStrategy.WARN))) {
        assertThat(s.next()).isTrue();
        got.add(s.at());
        for (Meta m : g.metas()) {
          Blocks.delete(g.bkt(), m.ulid());
        }
        g.gw().sync(); // drops the blocks while the stream still holds them
        while (s.next()) {
          got.add(s.at());
        }
        warnings = s.warnings();
      } catch (StoreApiException e) {
        warnings = List.of(e.getMessage());
      }
      assertThat(got.size() + warnings.size()).isGreaterThan(0);
      assertThat(got.size()).isLessThanOrEqualTo(full.size());
      assertThat(g.gw().store().blockCount()).isZero();
      // The gateway keeps answering.
      assertThat(SeriesStreams.toList(g.client().series(all(PartialResponseStrategy.ABORT))))
          .isEmpty();
      assertThat(g.client().info().getStore().getSupportsSharding()).isTrue();
    }
  }
}
