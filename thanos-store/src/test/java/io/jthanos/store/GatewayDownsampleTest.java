package io.jthanos.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.block.Blocks;
import io.jthanos.block.downsample.BlockDownsampler;
import io.jthanos.block.downsample.Resolutions;
import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.ThanosMeta;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.filesystem.FilesystemBucket;
import io.jthanos.proto.hints.SeriesResponseHints;
import io.jthanos.proto.store.Aggr;
import io.jthanos.proto.store.SeriesRequest;
import io.jthanos.store.cache.IndexCache;
import io.jthanos.storeapi.SeriesStream;
import io.jthanos.storeapi.SeriesStreams;
import io.jthanos.storeapi.StoreChunk;
import io.jthanos.storeapi.StoreClient;
import io.jthanos.storeapi.StoreProtos;
import io.jthanos.storeapi.StoreSeries;
import io.jthanos.storeapi.testing.LoopbackServer;
import io.jthanos.tsdb.block.BlockReader;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import io.jthanos.tsdb.chunkenc.Chunks;
import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downsampled blocks through the gateway: with {@code max_resolution_window} at 5m the 5m block is
 * chosen where it exists and raw data fills the rest (Thanos' getFor), aggregate chunks carry the
 * requested aggregates (count and sum adding up to the raw samples); with 0 only raw blocks answer.
 */
class GatewayDownsampleTest {
  static final long T = 1_700_006_400_000L; // 2h-aligned
  @TempDir Path tmp;

  @Test
  void resolutionChoiceAndAggregates() throws Exception {
    Path local = Files.createDirectories(tmp.resolve("local"));
    Ulid rawA = Ulid.of(T, 0, 1);
    Ulid rawB = Ulid.of(T + 4 * 3_600_000L, 0, 2);
    Ulid ds = Ulid.of(T, 0, 3);
    Labels series = Labels.of("__name__", "m", "job", "j");
    GatewayFixtures.writeBlock(local, rawA, series, T, T + 4 * 3_600_000L);
    GatewayFixtures.writeBlock(local, rawB, series, T + 4 * 3_600_000L, T + 6 * 3_600_000L);
    Map<String, String> ext = Map.of("cluster", "c");
    for (Ulid id : List.of(rawA, rawB)) {
      Path d = local.resolve(id.toString());
      Meta m = Meta.read(d).withThanos(ThanosMeta.of(ext, 0, "test"));
      Files.delete(d.resolve(Meta.FILE_NAME));
      m.write(d);
    }
    Path dsDir = Files.createDirectories(tmp.resolve("ds"));
    try (BlockReader r = BlockReader.open(local.resolve(rawA.toString()))) {
      BlockDownsampler.downsample(
          r, Meta.read(local.resolve(rawA.toString())), dsDir, Resolutions.RES_5M, ds);
    }
    Bucket bkt = new FilesystemBucket(Files.createDirectories(tmp.resolve("bucket")));
    Blocks.upload(bkt, local.resolve(rawA.toString()), Blocks.UploadOptions.DEFAULT);
    Blocks.upload(bkt, local.resolve(rawB.toString()), Blocks.UploadOptions.DEFAULT);
    Blocks.upload(bkt, dsDir.resolve(ds.toString()), Blocks.UploadOptions.DEFAULT);
    SimpleMeterRegistry reg = new SimpleMeterRegistry();
    try (StoreGateway gw =
            new StoreGateway(
                bkt,
                StoreGateway.Settings.defaults(tmp.resolve("data")),
                IndexCache.NONE,
                reg,
                Clock.systemUTC());
        LoopbackServer srv = start(gw);
        StoreClient c = srv.client()) {
      SeriesRequest.Builder r =
          SeriesRequest.newBuilder()
              .setMinTime(T)
              .setMaxTime(T + 6 * 3_600_000L - 1)
              .addAllMatchers(StoreProtos.toProtoMatchers(List.of(Matcher.equal("__name__", "m"))))
              .addAggregates(Aggr.COUNT)
              .addAggregates(Aggr.SUM);

      // 5m accepted: the 5m block for [T, T+4h), raw block B for the rest.
      List<String> queried = new ArrayList<>();
      List<StoreSeries> got;
      try (SeriesStream s = c.series(r.setMaxResolutionWindow(Resolutions.RES_5M).build())) {
        got = SeriesStreams.toList(s);
        for (var h : s.hints()) {
          h.unpack(SeriesResponseHints.class)
              .getQueriedBlocksList()
              .forEach(b -> queried.add(b.getId()));
        }
      }
      assertThat(queried).containsExactlyInAnyOrder(ds.toString(), rawB.toString());
      assertThat(got).hasSize(1);
      long counted = 0;
      int aggregated = 0;
      int raw = 0;
      for (StoreChunk ch : got.get(0).chunks()) {
        if (ch.raw() != null) {
          raw++;
          assertThat(ch.minTime()).isGreaterThanOrEqualTo(T + 4 * 3_600_000L);
        } else {
          aggregated++;
          assertThat(ch.count()).isNotNull();
          assertThat(ch.sum()).isNotNull();
          assertThat(ch.min()).isNull();
          assertThat(ch.maxTime()).isLessThan(T + 4 * 3_600_000L);
          SampleIterator it =
              Chunks.of(
                      ChunkEncoding.XOR.code(),
                      java.nio.ByteBuffer.wrap(ch.count().data().toByteArray()))
                  .iterator(null);
          while (it.next() == ValueType.FLOAT) {
            counted += (long) it.atV();
          }
        }
      }
      assertThat(aggregated).isGreaterThan(0);
      assertThat(raw).isGreaterThan(0);
      assertThat(counted).isEqualTo(4 * 3600 / 15);

      // Raw only.
      queried.clear();
      try (SeriesStream s = c.series(r.setMaxResolutionWindow(0).build())) {
        got = SeriesStreams.toList(s);
        for (var h : s.hints()) {
          h.unpack(SeriesResponseHints.class)
              .getQueriedBlocksList()
              .forEach(b -> queried.add(b.getId()));
        }
      }
      assertThat(queried).containsExactlyInAnyOrder(rawA.toString(), rawB.toString());
      assertThat(got.get(0).chunks()).allSatisfy(ch -> assertThat(ch.raw()).isNotNull());

      // 1h accepted: no 1h block exists, so 5m and raw fill in.
      queried.clear();
      try (SeriesStream s = c.series(r.setMaxResolutionWindow(Resolutions.RES_1H).build())) {
        SeriesStreams.toList(s);
        for (var h : s.hints()) {
          h.unpack(SeriesResponseHints.class)
              .getQueriedBlocksList()
              .forEach(b -> queried.add(b.getId()));
        }
      }
      assertThat(queried).containsExactlyInAnyOrder(ds.toString(), rawB.toString());
    }
  }

  static LoopbackServer start(StoreGateway gw) throws Exception {
    gw.sync();
    return LoopbackServer.start(gw.storeServer(), gw.infoService());
  }
}
