package io.jthanos.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.filesystem.FilesystemBucket;
import io.jthanos.promql.differential.DifferentialData;
import io.jthanos.proto.store.SeriesRequest;
import io.jthanos.store.cache.IndexCacheFactory;
import io.jthanos.storeapi.SeriesStreams;
import io.jthanos.storeapi.StoreClient;
import io.jthanos.storeapi.StoreProtos;
import io.jthanos.storeapi.StoreSeries;
import io.jthanos.storeapi.testing.LoopbackServer;
import io.jthanos.testing.prometheus.DumpSeries;
import io.jthanos.testing.prometheus.OpenMetricsWriter;
import io.jthanos.testing.prometheus.Promtool;
import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.ChunkMeta;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every sample of promtool-written blocks (several blocks, several chunks per series) comes back
 * through the gateway exactly as {@code promtool tsdb dump} reports it, for the whole range and for
 * ranges cutting through blocks, with small and large series batches.
 */
class GatewayDumpTest {
  static final long START = 1_700_000_000_000L;
  static final long END = START + 4 * 3_600_000L;

  @TempDir Path tmp;

  @Test
  void everySampleMatchesPromtoolDump() throws Exception {
    OpenMetricsWriter om = new OpenMetricsWriter();
    DifferentialData.generate(om, START, END);
    Path blocks = GatewayFixtures.promtoolBlocks(tmp.resolve("blocks"), om.finish());
    Map<Labels, DumpSeries> dump = new HashMap<>();
    for (DumpSeries d : Promtool.locate().dump(blocks)) {
      dump.put(Labels.fromMap(d.labels()), d);
    }
    Bucket bkt = new FilesystemBucket(Files.createDirectories(tmp.resolve("bucket")));
    GatewayFixtures.upload(
        bkt, blocks, Labels.of("replica", "A"), 0, Files.createDirectories(tmp.resolve("s")));
    for (int batch : new int[] {7, 10_000}) {
      SimpleMeterRegistry reg = new SimpleMeterRegistry();
      try (StoreGateway gw =
              new StoreGateway(
                  bkt,
                  StoreGateway.Settings.defaults(tmp.resolve("data-" + batch))
                      .withSeriesBatchSize(batch),
                  IndexCacheFactory.inMemory(64 << 20, 16 << 20, reg),
                  reg,
                  Clock.systemUTC());
          LoopbackServer srv = null) {
        gw.sync();
        try (LoopbackServer s = LoopbackServer.start(gw.storeServer(), gw.infoService());
            StoreClient c = s.client()) {
          long[][] ranges = {
            {START - 3_600_000, END + 3_600_000}, {START + 600_000, END - 600_000}
          };
          for (long[] r : ranges) {
            List<StoreSeries> got =
                SeriesStreams.toList(
                    c.series(
                        SeriesRequest.newBuilder()
                            .setMinTime(r[0])
                            .setMaxTime(r[1])
                            .addAllMatchers(
                                StoreProtos.toProtoMatchers(
                                    List.of(Matcher.regex("__name__", ".+"))))
                            .build()));
            assertThat(got).hasSize(dump.size());
            for (StoreSeries s2 : got) {
              DumpSeries d = dump.get(s2.labels().without("replica"));
              assertThat(d).as("series %s", s2.labels()).isNotNull();
              List<Long> ts = new ArrayList<>();
              List<Double> vs = new ArrayList<>();
              SampleIterator it = null;
              for (ChunkMeta m : SeriesStreams.rawChunks(s2)) {
                it = m.chunk().iterator(it);
                while (it.next() == ValueType.FLOAT) {
                  if (it.atT() >= r[0] && it.atT() <= r[1]) {
                    ts.add(it.atT());
                    vs.add(it.atV());
                  }
                }
              }
              List<Long> wantT = new ArrayList<>();
              List<Double> wantV = new ArrayList<>();
              for (int i = 0; i < d.timestamps().length; i++) {
                if (d.timestamps()[i] >= r[0] && d.timestamps()[i] <= r[1]) {
                  wantT.add(d.timestamps()[i]);
                  wantV.add(d.values()[i]);
                }
              }
              assertThat(ts).as("timestamps of %s (batch %d)", s2.labels(), batch).isEqualTo(wantT);
              for (int i = 0; i < vs.size(); i++) {
                assertThat(
                        Double.doubleToLongBits(vs.get(i)) == Double.doubleToLongBits(wantV.get(i))
                            || vs.get(i).equals(wantV.get(i)))
                    .as("value %d of %s", i, s2.labels())
                    .isTrue();
              }
            }
          }
        }
      }
    }
  }
}
