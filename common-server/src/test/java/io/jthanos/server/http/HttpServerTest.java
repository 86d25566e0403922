package io.jthanos.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.server.EventLoops;
import io.jthanos.server.HostPort;
import io.jthanos.server.api.Api;
import io.jthanos.server.api.ApiException;
import io.jthanos.server.api.ApiResult;
import io.jthanos.server.api.ErrorType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HttpServerTest {
  private static EventLoops loops;
  private static HttpServer server;
  private static SimpleMeterRegistry registry;
  private static String base;
  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final java.util.concurrent.CountDownLatch SLOW_STARTED =
      new java.util.concurrent.CountDownLatch(1);
  private static final java.util.concurrent.CountDownLatch SLOW_CANCELLED =
      new java.util.concurrent.CountDownLatch(1);

  @BeforeAll
  static void start() throws Exception {
    loops = new EventLoops(2);
    registry = new SimpleMeterRegistry();
    Api api = new Api(true);
    Router r = new Router();
    r.getAndPost(
        "/api/v1/echo",
        "echo",
        api.wrap(
            req ->
                ApiResult.of(
                    Map.of("match", req.params("match[]"), "q", String.valueOf(req.param("q"))),
                    List.of("partial response"))));
    r.get(
        "/api/v1/label/:name/values",
        "label_values",
        api.wrap(req -> ApiResult.of(List.of(req.pathParam("name")))));
    r.get(
        "/api/v1/fail/:type",
        "fail",
        api.wrap(
            req -> {
              throw new ApiException(
                  ErrorType.valueOf(req.pathParam("type").toUpperCase()), "it failed");
            }));
    r.get(
        "/stream",
        "stream",
        req ->
            Response.stream(
                200,
                "text/plain",
                out -> {
                  byte[] line = "0123456789abcdef\n".getBytes(StandardCharsets.US_ASCII);
                  for (int i = 0; i < 20_000; i++) {
                    out.write(line);
                  }
                }));
    r.get(
        "/slow",
        "slow",
        req -> {
          // Works until the client goes away, as a long query would.
          java.util.concurrent.CountDownLatch gone = new java.util.concurrent.CountDownLatch(1);
          try (AutoCloseable reg = req.onDisconnect(gone::countDown)) {
            SLOW_STARTED.countDown();
            if (gone.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
              SLOW_CANCELLED.countDown();
            }
          }
          return Response.text(200, "done");
        });
    r.options("/api/v1/*path", "options", api.options());
    server =
        new HttpServer(
            "http",
            new HttpServerConfig(
                new HostPort("127.0.0.1", 0), Duration.ofSeconds(5), WebConfig.none()),
            r,
            loops,
            registry);
    server.start();
    base = "http://127.0.0.1:" + server.boundAddress().getPort();
  }

  @AfterAll
  static void stop() {
    server.stop();
    loops.close();
  }

  private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void repeatedQueryAndFormParamsWithEnvelopeWarningsAndCors() throws Exception {
    HttpResponse<String> get =
        send(HttpRequest.newBuilder(URI.create(base + "/api/v1/echo?match[]=a&match[]=b&q=1")));
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body())
        .startsWith("{\"status\":\"success\",\"data\":{")
        .contains("\"match\":[\"a\",\"b\"]", "\"q\":\"1\"")
        .endsWith(",\"warnings\":[\"partial response\"]}");
    assertThat(get.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(get.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    assertThat(get.headers().firstValue("Cache-Control")).hasValue("no-store");

    HttpResponse<String> post =
        send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/echo?match[]=fromquery&q=query"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("match%5B%5D=x&match[]=y%20z&q=form")));
    assertThat(post.body()).contains("\"match\":[\"x\",\"y z\",\"fromquery\"]", "\"q\":\"form\"");
  }

  @Test
  void pathParamsErrorsAndUnknownRoutes() throws Exception {
    assertThat(send(HttpRequest.newBuilder(URI.create(base + "/api/v1/label/job/values"))).body())
        .isEqualTo("{\"status\":\"success\",\"data\":[\"job\"]}");
    for (ErrorType t : ErrorType.values()) {
      HttpResponse<String> r =
          send(HttpRequest.newBuilder(URI.create(base + "/api/v1/fail/" + t.name().toLowerCase())));
      assertThat(r.statusCode()).isEqualTo(t.httpStatus());
      assertThat(r.body())
          .isEqualTo(
              "{\"status\":\"error\",\"errorType\":\"" + t.wire() + "\",\"error\":\"it failed\"}");
    }
    assertThat(send(HttpRequest.newBuilder(URI.create(base + "/nope"))).statusCode())
        .isEqualTo(404);
    HttpResponse<String> notAllowed =
        send(HttpRequest.newBuilder(URI.create(base + "/api/v1/label/a/values")).DELETE());
    assertThat(notAllowed.statusCode()).isEqualTo(405);
    HttpResponse<String> options =
        send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/query"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertThat(options.statusCode()).isEqualTo(200);
    assertThat(options.headers().firstValue("Access-Control-Allow-Methods"))
        .hasValue("GET, POST, OPTIONS");
  }

  @Test
  void gzipAndStreaming() throws Exception {
    HttpResponse<byte[]> gz =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(base + "/stream"))
                .header("Accept-Encoding", "gzip")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
    byte[] plain;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
      plain = in.readAllBytes();
    }
    assertThat(plain).hasSize(20_000 * 17);
    assertThat(gz.body().length).isLessThan(plain.length / 10);

    HttpResponse<String> raw = send(HttpRequest.newBuilder(URI.create(base + "/stream")));
    assertThat(raw.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(raw.body()).hasSize(20_000 * 17).startsWith("0123456789abcdef\n");
  }

  @Test
  void requestMetrics() throws Exception {
    send(HttpRequest.newBuilder(URI.create(base + "/api/v1/label/x/values")));
    assertThat(
            registry
                .get("http_requests")
                .tags("code", "200", "handler", "label_values", "method", "get")
                .counter()
                .count())
        .isGreaterThanOrEqualTo(1);
    assertThat(
            registry.get("http_request_duration").tags("handler", "label_values").timer().count())
        .isGreaterThanOrEqualTo(1);
    OutputStream unused = OutputStream.nullOutputStream();
    unused.close();
  }

  @Test
  void handlerLearnsWhenTheClientGoesAway() throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.boundAddress().getPort())) {
      s.getOutputStream()
          .write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      assertThat(SLOW_STARTED.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
    assertThat(SLOW_CANCELLED.await(30, java.util.concurrent.TimeUnit.SECONDS))
        .as("disconnect callback ran while the handler was still working")
        .isTrue();
  }
}
