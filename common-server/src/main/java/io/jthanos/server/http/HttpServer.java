package io.jthanos.server.http;

import io.jthanos.server.EventLoops;
import io.jthanos.server.run.RunGroup;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Netty HTTP/1.1 server: optional TLS and basic auth ({@code --http.config}), gzip when the
 * client accepts it, a {@link Router}, and Thanos' HTTP metrics. Each request runs on its own
 * virtual thread. As a {@link RunGroup.Actor} it binds in {@code run()} and, when interrupted,
 * stops accepting, lets in-flight requests finish within the grace period, then closes.
 */
public final class HttpServer implements RunGroup.Actor {
  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  private final String name;
  private final HttpServerConfig config;
  private final Router router;
  private final EventLoops loops;
  private final HttpMetrics metrics;
  private final SslContext ssl;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile Channel serverChannel;
  private volatile boolean stopping;

  /**
   * @param name shown in logs (e.g. {@code http}, {@code remote-write})
   */
  public HttpServer(
      String name,
      HttpServerConfig config,
      Router router,
      EventLoops loops,
      MeterRegistry registry) {
    this.name = name;
    this.config = config;
    this.router = router;
    this.loops = loops;
    this.metrics = new HttpMetrics(registry);
    WebConfig web = config.webConfig() == null ? WebConfig.none() : config.webConfig();
    this.ssl = web.tls() == null ? null : web.tls().httpContext();
  }

  /** Binds the listening socket (synchronously). */
  public synchronized void start() throws InterruptedException {
    if (serverChannel != null) {
      return;
    }
    ServerBootstrap b =
        new ServerBootstrap()
            .group(loops.boss(), loops.workers())
            .channel(loops.serverChannelType())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    channels.add(ch);
                    ChannelPipeline p = ch.pipeline();
                    if (ssl != null) {
                      p.addLast("tls", ssl.newHandler(ch.alloc()));
                    }
                    p.addLast("codec", new HttpServerCodec());
                    p.addLast("continue", new HttpServerExpectContinueHandler());
                    p.addLast("aggregator", new HttpObjectAggregator(config.maxRequestBytes()));
                    p.addLast("gzip", new HttpContentCompressor());
                    p.addLast("dispatch", new Dispatcher());
                  }
                });
    ChannelFuture f = b.bind(config.address().toSocketAddress()).await();
    if (!f.isSuccess()) {
      throw new IllegalStateException(
          "listen on " + config.address() + " for " + name + " server: " + f.cause().getMessage(),
          f.cause());
    }
    serverChannel = f.channel();
    LOG.atInfo()
        .addKeyValue("service", name)
        .addKeyValue("address", boundAddress().getHostString() + ":" + boundAddress().getPort())
        .addKeyValue("tls", ssl != null)
        .log("listening for requests");
  }

  /** The bound address (the real port when 0 was asked). */
  public InetSocketAddress boundAddress() {
    return (InetSocketAddress) serverChannel.localAddress();
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

  /** Stops accepting, waits up to the grace period for in-flight requests, closes connections. */
  public synchronized void stop() {
    if (stopping) {
      return;
    }
    stopping = true;
    try {
      LOG.atInfo().addKeyValue("service", name).log("internal server is shutting down");
      if (serverChannel != null) {
        serverChannel.close().awaitUninterruptibly();
      }
      long deadline = System.nanoTime() + config.gracePeriod().toNanos();
      while (inFlight.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
      handlers.shutdownNow();
      LOG.atInfo().addKeyValue("service", name).log("internal server is shutdown gracefully");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stopped.countDown();
    }
  }

  private final class Dispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
    Dispatcher() {
      super(false);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      if (!req.decoderResult().isSuccess()) {
        req.release();
        sendError(ctx, HttpResponseStatus.BAD_REQUEST, "malformed request", false);
        return;
      }
      inFlight.incrementAndGet();
      try {
        handlers.execute(() -> serve(ctx, req));
      } catch (RuntimeException rejected) {
        inFlight.decrementAndGet();
        req.release();
        sendError(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "server shutting down", false);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.atDebug().addKeyValue("service", name).setCause(cause).log("http connection error");
      ctx.close();
    }
  }

  private void sendError(
      ChannelHandlerContext ctx, HttpResponseStatus status, String text, boolean keepAlive) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    HttpUtil.setContentLength(r, r.content().readableBytes());
    ChannelFuture f = ctx.writeAndFlush(r);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void serve(ChannelHandlerContext ctx, FullHttpRequest req) {
    long start = System.nanoTime();
    String method = req.method().name();
    String metricMethod = method.toLowerCase(Locale.ROOT);
    boolean keepAlive = HttpUtil.isKeepAlive(req) && !stopping;
    long reqBytes = req.content().readableBytes();
    String handlerName = "";
    AtomicInteger inflightGauge = null;
    int code = 500;
    long respBytes = -1;
    try {
      QueryStringDecoder qs = new QueryStringDecoder(req.uri());
      WebConfig web = config.webConfig() == null ? WebConfig.none() : config.webConfig();
      Response resp;
      if (web.requiresAuth() && !web.authorize(req.headers().get(HttpHeaderNames.AUTHORIZATION))) {
        resp = Response.text(401, "Unauthorized").header("WWW-Authenticate", "Basic");
      } else {
        Router.Match m = router.match(method, qs.path());
        switch (m) {
          case Router.Found f -> {
            handlerName = f.route().name();
            inflightGauge = metrics.inflight(handlerName, metricMethod);
            inflightGauge.incrementAndGet();
            Request request = toRequest(ctx, req, qs, f.params());
            resp = f.route().handler().handle(request);
          }
          case Router.MethodNotAllowed na ->
              resp =
                  Response.text(405, "Method Not Allowed")
                      .header("Allow", String.join(", ", na.allowed()));
          case Router.NotFound nf -> resp = Response.text(404, "404 page not found");
        }
      }
      for (Map.Entry<String, String> h : web.headers().entrySet()) {
        resp.header(h.getKey(), h.getValue());
      }
      code = resp.status();
      respBytes = write(ctx, req.method(), resp, keepAlive);
    } catch (Exception e) {
      LOG.atWarn()
          .addKeyValue("service", name)
          .addKeyValue("path", req.uri())
          .setCause(e)
          .log("http handler failed");
      code = 500;
      if (ctx.channel().isActive()) {
        sendError(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal server error", false);
      }
    } finally {
      req.release();
      if (inflightGauge != null) {
        inflightGauge.decrementAndGet();
      }
      metrics.observe(
          handlerName, metricMethod, code, System.nanoTime() - start, reqBytes, respBytes);
      inFlight.decrementAndGet();
    }
  }

  private static Request toRequest(
      ChannelHandlerContext ctx,
      FullHttpRequest req,
      QueryStringDecoder qs,
      Map<String, String> params) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : req.headers()) {
      headers
          .computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1))
          .add(h.getValue());
    }
    byte[] body = new byte[req.content().readableBytes()];
    req.content().getBytes(req.content().readerIndex(), body);
    Map<String, List<String>> form = Map.of();
    String ct = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
    if (ct != null
        && ct.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")
        && body.length > 0) {
      form =
          new QueryStringDecoder(
                  new String(body, StandardCharsets.UTF_8), StandardCharsets.UTF_8, false, 100_000)
              .parameters();
    }
    String uri = req.uri();
    int q = uri.indexOf('?');
    return new Request(
        req.method().name(),
        qs.path(),
        q < 0 ? "" : uri.substring(q + 1),
        Collections.unmodifiableMap(headers),
        Map.copyOf(params),
        qs.parameters(),
        form,
        body,
        (InetSocketAddress) ctx.channel().remoteAddress(),
        action -> {
          io.netty.channel.ChannelFutureListener l = f -> action.run();
          ctx.channel().closeFuture().addListener(l);
          return () -> ctx.channel().closeFuture().removeListener(l);
        });
  }

  /** Writes the response; returns the body size (-1 when streamed). */
  private static long write(
      ChannelHandlerContext ctx, HttpMethod method, Response resp, boolean keepAlive)
      throws IOException, InterruptedException {
    HttpResponseStatus status = HttpResponseStatus.valueOf(resp.status());
    boolean head = method.equals(HttpMethod.HEAD);
    if (resp.writer() == null) {
      byte[] body = resp.body() == null ? new byte[0] : resp.body();
      FullHttpResponse r =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              status,
              head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
      resp.headers().forEach((k, v) -> r.headers().set(k, v));
      HttpUtil.setContentLength(r, head ? 0 : body.length);
      if (!keepAlive) {
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
      ChannelFuture f = ctx.writeAndFlush(r);
      if (!keepAlive) {
        f.addListener(ChannelFutureListener.CLOSE);
      }
      return body.length;
    }
    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
    resp.headers().forEach((k, v) -> r.headers().set(k, v));
    HttpUtil.setTransferEncodingChunked(r, true);
    if (!keepAlive) {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    ctx.write(r);
    try (ChunkedOut out = new ChunkedOut(ctx)) {
      if (!head) {
        resp.writer().writeTo(out);
      }
    }
    ChannelFuture f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
    return -1;
  }

  /** Buffers body bytes into 64 KiB chunks; waits for the socket when Netty's buffer is full. */
  private static final class ChunkedOut extends OutputStream {
    private static final int CHUNK = 64 * 1024;
    private final ChannelHandlerContext ctx;
    private ByteBuf buf;

    ChunkedOut(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void write(int b) throws IOException {
      ensure();
      buf.writeByte(b);
      if (buf.writableBytes() == 0) {
        flushChunk();
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        ensure();
        int n = Math.min(len, buf.writableBytes());
        buf.writeBytes(b, off, n);
        off += n;
        len -= n;
        if (buf.writableBytes() == 0) {
          flushChunk();
        }
      }
    }

    private void ensure() throws IOException {
      if (!ctx.channel().isActive()) {
        throw new IOException("client closed the connection");
      }
      if (buf == null) {
        buf = ctx.alloc().buffer(CHUNK, CHUNK);
      }
    }

    private void flushChunk() throws IOException {
      if (buf == null || buf.readableBytes() == 0) {
        return;
      }
      ByteBuf b = buf;
      buf = null;
      ChannelFuture f = ctx.writeAndFlush(new DefaultHttpContent(b));
      if (!ctx.channel().isWritable()) {
        try {
          f.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while writing response", e);
        }
      }
      if (f.isDone() && !f.isSuccess()) {
        throw new IOException("writing response: " + f.cause().getMessage(), f.cause());
      }
    }

    @Override
    public void flush() throws IOException {
      flushChunk();
    }

    @Override
    public void close() throws IOException {
      try {
        flushChunk();
      } finally {
        if (buf != null) {
          buf.release();
          buf = null;
        }
      }
    }
  }
}
