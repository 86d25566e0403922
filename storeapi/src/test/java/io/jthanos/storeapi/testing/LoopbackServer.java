package io.jthanos.storeapi.testing;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.jthanos.proto.grpc.GrpcCompression;
import io.jthanos.storeapi.ClientTls;
import io.jthanos.storeapi.ResponseCompression;
import io.jthanos.storeapi.StoreClient;
import io.jthanos.storeapi.StoreClientConfig;
import io.jthanos.storeapi.Tenancy;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC server on 127.0.0.1 (free port) serving StoreAPI services as components do: snappy and
 * gzip registered, responses compressed like the request, tenant propagated, no 4 MiB cap.
 * Optionally TLS (with client certificates required when a client CA is given).
 */
public final class LoopbackServer implements StoreEndpoint {
  private final Server server;
  private final boolean tls;
  private final List<StoreClient> clients = new CopyOnWriteArrayList<>();

  private LoopbackServer(Server server, boolean tls) {
    this.server = server;
    this.tls = tls;
  }

  public static LoopbackServer start(BindableService... services) {
    return start(null, null, null, services);
  }

  /**
   * Starts with TLS when {@code cert}/{@code key} are given; {@code clientCa} non-null requires
   * client certificates issued by it.
   */
  public static LoopbackServer start(
      Path cert, Path key, Path clientCa, BindableService... services) {
    NettyServerBuilder b =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .maxInboundMessageSize(Integer.MAX_VALUE)
            .compressorRegistry(GrpcCompression.compressors())
            .decompressorRegistry(GrpcCompression.decompressors())
            .permitKeepAliveTime(5, TimeUnit.SECONDS);
    if (cert != null) {
      try {
        SslContextBuilder ssl = GrpcSslContexts.forServer(cert.toFile(), key.toFile());
        if (clientCa != null) {
          ssl.trustManager(clientCa.toFile()).clientAuth(ClientAuth.REQUIRE);
        }
        b.sslContext(ssl.build());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    for (BindableService s : services) {
      b.addService(
          ServerInterceptors.intercept(s, new ResponseCompression(), Tenancy.serverInterceptor()));
    }
    try {
      return new LoopbackServer(b.build().start(), cert != null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return server.getPort();
  }

  /** {@code 127.0.0.1:<port>}. */
  public String target() {
    return "127.0.0.1:" + port();
  }

  public boolean tls() {
    return tls;
  }

  @Override
  public StoreClient client(StoreClientConfig config) {
    StoreClient c = StoreClient.connect(target(), config);
    clients.add(c);
    return c;
  }

  /** A client with {@code tls} on top of the default config. */
  public StoreClient client(ClientTls tls) {
    return client(StoreClientConfig.DEFAULT.withTls(tls));
  }

  @Override
  public void close() {
    for (StoreClient c : clients) {
      c.close();
    }
    server.shutdownNow();
    try {
      server.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
