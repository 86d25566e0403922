package io.jthanos.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.filesystem.FilesystemBucket;
import io.jthanos.store.cache.IndexCacheFactory;
import io.jthanos.storeapi.StoreLimits;
import io.jthanos.storeapi.testing.ContractData;
import io.jthanos.storeapi.testing.ExpectedSeries;
import io.jthanos.storeapi.testing.LoopbackServer;
import io.jthanos.storeapi.testing.StoreApiContractTest;
import io.jthanos.storeapi.testing.StoreEndpoint;
import io.jthanos.testing.prometheus.DumpSeries;
import io.jthanos.testing.prometheus.Promtool;
import io.jthanos.tsdb.labels.Labels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The StoreAPI contract against the store gateway: the contract data written into blocks by the
 * real promtool, uploaded into a FILESYSTEM bucket with the suite's external labels as Thanos block
 * labels, served through the index-header, range reads and the in-memory index cache.
 */
class StoreGatewayContractTest extends StoreApiContractTest {
  @TempDir static Path tmp;
  private static Path blocks;
  private static List<ExpectedSeries> dumped;
  private static final AtomicInteger seq = new AtomicInteger();
  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeAll
  static void createBlocks() throws Exception {
    blocks = GatewayFixtures.promtoolBlocks(tmp.resolve("promtool"), ContractData.openMetrics());
    List<DumpSeries> dump = Promtool.locate().dump(blocks);
    dumped = new ArrayList<>();
    for (DumpSeries d : dump) {
      dumped.add(new ExpectedSeries(Labels.fromMap(d.labels()), d.timestamps(), d.values()));
    }
    dumped.sort((a, b) -> Labels.compare(a.labels(), b.labels()));
  }

  @AfterAll
  void closeAll() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
  }

  @Override
  protected List<ExpectedSeries> expected() {
    return dumped;
  }

  @Override
  protected StoreEndpoint start(Labels externalLabels, StoreLimits limits) throws Exception {
    Path root = tmp.resolve("gw-" + seq.incrementAndGet());
    Bucket bkt = new FilesystemBucket(Files.createDirectories(root.resolve("bucket")));
    GatewayFixtures.upload(
        bkt, blocks, externalLabels, 0, Files.createDirectories(root.resolve("scratch")));
    SimpleMeterRegistry reg = new SimpleMeterRegistry();
    StoreGateway gw =
        new StoreGateway(
            bkt,
            StoreGateway.Settings.defaults(root.resolve("data"))
                .withLimits(limits)
                .withSeriesBatchSize(3),
            IndexCacheFactory.inMemory(64 << 20, 16 << 20, reg),
            reg,
            Clock.systemUTC());
    gw.sync();
    opened.add(gw);
    return LoopbackServer.start(gw.storeServer(), gw.infoService());
  }

  @Test
  void promtoolWroteTwoBlocksAndTheGatewayLoadedThem() throws Exception {
    assertThat(GatewayFixtures.blockDirs(blocks)).hasSize(2);
    assertThat(client().info().getStore().getTsdbInfosCount()).isEqualTo(1);
  }
}
