package io.jthanos.storeapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.jthanos.proto.store.SeriesRequest;
import io.jthanos.storeapi.testing.ContractData;
import io.jthanos.storeapi.testing.InMemoryChunkQueryable;
import io.jthanos.storeapi.testing.InMemoryChunkQueryable.StoredSeries;
import io.jthanos.storeapi.testing.LoopbackServer;
import io.jthanos.testing.tls.TestCertificates;
import io.jthanos.tsdb.chunkenc.XorChunk;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.ChunkMeta;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreClientTest {
  @TempDir Path tmp;

  private static final SeriesRequest ALL =
      SeriesRequest.newBuilder()
          .setMinTime(Long.MIN_VALUE)
          .setMaxTime(Long.MAX_VALUE)
          .addMatchers(StoreProtos.toProto(Matcher.regex("__name__", ".+")))
          .build();

  private static StoreServer contractStore() {
    return StoreServer.builder(new InMemoryChunkQueryable(ContractData.inMemory(120)))
        .externalLabels(Labels.of("replica", "r1"))
        .build();
  }

  @Test
  void tlsVerifiesTheServerAgainstTheCa() {
    TestCertificates certs = TestCertificates.create(tmp);
    try (LoopbackServer server =
        LoopbackServer.start(certs.serverCert(), certs.serverKey(), null, contractStore())) {
      assertThat(SeriesStreams.toList(server.client(ClientTls.secure(certs.caCert())).series(ALL)))
          .hasSize(13);
      assertThat(
              SeriesStreams.toList(
                  server.client(ClientTls.secure(null).withSkipVerify(true)).series(ALL)))
          .hasSize(13);
      // The JDK trust store does not know the test CA.
      assertThatThrownBy(
              () -> SeriesStreams.toList(server.client(ClientTls.secure(null)).series(ALL)))
          .isInstanceOf(StoreApiException.class)
          .satisfies(
              e -> assertThat(((StoreApiException) e).code()).isEqualTo(Status.Code.UNAVAILABLE));
      // Plaintext against a TLS port fails.
      assertThatThrownBy(() -> SeriesStreams.toList(server.client().series(ALL)))
          .isInstanceOf(StoreApiException.class);
    }
  }

  @Test
  void mutualTlsPresentsTheClientCertificate() {
    TestCertificates certs = TestCertificates.create(tmp);
    try (LoopbackServer server =
        LoopbackServer.start(
            certs.serverCert(), certs.serverKey(), certs.caCert(), contractStore())) {
      ClientTls tls =
          ClientTls.secure(certs.caCert())
              .withClientCertificate(certs.clientCert(), certs.clientKey())
              .withServerName("localhost");
      assertThat(SeriesStreams.toList(server.client(tls).series(ALL))).hasSize(13);
      assertThatThrownBy(
              () ->
                  SeriesStreams.toList(server.client(ClientTls.secure(certs.caCert())).series(ALL)))
          .isInstanceOf(StoreApiException.class);
    }
  }

  /** Records the grpc-encoding of each request. */
  private static final class Encodings implements ServerInterceptor {
    final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      seen.add(
          String.valueOf(
              headers.get(Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER))));
      return next.startCall(call, headers);
    }
  }

  @Test
  void snappyCompressionIsNegotiatedBothWays() {
    Encodings enc = new Encodings();
    StoreServer store = contractStore();
    BindableService wrapped = () -> ServerInterceptors.intercept(store, enc);
    try (LoopbackServer server = LoopbackServer.start(wrapped)) {
      StoreClient snappy = server.client(StoreClientConfig.DEFAULT.withCompression("snappy"));
      List<StoreSeries> a = SeriesStreams.toList(snappy.series(ALL));
      List<StoreSeries> b = SeriesStreams.toList(server.client().series(ALL));
      assertThat(a).isEqualTo(b);
      assertThat(enc.seen).containsExactly("snappy", "null");
    }
  }

  @Test
  void messagesBeyondFourMebibytesAreReceived() {
    List<ChunkMeta> chunks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      chunks.add(new ChunkMeta(i * 10L, i * 10L + 9, XorChunk.of(new byte[1 << 20])));
    }
    InMemoryChunkQueryable src =
        new InMemoryChunkQueryable(List.of(new StoredSeries(Labels.of("__name__", "big"), chunks)));
    StoreServer store = StoreServer.builder(src).maxFrameBytes(64 << 20).build();
    try (LoopbackServer server = LoopbackServer.start(store)) {
      assertThat(RawFrames.series(server.client().channel(), ALL).getFirst().length)
          .isGreaterThan(6 << 20);
      List<StoreSeries> got = SeriesStreams.toList(server.client().series(ALL));
      assertThat(got.getFirst().chunks()).hasSize(6);
    }
  }

  @Test
  void receivedChunkBytesAliasTheFrame() {
    try (LoopbackServer server = LoopbackServer.start(contractStore())) {
      StoreSeries s = SeriesStreams.toList(server.client().series(ALL)).getFirst();
      // An aliased ByteString is a bounded view into the frame, not a fresh array of its own.
      var data = s.chunks().getFirst().raw().data();
      assertThat(data.getClass().getSimpleName()).isEqualTo("BoundedByteString");
    }
  }

  @Test
  void unreachableEndpointIsUnavailable() {
    try (StoreClient c =
        StoreClient.connect(
            "127.0.0.1:" + io.jthanos.testing.Ports.freePort(), StoreClientConfig.DEFAULT)) {
      assertThatThrownBy(() -> c.info())
          .isInstanceOf(StoreApiException.class)
          .hasMessageStartingWith("store 127.0.0.1:")
          .satisfies(
              e -> assertThat(((StoreApiException) e).code()).isEqualTo(Status.Code.UNAVAILABLE));
    }
  }
}
