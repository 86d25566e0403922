package io.jthanos.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.jthanos.proto.grpc.GrpcCompression;
import io.jthanos.proto.labels.Label;
import io.jthanos.proto.promcopy.TimeSeries;
import io.jthanos.proto.store.WriteRequest;
import io.jthanos.proto.store.WriteResponse;
import io.jthanos.proto.store.WriteableStoreGrpc;
import io.jthanos.server.EventLoops;
import io.jthanos.server.HostPort;
import io.jthanos.server.Probes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class GrpcServerTest {

  @Test
  void largeMessagesSnappyReflectionAndMetrics() throws Exception {
    AtomicInteger received = new AtomicInteger();
    BindableService writeable =
        new WriteableStoreGrpc.WriteableStoreImplBase() {
          @Override
          public void remoteWrite(WriteRequest req, StreamObserver<WriteResponse> out) {
            received.addAndGet(req.getTimeseriesCount());
            out.onNext(WriteResponse.getDefaultInstance());
            out.onCompleted();
          }
        };
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Probes probes = new Probes("test", registry);
    try (EventLoops loops = new EventLoops(2)) {
      GrpcServer server =
          new GrpcServer(
              new GrpcServerConfig(
                  new HostPort("127.0.0.1", 0),
                  Duration.ofSeconds(5),
                  null,
                  Duration.ofMinutes(60),
                  Integer.MAX_VALUE),
              List.of(writeable),
              probes,
              loops,
              registry);
      server.start();
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("127.0.0.1", server.boundAddress().getPort())
              .usePlaintext()
              .compressorRegistry(GrpcCompression.compressors())
              .decompressorRegistry(GrpcCompression.decompressors())
              .build();
      try {
        // ~6 MiB, above gRPC's 4 MiB default limit, sent snappy-compressed.
        WriteRequest.Builder big = WriteRequest.newBuilder().setTenant("t");
        String value = "v".repeat(1000);
        for (int i = 0; i < 6000; i++) {
          big.addTimeseries(
              TimeSeries.newBuilder()
                  .addLabels(Label.newBuilder().setName("i").setValue(i + value)));
        }
        assertThat(big.build().getSerializedSize()).isGreaterThan(5 << 20);
        WriteableStoreGrpc.newBlockingStub(ch)
            .withCompression("snappy")
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .remoteWrite(big.build());
        assertThat(received.get()).isEqualTo(6000);

        AtomicReference<ServerReflectionResponse> resp = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<ServerReflectionRequest> req =
            ServerReflectionGrpc.newStub(ch)
                .serverReflectionInfo(
                    new StreamObserver<>() {
                      @Override
                      public void onNext(ServerReflectionResponse r) {
                        resp.set(r);
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
        req.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        req.onCompleted();
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(resp.get().getListServicesResponse().getServiceList())
            .extracting(s -> s.getName())
            .contains("thanos.WriteableStore", "grpc.health.v1.Health");

        assertThat(
                registry
                    .get("grpc_server_handled")
                    .tags(
                        "grpc_service", "thanos.WriteableStore",
                        "grpc_method", "RemoteWrite",
                        "grpc_type", "unary",
                        "grpc_code", "OK")
                    .counter()
                    .count())
            .isEqualTo(1);
        assertThat(
                registry
                    .get("grpc_server_msg_received")
                    .tags("grpc_method", "RemoteWrite")
                    .counter()
                    .count())
            .isEqualTo(1);
      } finally {
        ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        server.stop();
      }
    }
  }

  @Test
  void goStatusCodeNames() {
    assertThat(GrpcMetricsInterceptor.code(io.grpc.Status.Code.OK)).isEqualTo("OK");
    assertThat(GrpcMetricsInterceptor.code(io.grpc.Status.Code.INVALID_ARGUMENT))
        .isEqualTo("InvalidArgument");
    assertThat(GrpcMetricsInterceptor.code(io.grpc.Status.Code.RESOURCE_EXHAUSTED))
        .isEqualTo("ResourceExhausted");
    assertThat(GrpcMetricsInterceptor.code(io.grpc.Status.Code.DEADLINE_EXCEEDED))
        .isEqualTo("DeadlineExceeded");
  }
}
