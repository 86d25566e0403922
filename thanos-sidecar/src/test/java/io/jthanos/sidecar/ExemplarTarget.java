package io.jthanos.sidecar;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scrape target on 127.0.0.1 exposing OpenMetrics with exemplars (Prometheus' own /metrics has
 * none): a counter that grows at every scrape, each sample carrying a new trace id.
 */
final class ExemplarTarget implements AutoCloseable {
  private final HttpServer server;
  private final AtomicLong scrapes = new AtomicLong();

  ExemplarTarget() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext(
        "/metrics",
        ex -> {
          long n = scrapes.incrementAndGet();
          String body =
              "# TYPE exemplar_requests counter\n"
                  + "# HELP exemplar_requests Requests served, with trace exemplars.\n"
                  + "exemplar_requests_total{path=\"/api\"} "
                  + n
                  + " # {trace_id=\"trace-"
                  + n
                  + "\"} 1.0\n"
                  + "# EOF\n";
          byte[] b = body.getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders()
              .set("Content-Type", "application/openmetrics-text; version=1.0.0; charset=utf-8");
          ex.sendResponseHeaders(200, b.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
          }
        });
    server.start();
  }

  /** {@code 127.0.0.1:<port>}. */
  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  long scrapes() {
    return scrapes.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
