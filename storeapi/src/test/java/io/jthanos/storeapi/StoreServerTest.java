package io.jthanos.storeapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.jthanos.proto.hints.LabelNamesRequestHints;
import io.jthanos.proto.hints.SeriesRequestHints;
import io.jthanos.proto.hints.SeriesResponseHints;
import io.jthanos.proto.store.Aggr;
import io.jthanos.proto.store.Func;
import io.jthanos.proto.store.QueryHints;
import io.jthanos.proto.store.SeriesRequest;
import io.jthanos.proto.store.SeriesResponse;
import io.jthanos.storeapi.testing.InMemoryChunkQueryable;
import io.jthanos.storeapi.testing.InMemoryChunkQueryable.StoredSeries;
import io.jthanos.storeapi.testing.LoopbackServer;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import io.jthanos.tsdb.chunkenc.RawChunk;
import io.jthanos.tsdb.chunkenc.XorChunk;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.ChunkMeta;
import io.jthanos.tsdb.storage.ChunkQuerier;
import io.jthanos.tsdb.storage.ChunkQueryable;
import io.jthanos.tsdb.storage.ChunkSeriesSet;
import io.jthanos.tsdb.storage.LabelHints;
import io.jthanos.tsdb.storage.LabelResult;
import io.jthanos.tsdb.storage.SelectHints;
import io.jthanos.tsdb.storage.StorageException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StoreServerTest {
  private static final Matcher ANY = Matcher.regex("__name__", ".+");

  private static ChunkMeta chunk(long min, long max, int size, int seed) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (seed * 31 + i);
    }
    return new ChunkMeta(min, max, XorChunk.of(b));
  }

  private static StoredSeries series(String name, int i, ChunkMeta... chunks) {
    return new StoredSeries(
        Labels.of("__name__", name, "i", String.format("%05d", i)), List.of(chunks));
  }

  private static SeriesRequest.Builder req(long mint, long maxt, Matcher... ms) {
    return SeriesRequest.newBuilder()
        .setMinTime(mint)
        .setMaxTime(maxt)
        .addAllMatchers(StoreProtos.toProtoMatchers(List.of(ms)));
  }

  private static Status.Code code(Throwable e) {
    return ((StoreApiException) e).code();
  }

  /** A source that records what the server asked for. */
  private static final class Recording implements HintsAwareQueryable {
    final InMemoryChunkQueryable delegate;
    final AtomicReference<RequestHints> hints = new AtomicReference<>();
    final AtomicReference<SelectHints> select = new AtomicReference<>();
    final AtomicReference<long[]> range = new AtomicReference<>();

    Recording(InMemoryChunkQueryable delegate) {
      this.delegate = delegate;
    }

    @Override
    public ChunkQuerier chunkQuerier(long mint, long maxt, RequestHints h) {
      hints.set(h);
      range.set(new long[] {mint, maxt});
      h.addQueriedBlock("01HBLOCKAAAAAAAAAAAAAAAAAA");
      ChunkQuerier q = delegate.chunkQuerier(mint, maxt);
      return new ChunkQuerier() {
        @Override
        public ChunkSeriesSet select(boolean sort, SelectHints sh, List<Matcher> ms) {
          select.set(sh);
          return q.select(sort, sh, ms);
        }

        @Override
        public LabelResult labelValues(String name, LabelHints lh, List<Matcher> ms) {
          return q.labelValues(name, lh, ms);
        }

        @Override
        public LabelResult labelNames(LabelHints lh, List<Matcher> ms) {
          return q.labelNames(lh, ms);
        }

        @Override
        public void close() {
          q.close();
        }
      };
    }
  }

  @Test
  void requestHintsInResponseHintsOutTenantPropagated() throws Exception {
    Recording src =
        new Recording(new InMemoryChunkQueryable(List.of(series("m", 1, chunk(0, 10, 20, 1)))));
    StoreServer store = StoreServer.builder(src).timeRange(() -> 5, () -> 1000).build();
    try (LoopbackServer server = LoopbackServer.start(store)) {
      StoreClient c = server.client().withTenant("team-a");
      SeriesRequestHints in =
          SeriesRequestHints.newBuilder()
              .addBlockMatchers(StoreProtos.toProto(Matcher.equal("tenant", "team-a")))
              .setEnableQueryStats(true)
              .build();
      SeriesRequest r =
          req(0, Long.MAX_VALUE, ANY)
              .setHints(Any.pack(in))
              .setSkipChunks(true)
              .setQueryHints(
                  QueryHints.newBuilder()
                      .setStepMillis(30_000)
                      .setFunc(Func.newBuilder().setName("rate")))
              .build();
      try (SeriesStream s = c.series(r)) {
        assertThat(s.next()).isTrue();
        assertThat(s.next()).isFalse();
        assertThat(s.hints()).hasSize(1);
        Any h = s.hints().getFirst();
        assertThat(h.getTypeUrl()).isEqualTo("type.googleapis.com/hintspb.SeriesResponseHints");
        assertThat(h.unpack(SeriesResponseHints.class).getQueriedBlocks(0).getId())
            .isEqualTo("01HBLOCKAAAAAAAAAAAAAAAAAA");
      }
      assertThat(src.hints.get().blockMatchers())
          .containsExactly(Matcher.equal("tenant", "team-a"));
      assertThat(src.hints.get().enableQueryStats()).isTrue();
      assertThat(src.hints.get().tenant()).isEqualTo("team-a");
      // Clamped to the advertised range; skip_chunks means func "series"; step passed on.
      assertThat(src.range.get()).containsExactly(5, 1000);
      assertThat(src.select.get().func()).isEqualTo("series");
      assertThat(src.select.get().step()).isEqualTo(30_000);
      assertThat(src.select.get().disableTrimming()).isTrue();

      var names =
          c.labelNamesResponse(
              io.jthanos.proto.store.LabelNamesRequest.newBuilder()
                  .setStart(0)
                  .setEnd(100)
                  .setHints(Any.pack(LabelNamesRequestHints.getDefaultInstance()))
                  .build());
      assertThat(names.getNamesList()).containsExactly("__name__", "i");
      assertThat(names.getHints().getTypeUrl())
          .isEqualTo("type.googleapis.com/hintspb.LabelNamesResponseHints");
    }
  }

  @Test
  void hintsOfTheWrongTypeAreInvalidArgument() {
    Recording src = new Recording(new InMemoryChunkQueryable(List.of()));
    try (LoopbackServer server = LoopbackServer.start(StoreServer.builder(src).build())) {
      SeriesRequest r =
          req(0, 10, ANY).setHints(Any.pack(LabelNamesRequestHints.getDefaultInstance())).build();
      assertThatThrownBy(() -> SeriesStreams.toList(server.client().series(r)))
          .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT))
          .hasMessageContaining("unmarshal series request hints");
    }
  }

  @Test
  void bigSeriesAreSplitAcrossFramesAndJoinedByTheClient() {
    ChunkMeta[] chunks = new ChunkMeta[10];
    for (int i = 0; i < 10; i++) {
      chunks[i] = chunk(i * 10, i * 10 + 9, 60, i);
    }
    InMemoryChunkQueryable src =
        new InMemoryChunkQueryable(
            List.of(series("m", 1, chunks), series("m", 2, chunk(0, 5, 10, 9))));
    StoreServer store = StoreServer.builder(src).maxFrameBytes(150).build();
    try (LoopbackServer server = LoopbackServer.start(store)) {
      List<SeriesResponse> frames =
          RawFrames.parsed(server.client().channel(), req(0, 1000, ANY).build());
      assertThat(frames.size()).isGreaterThan(3);
      assertThat(frames).allSatisfy(f -> assertThat(f.hasSeries()).isTrue());
      List<StoreSeries> got =
          SeriesStreams.toList(server.client().series(req(0, 1000, ANY).build()));
      assertThat(got).hasSize(2);
      assertThat(got.getFirst().chunks())
          .extracting(StoreChunk::minTime)
          .containsExactly(0L, 10L, 20L, 30L, 40L, 50L, 60L, 70L, 80L, 90L);
    }
  }

  @Test
  void batchesGroupSeriesAndWarningsFollowAsFrames() {
    List<StoredSeries> data = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      data.add(series("m", i, chunk(0, 10, 8, i)));
    }
    InMemoryChunkQueryable src = new InMemoryChunkQueryable(data, List.of("partial data"));
    try (LoopbackServer server = LoopbackServer.start(StoreServer.builder(src).build())) {
      List<SeriesResponse> frames =
          RawFrames.parsed(
              server.client().channel(), req(0, 100, ANY).setResponseBatchSize(3).build());
      assertThat(frames)
          .extracting(f -> f.getResultCase().name())
          .containsExactly("BATCH", "BATCH", "BATCH", "WARNING");
      assertThat(frames.subList(0, 3))
          .extracting(f -> f.getBatch().getSeriesCount())
          .containsExactly(3, 3, 1);
      assertThat(frames.getLast().getWarning()).isEqualTo("partial data");
      try (SeriesStream s =
          server.client().series(req(0, 100, ANY).setResponseBatchSize(3).build())) {
        int n = 0;
        while (s.next()) {
          n++;
        }
        assertThat(n).isEqualTo(7);
        assertThat(s.warnings()).containsExactly("partial data");
      }
    }
  }

  @Test
  void aggregateChunksAreSplitIntoTheRequestedAggregates() {
    ChunkBytes count = ChunkBytes.of(ChunkEncoding.XOR, ByteString.copyFromUtf8("count-data"));
    ChunkBytes max = ChunkBytes.of(ChunkEncoding.XOR, ByteString.copyFromUtf8("max-data"));
    ChunkBytes counter = ChunkBytes.of(ChunkEncoding.XOR, ByteString.copyFromUtf8("counter"));
    ByteString payload = AggrChunks.encode(count, null, null, max, counter);
    ChunkMeta aggr =
        new ChunkMeta(
            0, 300_000, new RawChunk(ChunkEncoding.AGGREGATE, payload.asReadOnlyByteBuffer()));
    InMemoryChunkQueryable src =
        new InMemoryChunkQueryable(List.of(series("m", 1, aggr, chunk(300_001, 400_000, 12, 1))));
    try (LoopbackServer server = LoopbackServer.start(StoreServer.builder(src).build())) {
      SeriesRequest r =
          req(0, 500_000, ANY)
              .addAggregates(Aggr.COUNT)
              .addAggregates(Aggr.MAX)
              .setMaxResolutionWindow(300_000)
              .build();
      List<StoreSeries> got = SeriesStreams.toList(server.client().series(r));
      StoreChunk a = got.getFirst().chunks().getFirst();
      assertThat(a.raw()).isNull();
      assertThat(a.count().data()).isEqualTo(count.data());
      assertThat(a.max().data()).isEqualTo(max.data());
      assertThat(a.count().hash()).isEqualTo(ChunkBytes.xxhash(count.data()));
      assertThat(a.sum()).isNull();
      assertThat(a.counter()).isNull();
      assertThat(got.getFirst().chunks().get(1).raw()).isNotNull();

      SeriesRequest sum = req(0, 500_000, ANY).addAggregates(Aggr.SUM).build();
      assertThatThrownBy(() -> SeriesStreams.toList(server.client().series(sum)))
          .hasMessageContaining("aggregate sum does not exist")
          .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INTERNAL));
    }
  }

  /** Counts series pulled from storage and blocks while asked to. */
  private static final class Counting implements ChunkQueryable {
    final InMemoryChunkQueryable delegate;
    final AtomicInteger pulled = new AtomicInteger();
    final AtomicInteger open = new AtomicInteger();
    volatile CountDownLatch gate;

    Counting(InMemoryChunkQueryable delegate) {
      this.delegate = delegate;
    }

    @Override
    public ChunkQuerier chunkQuerier(long mint, long maxt) {
      ChunkQuerier q = delegate.chunkQuerier(mint, maxt);
      open.incrementAndGet();
      return new ChunkQuerier() {
        @Override
        public ChunkSeriesSet select(boolean sort, SelectHints sh, List<Matcher> ms) {
          ChunkSeriesSet set = q.select(sort, sh, ms);
          return new ChunkSeriesSet() {
            @Override
            public boolean next() {
              CountDownLatch g = gate;
              if (g != null) {
                try {
                  g.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              pulled.incrementAndGet();
              return set.next();
            }

            @Override
            public io.jthanos.tsdb.storage.ChunkSeries at() {
              return set.at();
            }

            @Override
            public List<String> warnings() {
              return set.warnings();
            }

            @Override
            public void close() {
              set.close();
            }
          };
        }

        @Override
        public LabelResult labelValues(String name, LabelHints lh, List<Matcher> ms) {
          return q.labelValues(name, lh, ms);
        }

        @Override
        public LabelResult labelNames(LabelHints lh, List<Matcher> ms) {
          return q.labelNames(lh, ms);
        }

        @Override
        public void close() {
          open.decrementAndGet();
          q.close();
        }
      };
    }
  }

  private static Counting big(int n, int chunkBytes) {
    List<StoredSeries> data = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      data.add(series("m", i, chunk(0, 10, chunkBytes, i)));
    }
    return new Counting(new InMemoryChunkQueryable(data));
  }

  @Test
  void aSlowClientThrottlesTheServerAndCancellationStopsIt() {
    Counting src = big(20_000, 2048);
    try (LoopbackServer server = LoopbackServer.start(StoreServer.builder(src).build())) {
      SeriesStream s = server.client().series(req(0, 10, ANY).build());
      assertThat(s.next()).isTrue();
      // Flow control: once the transport windows are full the producer waits for the reader
      // instead of reading all 20k series (40 MB) into memory.
      int[] last = {-1};
      await()
          .pollInterval(Duration.ofMillis(200))
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                int now = src.pulled.get();
                boolean stable = now == last[0];
                last[0] = now;
                return stable && now > 0;
              });
      assertThat(src.pulled.get()).isLessThan(5_000);
      s.close();
      await().atMost(Duration.ofSeconds(10)).until(() -> src.open.get() == 0);
      assertThat(src.pulled.get()).isLessThan(20_000);
    }
  }

  @Test
  void deadlineEndsTheCallAndReleasesTheQuerier() {
    Counting src = big(3, 16);
    src.gate = new CountDownLatch(1);
    try (LoopbackServer server = LoopbackServer.start(StoreServer.builder(src).build())) {
      StoreClient c = server.client().withDeadlineAfter(Duration.ofMillis(300));
      assertThatThrownBy(() -> SeriesStreams.toList(c.series(req(0, 10, ANY).build())))
          .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
      src.gate.countDown();
      await().atMost(Duration.ofSeconds(10)).until(() -> src.open.get() == 0);
    }
  }

  @Test
  void pendingRequestLimitRejectsWithResourceExhausted() {
    Counting src = big(3, 16);
    src.gate = new CountDownLatch(1);
    SimpleMeterRegistry reg = new SimpleMeterRegistry();
    StoreServer store = StoreServer.builder(src).maxPendingRequests(1).meterRegistry(reg).build();
    try (LoopbackServer server = LoopbackServer.start(store)) {
      SeriesStream first = server.client().series(req(0, 10, ANY).build());
      await().atMost(Duration.ofSeconds(10)).until(() -> src.open.get() == 1);
      assertThatThrownBy(
              () -> SeriesStreams.toList(server.client().series(req(0, 10, ANY).build())))
          .hasMessageContaining("too many pending series requests: 1 >= 1")
          .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
      assertThat(reg.get("thanos_store_server_hit_max_pending_series_requests").counter().count())
          .isEqualTo(1);
      assertThat(reg.get("thanos_store_server_pending_series_requests").gauge().value())
          .isEqualTo(1);
      src.gate.countDown();
      assertThat(SeriesStreams.toList(first)).hasSize(3);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> reg.get("thanos_store_server_pending_series_requests").gauge().value() == 0);
    }
  }

  @Test
  void limitsCountDroppedSelects() {
    SimpleMeterRegistry reg = new SimpleMeterRegistry();
    Counting src = big(5, 16);
    StoreServer store =
        StoreServer.builder(src).limits(new StoreLimits(2, 0, 0)).meterRegistry(reg).build();
    try (LoopbackServer server = LoopbackServer.start(store)) {
      assertThatThrownBy(
              () -> SeriesStreams.toList(server.client().series(req(0, 10, ANY).build())))
          .hasMessageContaining("exceeded series limit: limit 2 violated (got 3)");
      assertThat(reg.get("thanos_store_selects_dropped").tag("reason", "series").counter().count())
          .isEqualTo(1);
      await().atMost(Duration.ofSeconds(10)).until(() -> src.open.get() == 0);
    }
  }

  @Test
  void storageFailuresAreInternalErrors() {
    ChunkQueryable broken =
        (mint, maxt) -> {
          throw new StorageException("block 01X: index corrupt at offset 12");
        };
    try (LoopbackServer server = LoopbackServer.start(StoreServer.builder(broken).build())) {
      assertThatThrownBy(
              () -> SeriesStreams.toList(server.client().series(req(0, 10, ANY).build())))
          .hasMessageContaining("index corrupt at offset 12")
          .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INTERNAL));
    }
  }

  @Test
  void chunkHashesCanBeTurnedOff() {
    Counting src = big(1, 16);
    try (LoopbackServer server =
        LoopbackServer.start(StoreServer.builder(src).chunkHashes(false).build())) {
      StoreSeries s =
          SeriesStreams.toList(server.client().series(req(0, 10, ANY).build())).getFirst();
      assertThat(s.chunks().getFirst().raw().hash()).isZero();
    }
  }

  @Test
  void externalLabelsThatReorderSeriesStillStreamSorted() {
    List<StoredSeries> data = new ArrayList<>();
    String[][] sets = {
      {"a", "1"},
      {"a", "1", "b", "1"},
      {"a", "1", "b", "1", "c", "1"},
      {"a", "1", "z", "1"},
      {"a", "2"},
      {"a", "2", "q", "1"}
    };
    int i = 0;
    for (String[] kv : sets) {
      String[] all = new String[kv.length + 2];
      all[0] = "__name__";
      all[1] = "m";
      System.arraycopy(kv, 0, all, 2, kv.length);
      data.add(new StoredSeries(Labels.of(all), List.of(chunk(0, 10, 8, i++))));
    }
    InMemoryChunkQueryable src = new InMemoryChunkQueryable(data);
    StoreServer store = StoreServer.builder(src).externalLabels(Labels.of("replica", "x")).build();
    try (InProcessStore ip = InProcessStore.start(store)) {
      List<StoreSeries> got =
          SeriesStreams.toList(ip.client().series(req(0, 10, ANY).setResponseBatchSize(2).build()));
      List<Labels> labels = got.stream().map(StoreSeries::labels).toList();
      assertThat(labels).hasSize(6).isSortedAccordingTo(Labels::compare);
      assertThat(labels.getFirst())
          .isEqualTo(Labels.of("__name__", "m", "a", "1", "b", "1", "c", "1", "replica", "x"));
    }
  }

  @Test
  void inProcessAnswersSurviveTheServerReleasingItsBuffers() {
    // A source whose chunk buffers are wiped when the querier closes (as unmapped files would be).
    List<ByteBuffer> buffers = new ArrayList<>();
    ChunkQueryable wiping =
        (mint, maxt) -> {
          ByteBuffer b = ByteBuffer.allocateDirect(64);
          for (int i = 0; i < 64; i++) {
            b.put(i, (byte) (i + 1));
          }
          buffers.add(b);
          InMemoryChunkQueryable mem =
              new InMemoryChunkQueryable(
                  List.of(
                      new StoredSeries(
                          Labels.of("__name__", "m"),
                          List.of(new ChunkMeta(0, 10, new XorChunk(b))))));
          ChunkQuerier q = mem.chunkQuerier(mint, maxt);
          return new ChunkQuerier() {
            @Override
            public ChunkSeriesSet select(boolean s, SelectHints h, List<Matcher> ms) {
              return q.select(s, h, ms);
            }

            @Override
            public LabelResult labelValues(String n, LabelHints h, List<Matcher> ms) {
              return q.labelValues(n, h, ms);
            }

            @Override
            public LabelResult labelNames(LabelHints h, List<Matcher> ms) {
              return q.labelNames(h, ms);
            }

            @Override
            public void close() {
              for (int i = 0; i < 64; i++) {
                b.put(i, (byte) 0);
              }
            }
          };
        };
    try (InProcessStore ip = InProcessStore.start(StoreServer.builder(wiping).build())) {
      List<StoreSeries> got = SeriesStreams.toList(ip.client().series(req(0, 10, ANY).build()));
      await().atMost(Duration.ofSeconds(5)).until(() -> buffers.getFirst().get(0) == 0);
      byte[] data = got.getFirst().chunks().getFirst().raw().data().toByteArray();
      assertThat(data[0]).isEqualTo((byte) 1);
      assertThat(data[63]).isEqualTo((byte) 64);
    }
  }

  @Test
  void directCallersGetDecodedResponses() throws Exception {
    InMemoryChunkQueryable src =
        new InMemoryChunkQueryable(
            List.of(series("m", 1, chunk(0, 10, 20, 1)), series("m", 2, chunk(0, 10, 20, 2))),
            List.of("w"));
    StoreServer store = StoreServer.builder(src).externalLabels(Labels.of("replica", "x")).build();
    List<SeriesResponse> got = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(1);
    store.series(
        req(0, 10, ANY).setResponseBatchSize(2).build(),
        new io.grpc.stub.StreamObserver<>() {
          @Override
          public void onNext(SeriesResponse value) {
            got.add(value);
          }

          @Override
          public void onError(Throwable t) {
            done.countDown();
          }

          @Override
          public void onCompleted() {
            done.countDown();
          }
        });
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(got).hasSize(2);
    assertThat(got.getFirst().getBatch().getSeriesCount()).isEqualTo(2);
    assertThat(StoreProtos.series(got.getFirst().getBatch().getSeries(1)).labels())
        .isEqualTo(Labels.of("__name__", "m", "i", "00002", "replica", "x"));
    assertThat(got.get(1).getWarning()).isEqualTo("w");
  }
}
