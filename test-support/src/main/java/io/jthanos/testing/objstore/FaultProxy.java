package io.jthanos.testing.objstore;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A fault-injecting HTTP/1.1 proxy on 127.0.0.1 in front of a loopback server (S3Proxy, Azurite,
 * the GCS fake). Clients use {@link #endpoint()} as their endpoint; requests pass through unchanged
 * (the {@code Host} header too, so signatures stay valid) unless a {@link Rule} matches: then the
 * proxy answers with an error status itself, or forwards only part of the request body and drops
 * both connections, as a client killed mid-upload would.
 */
public final class FaultProxy implements Closeable {

  /** One request as the proxy saw it. */
  public record Request(String method, String target, Map<String, String> headers) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String path() {
      int q = target.indexOf('?');
      return q < 0 ? target : target.substring(0, q);
    }

    public String query() {
      int q = target.indexOf('?');
      return q < 0 ? "" : target.substring(q + 1);
    }

    @Override
    public String toString() {
      return method + " " + target;
    }
  }

  /** What to do with a matching request. */
  public sealed interface Action permits Pass, Respond, Cut, Hold {}

  public record Pass() implements Action {}

  /** Answer with {@code status} without asking the server. */
  public record Respond(int status, String body) implements Action {}

  /** Forward the head and {@code bodyBytes} bytes of the body, then reset both connections. */
  public record Cut(long bodyBytes) implements Action {}

  /**
   * Hold the request (nothing is forwarded) until {@code release} opens or the proxy closes, then
   * pass it on: a paused or hanging bucket. If the client gave up meanwhile, the request dies.
   */
  public record Hold(CountDownLatch release) implements Action {}

  /** A rule applies {@code action} to the first {@code times} requests that match. */
  public static final class Rule {
    private final Predicate<Request> match;
    private final Action action;
    private final AtomicInteger remaining;
    private final AtomicInteger hits = new AtomicInteger();

    public Rule(Predicate<Request> match, Action action, int times) {
      this.match = match;
      this.action = action;
      this.remaining = new AtomicInteger(times);
    }

    Action apply(Request r) {
      if (match.test(r) && remaining.getAndDecrement() > 0) {
        hits.incrementAndGet();
        return action;
      }
      return null;
    }

    /** How many requests this rule acted on. */
    public int hits() {
      return hits.get();
    }
  }

  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<Request> seen = Collections.synchronizedList(new ArrayList<>());
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private volatile boolean closed;

  private FaultProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    this.acceptor = Thread.ofPlatform().daemon().name("fault-proxy-accept").start(this::acceptLoop);
  }

  /** Starts a proxy to {@code 127.0.0.1:targetPort}. */
  public static FaultProxy start(int targetPort) throws IOException {
    return new FaultProxy("127.0.0.1", targetPort);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  /** {@code 127.0.0.1:<port>}. */
  public String hostPort() {
    return "127.0.0.1:" + port();
  }

  public Rule add(Rule r) {
    rules.add(r);
    return r;
  }

  /** Answers the next {@code times} matching requests with {@code status}. */
  public Rule failNext(Predicate<Request> match, int times, int status) {
    return add(new Rule(match, new Respond(status, errorBody(status)), times));
  }

  /**
   * Holds the next {@code times} matching requests until {@code release} opens ({@link Rule#hits()}
   * tells how many arrived).
   */
  public Rule holdNext(Predicate<Request> match, int times, CountDownLatch release) {
    return add(new Rule(match, new Hold(release), times));
  }

  /** Drops the next matching request after {@code bodyBytes} bytes of its body. */
  public Rule cutNext(Predicate<Request> match, long bodyBytes) {
    return add(new Rule(match, new Cut(bodyBytes), 1));
  }

  public void clearRules() {
    rules.clear();
  }

  /** Every request seen so far, in order. */
  public List<Request> requests() {
    synchronized (seen) {
      return List.copyOf(seen);
    }
  }

  private static String errorBody(int status) {
    String code =
        switch (status) {
          case 403 -> "AccessDenied";
          case 404 -> "NoSuchKey";
          case 500 -> "InternalError";
          case 503 -> "SlowDown";
          default -> "Error" + status;
        };
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
        + code
        + "</Code><Message>injected by fault proxy</Message></Error>";
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket c = server.accept();
        open.add(c);
        Thread.ofVirtual().name("fault-proxy-conn").start(() -> serve(c));
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
        return;
      }
    }
  }

  private void serve(Socket client) {
    Socket upstream = null;
    try (client) {
      InputStream cin = new BufferedInputStream(client.getInputStream(), 65536);
      OutputStream cout = client.getOutputStream();
      InputStream uin = null;
      OutputStream uout = null;
      while (!closed) {
        Head head = readHead(cin);
        if (head == null) {
          return;
        }
        Request req = head.request();
        seen.add(req);
        Action action = new Pass();
        for (Rule r : rules) {
          Action a = r.apply(req);
          if (a != null) {
            action = a;
            break;
          }
        }
        if (action instanceof Hold hold) {
          while (!closed && !hold.release().await(50, TimeUnit.MILLISECONDS)) {
            // paused
          }
          if (closed) {
            return;
          }
        }
        boolean expectContinue = "100-continue".equalsIgnoreCase(req.header("expect"));
        if (action instanceof Respond resp) {
          boolean keep = !expectContinue && drainBody(cin, req);
          byte[] body = resp.body().getBytes(StandardCharsets.UTF_8);
          String h =
              "HTTP/1.1 "
                  + resp.status()
                  + " Injected\r\nContent-Type: application/xml\r\nContent-Length: "
                  + body.length
                  + "\r\n"
                  + (keep ? "" : "Connection: close\r\n")
                  + "\r\n";
          cout.write(h.getBytes(StandardCharsets.ISO_8859_1));
          if (!req.method().equals("HEAD")) {
            cout.write(body);
          }
          cout.flush();
          if (!keep) {
            return;
          }
          continue;
        }
        if (upstream == null) {
          upstream = new Socket();
          upstream.connect(new InetSocketAddress(targetHost, targetPort), 10_000);
          open.add(upstream);
          uin = new BufferedInputStream(upstream.getInputStream(), 65536);
          uout = upstream.getOutputStream();
        }
        uout.write(head.raw());
        uout.flush();
        if (expectContinue) {
          Head interim = readHead(uin);
          if (interim == null) {
            return;
          }
          if (interim.status() == 100) {
            cout.write(interim.raw());
            cout.flush();
          } else {
            // Final answer before the body: relay it and stop using this connection.
            cout.write(interim.raw());
            copyResponseBody(uin, cout, req, interim);
            cout.flush();
            return;
          }
        }
        if (action instanceof Cut cut) {
          copyBody(cin, uout, req, cut.bodyBytes());
          uout.flush();
          reset(upstream);
          reset(client);
          return;
        }
        copyBody(cin, uout, req, Long.MAX_VALUE);
        uout.flush();
        Head resp;
        do {
          resp = readHead(uin);
          if (resp == null) {
            return;
          }
          cout.write(resp.raw());
        } while (resp.status() == 100);
        boolean more = copyResponseBody(uin, cout, req, resp);
        cout.flush();
        if (!more || "close".equalsIgnoreCase(resp.headers().get("connection"))) {
          return;
        }
      }
    } catch (IOException e) {
      // A peer went away; both sides are closed below.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (upstream != null) {
        open.remove(upstream);
        try {
          upstream.close();
        } catch (IOException ignored) {
          // closing
        }
      }
      open.remove(client);
    }
  }

  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
      s.close();
    } catch (IOException ignored) {
      // already gone
    }
  }

  private record Head(byte[] raw, String first, Map<String, String> headers) {
    Request request() {
      String[] p = first.split(" ", 3);
      return new Request(p[0], p.length > 1 ? p[1] : "/", headers);
    }

    int status() {
      String[] p = first.split(" ", 3);
      return Integer.parseInt(p[1]);
    }
  }

  /** Reads up to and including the blank line; null at a clean end of stream. */
  private static Head readHead(InputStream in) throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream(512);
    int state = 0;
    while (state < 4) {
      int b = in.read();
      if (b < 0) {
        if (raw.size() == 0) {
          return null;
        }
        throw new EOFException("connection closed inside a message head");
      }
      raw.write(b);
      if (raw.size() > 1 << 20) {
        throw new IOException("message head too large");
      }
      state =
          switch (state) {
            case 0, 2 -> b == '\r' ? state + 1 : 0;
            case 1, 3 -> b == '\n' ? state + 1 : (b == '\r' ? 1 : 0);
            default -> 0;
          };
    }
    byte[] bytes = raw.toByteArray();
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    String[] lines = text.split("\r\n");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int c = lines[i].indexOf(':');
      if (c > 0) {
        headers.put(
            lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(c + 1).trim());
      }
    }
    return new Head(bytes, lines[0], headers);
  }

  private static boolean drainBody(InputStream in, Request r) throws IOException {
    copyBody(in, OutputStream.nullOutputStream(), r, Long.MAX_VALUE);
    return true;
  }

  /** Copies a request body (Content-Length or chunked), at most {@code limit} bytes. */
  private static void copyBody(InputStream in, OutputStream out, Request r, long limit)
      throws IOException {
    String te = r.header("transfer-encoding");
    if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      copyChunked(in, out, limit);
      return;
    }
    String cl = r.header("content-length");
    long n = cl == null ? 0 : Long.parseLong(cl);
    copyN(in, out, Math.min(n, limit));
  }

  /** Copies a response body; false when the connection cannot be reused. */
  private static boolean copyResponseBody(InputStream in, OutputStream out, Request req, Head resp)
      throws IOException {
    int status = resp.status();
    if (req.method().equals("HEAD") || status == 204 || status == 304 || status / 100 == 1) {
      return true;
    }
    String te = resp.headers().get("transfer-encoding");
    if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      copyChunked(in, out, Long.MAX_VALUE);
      return true;
    }
    String cl = resp.headers().get("content-length");
    if (cl != null) {
      copyN(in, out, Long.parseLong(cl));
      return true;
    }
    in.transferTo(out);
    return false;
  }

  private static void copyN(InputStream in, OutputStream out, long n) throws IOException {
    byte[] buf = new byte[65536];
    long left = n;
    while (left > 0) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (r < 0) {
        throw new EOFException("body cut short");
      }
      out.write(buf, 0, r);
      left -= r;
    }
  }

  private static void copyChunked(InputStream in, OutputStream out, long limit) throws IOException {
    long copied = 0;
    while (true) {
      String line = readLine(in);
      out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      int semi = line.indexOf(';');
      long size = Long.parseLong((semi < 0 ? line : line.substring(0, semi)).trim(), 16);
      if (size == 0) {
        // Trailers until an empty line.
        String t;
        do {
          t = readLine(in);
          out.write((t + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        } while (!t.isEmpty());
        return;
      }
      long take = Math.min(size, limit - copied);
      copyN(in, out, take);
      copied += take;
      if (take < size) {
        return;
      }
      String crlf = readLine(in);
      out.write((crlf + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        int len = sb.length();
        if (len > 0 && sb.charAt(len - 1) == '\r') {
          sb.setLength(len - 1);
        }
        return sb.toString();
      }
      sb.append((char) b);
    }
    throw new EOFException("connection closed inside a chunked body");
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
