package io.jthanos.server.grpc;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.jthanos.proto.grpc.GrpcCompression;
import io.jthanos.server.EventLoops;
import io.jthanos.server.Probes;
import io.jthanos.server.run.RunGroup;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC server of a component (grpc-netty on the process' event loops): the given services, the
 * standard health service ({@code SERVING} for {@code ""} once {@link Probes} says ready), server
 * reflection, TLS with optional client CA, Thanos' snappy compression, no 4 MiB message cap, a
 * maximum connection age, metrics, and graceful shutdown within the grace period.
 */
public final class GrpcServer implements RunGroup.Actor {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcServer.class);

  private final GrpcServerConfig config;
  private final HealthStatusManager health = new HealthStatusManager();
  private final Server server;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean started;
  private volatile boolean stopping;

  public GrpcServer(
      GrpcServerConfig config,
      List<BindableService> services,
      Probes probes,
      EventLoops loops,
      MeterRegistry registry) {
    this.config = config;
    NettyServerBuilder b =
        NettyServerBuilder.forAddress(config.address().toSocketAddress())
            .bossEventLoopGroup(loops.boss())
            .workerEventLoopGroup(loops.workers())
            .channelType(loops.serverChannelType())
            .maxInboundMessageSize(config.maxRecvMsgBytes())
            .maxInboundMetadataSize(1 << 20)
            // Thanos clients ping every 10s (pkg/extgrpc); grpc-java's default enforcement
            // (5 min) would answer them with GOAWAY "too_many_pings" and drop the connection.
            .permitKeepAliveTime(5, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .compressorRegistry(GrpcCompression.compressors())
            .decompressorRegistry(GrpcCompression.decompressors());
    if (config.maxConnectionAge() != null && !config.maxConnectionAge().isZero()) {
      b.maxConnectionAge(config.maxConnectionAge().toNanos(), TimeUnit.NANOSECONDS);
      b.maxConnectionAgeGrace(config.gracePeriod().toNanos(), TimeUnit.NANOSECONDS);
    }
    if (config.tls() != null) {
      b.sslContext(config.tls().grpcContext());
    }
    GrpcMetricsInterceptor metrics = new GrpcMetricsInterceptor(registry);
    List<BindableService> all = new ArrayList<>(services);
    all.add(health.getHealthService());
    all.add(ProtoReflectionServiceV1.newInstance());
    for (BindableService s : all) {
      ServerServiceDefinition def = ServerInterceptors.intercept(s, metrics);
      b.addService(def);
    }
    health.setStatus("", ServingStatus.NOT_SERVING);
    probes.onReadyChange(
        ready -> {
          if (!stopping) {
            health.setStatus("", ready ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
          }
        });
    this.server = b.build();
  }

  /** Binds the port (synchronously). */
  public synchronized void start() throws IOException {
    if (started) {
      return;
    }
    server.start();
    started = true;
    InetSocketAddress a = boundAddress();
    LOG.atInfo()
        .addKeyValue("service", "gRPC/server")
        .addKeyValue("address", a.getHostString() + ":" + a.getPort())
        .addKeyValue("tls", config.tls() != null)
        .log("listening for serving gRPC");
  }

  public InetSocketAddress boundAddress() {
    return (InetSocketAddress) server.getListenSockets().get(0);
  }

  @Override
  public void run() throws Exception {
    start();
    stopped.await();
  }

  @Override
  public void interrupt(Throwable cause) {
    stop();
  }

  /** Reports NOT_SERVING, lets in-flight calls finish within the grace period, then stops. */
  public synchronized void stop() {
    if (stopping) {
      return;
    }
    stopping = true;
    try {
      health.enterTerminalState();
      if (started) {
        LOG.atInfo().addKeyValue("service", "gRPC/server").log("internal server is shutting down");
        server.shutdown();
        if (!server.awaitTermination(config.gracePeriod().toNanos(), TimeUnit.NANOSECONDS)) {
          server.shutdownNow();
          server.awaitTermination(5, TimeUnit.SECONDS);
        }
        LOG.atInfo()
            .addKeyValue("service", "gRPC/server")
            .log("gracefully stopping internal server");
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      stopped.countDown();
    }
  }
}
