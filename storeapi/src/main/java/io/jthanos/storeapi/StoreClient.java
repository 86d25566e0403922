package io.jthanos.storeapi;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NegotiationType;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.jthanos.proto.grpc.GrpcCompression;
import io.jthanos.proto.info.InfoGrpc;
import io.jthanos.proto.info.InfoRequest;
import io.jthanos.proto.info.InfoResponse;
import io.jthanos.proto.store.LabelNamesRequest;
import io.jthanos.proto.store.LabelNamesResponse;
import io.jthanos.proto.store.LabelValuesRequest;
import io.jthanos.proto.store.LabelValuesResponse;
import io.jthanos.proto.store.SeriesRequest;
import io.jthanos.proto.store.StoreGrpc;
import io.jthanos.tsdb.storage.LabelResult;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * A client of one StoreAPI endpoint: Series as a pull {@link SeriesStream} of model series,
 * LabelNames/LabelValues as {@link LabelResult}, and Info. Built over a Netty channel it owns
 * ({@link #connect}) or over any channel it borrows ({@link #over}, e.g. in-process).
 *
 * <p>Calls take the deadline of {@link #withDeadline}, else the config's timeout, else none.
 * Received messages may be up to 2 GiB (Thanos' {@code MaxInt32}); chunk bytes in received series
 * alias the received frame instead of being copied. Instances are immutable and thread-safe; {@code
 * with*} views share the channel, and only the instance from {@code connect} closes it.
 */
public final class StoreClient implements AutoCloseable {
  private final String target;
  private final Channel channel;
  private final ManagedChannel owned;
  private final StoreClientConfig config;
  private final CallOptions options;
  private final MethodDescriptor<SeriesRequest, Object> seriesMethod;

  private StoreClient(
      String target,
      Channel channel,
      ManagedChannel owned,
      StoreClientConfig config,
      CallOptions options) {
    this.target = target;
    this.channel = channel;
    this.owned = owned;
    this.config = config;
    this.options = options;
    this.seriesMethod =
        StoreGrpc.getSeriesMethod().toBuilder(
                ProtoUtils.marshaller(SeriesRequest.getDefaultInstance()), new FrameDecoder())
            .build();
  }

  /** Connects to {@code host:port} (any gRPC target string) with the given configuration. */
  public static StoreClient connect(String target, StoreClientConfig config) {
    return connect(target, NettyChannelBuilder.forTarget(target), config);
  }

  /**
   * Connects with a caller-prepared builder (e.g. with a shared event loop group); the config's
   * TLS, compression, keepalive and message-size settings are applied on top.
   */
  public static StoreClient connect(
      String target, NettyChannelBuilder builder, StoreClientConfig config) {
    Objects.requireNonNull(config, "config");
    builder
        .maxInboundMessageSize(Integer.MAX_VALUE)
        .maxInboundMetadataSize(1 << 20)
        .compressorRegistry(GrpcCompression.compressors())
        .decompressorRegistry(GrpcCompression.decompressors());
    if (config.keepAliveTime() != null) {
      builder
          .keepAliveTime(config.keepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
          .keepAliveTimeout(config.keepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }
    ClientTls tls = config.tls();
    if (tls.secure()) {
      builder.negotiationType(NegotiationType.TLS).sslContext(sslContext(tls));
      if (tls.serverName() != null) {
        builder.overrideAuthority(tls.serverName());
      }
    } else {
      builder.usePlaintext();
    }
    ManagedChannel ch = builder.build();
    return new StoreClient(target, ch, ch, config, callOptions(config));
  }

  /** A client over a channel the caller owns (not closed by {@link #close()}). */
  public static StoreClient over(Channel channel, String name, StoreClientConfig config) {
    return new StoreClient(name, channel, null, config, callOptions(config));
  }

  private static CallOptions callOptions(StoreClientConfig config) {
    CallOptions o = CallOptions.DEFAULT.withMaxInboundMessageSize(Integer.MAX_VALUE);
    if (!config.compression().equals("none")) {
      o = o.withCompression(config.compression());
    }
    return o;
  }

  private static SslContext sslContext(ClientTls tls) {
    try {
      SslContextBuilder b = GrpcSslContexts.forClient();
      if (tls.skipVerify()) {
        b.trustManager(InsecureTrustManagerFactory.INSTANCE);
      } else if (tls.ca() != null) {
        b.trustManager(tls.ca().toFile());
      }
      if (tls.cert() != null) {
        b.keyManager(tls.cert().toFile(), tls.key().toFile());
      }
      return b.build();
    } catch (SSLException e) {
      throw new UncheckedIOException(new IOException("client TLS config: " + e.getMessage(), e));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("client TLS config: " + e.getMessage(), e);
    }
  }

  /** The endpoint's name (its address), used in error messages. */
  public String target() {
    return target;
  }

  public Channel channel() {
    return channel;
  }

  public StoreClientConfig config() {
    return config;
  }

  /** A view whose calls end at {@code deadline}. */
  public StoreClient withDeadline(Deadline deadline) {
    return new StoreClient(target, channel, null, config, options.withDeadline(deadline));
  }

  public StoreClient withDeadlineAfter(Duration d) {
    return withDeadline(Deadline.after(d.toNanos(), TimeUnit.NANOSECONDS));
  }

  /** A view that sends {@code tenant} as {@code thanos-tenant} metadata on every call. */
  public StoreClient withTenant(String tenant) {
    Channel ch = ClientInterceptors.intercept(channel, Tenancy.clientInterceptor(tenant));
    return new StoreClient(target, ch, null, config, options);
  }

  private CallOptions effective() {
    if (options.getDeadline() == null && config.timeout() != null) {
      return options.withDeadlineAfter(config.timeout().toNanos(), TimeUnit.NANOSECONDS);
    }
    return options;
  }

  /** Starts a Series call; the stream must be closed. */
  public SeriesStream series(SeriesRequest request) {
    return new ClientSeriesStream(
        target, channel.newCall(seriesMethod, effective()), request, config.prefetch());
  }

  public LabelResult labelNames(LabelNamesRequest request) {
    LabelNamesResponse r = call(() -> stub().labelNames(request));
    return new LabelResult(r.getNamesList(), r.getWarningsList());
  }

  public LabelResult labelValues(LabelValuesRequest request) {
    LabelValuesResponse r = call(() -> stub().labelValues(request));
    return new LabelResult(r.getValuesList(), r.getWarningsList());
  }

  /** LabelNames with the full response (hints included). */
  public LabelNamesResponse labelNamesResponse(LabelNamesRequest request) {
    return call(() -> stub().labelNames(request));
  }

  /** LabelValues with the full response (hints included). */
  public LabelValuesResponse labelValuesResponse(LabelValuesRequest request) {
    return call(() -> stub().labelValues(request));
  }

  public InfoResponse info() {
    return call(
        () ->
            InfoGrpc.newBlockingStub(channel)
                .withDeadline(effective().getDeadline())
                .info(InfoRequest.getDefaultInstance()));
  }

  private StoreGrpc.StoreBlockingStub stub() {
    CallOptions o = effective();
    StoreGrpc.StoreBlockingStub s =
        StoreGrpc.newBlockingStub(channel)
            .withMaxInboundMessageSize(Integer.MAX_VALUE)
            .withDeadline(o.getDeadline());
    if (o.getCompressor() != null) {
      s = s.withCompression(o.getCompressor());
    }
    return s;
  }

  private <T> T call(java.util.function.Supplier<T> c) {
    try {
      return c.get();
    } catch (StatusRuntimeException e) {
      throw StoreApiException.from(target, e);
    }
  }

  /** Closes the channel this client opened; views and borrowed channels are left alone. */
  @Override
  public void close() {
    if (owned == null) {
      return;
    }
    owned.shutdown();
    try {
      if (!owned.awaitTermination(5, TimeUnit.SECONDS)) {
        owned.shutdownNow();
      }
    } catch (InterruptedException e) {
      owned.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "StoreClient{" + target + "}";
  }
}
