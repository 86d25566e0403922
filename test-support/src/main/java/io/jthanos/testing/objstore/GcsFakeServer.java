package io.jthanos.testing.objstore;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small Google Cloud Storage JSON API server on 127.0.0.1 for tests: object insert (media,
 * multipart and resumable uploads), download with {@code alt=media} and {@code Range}, metadata,
 * list with prefix, delimiter and page tokens, and delete. It is our reading of the API, not
 * Google's implementation: passing against it proves the client code paths, not GCS behaviour.
 * Point clients at {@link #endpoint()} (or {@code STORAGE_EMULATOR_HOST=}{@link #hostPort()}).
 */
public final class GcsFakeServer implements AutoCloseable {
  private record Obj(byte[] data, long generation, Instant updated) {}

  private record Session(String bucket, String name, ByteArrayOutputStream data) {}

  private static final Pattern OBJECT =
      Pattern.compile("^/(?:download/)?storage/v1/b/([^/]+)/o/(.+)$");
  private static final Pattern OBJECTS = Pattern.compile("^/storage/v1/b/([^/]+)/o/?$");
  private static final Pattern UPLOAD = Pattern.compile("^/upload/storage/v1/b/([^/]+)/o/?$");
  private static final Pattern BUCKET = Pattern.compile("^/storage/v1/b/([^/]+)/?$");

  private final HttpServer server;
  private final Map<String, NavigableMap<String, Obj>> buckets = new ConcurrentHashMap<>();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final AtomicLong generations = new AtomicLong(1_000_000);
  private final AtomicLong sessionIds = new AtomicLong();
  private final int pageSize;

  private GcsFakeServer(int pageSize) throws IOException {
    this.pageSize = pageSize;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a server listing at most 1000 items per page (as GCS). */
  public static GcsFakeServer start() throws IOException {
    return new GcsFakeServer(1000);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String hostPort() {
    return "127.0.0.1:" + port();
  }

  public String endpoint() {
    return "http://" + hostPort();
  }

  public void createBucket(String name) {
    buckets.putIfAbsent(name, new ConcurrentSkipListMap<>(GcsFakeServer::utf8Order));
  }

  /** Names of the objects in a bucket, for assertions. */
  public List<String> objectNames(String bucket) {
    return new ArrayList<>(buckets.getOrDefault(bucket, new ConcurrentSkipListMap<>()).keySet());
  }

  /** Resumable uploads started but neither finished nor cancelled. */
  public int openUploadSessions() {
    return sessions.size();
  }

  private static int utf8Order(String a, String b) {
    return Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    server.stop(0);
  }

  // ---- dispatch ----

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      Map<String, String> q = query(ex.getRequestURI().getRawQuery());
      String method = ex.getRequestMethod();
      Matcher m;
      if ((m = UPLOAD.matcher(path)).matches()) {
        upload(ex, decode(m.group(1)), q);
      } else if ((m = OBJECT.matcher(path)).matches()) {
        String bucket = decode(m.group(1));
        String name = decode(m.group(2));
        switch (method) {
          case "GET" -> {
            if ("media".equals(q.get("alt"))) {
              download(ex, bucket, name);
            } else {
              metadata(ex, bucket, name);
            }
          }
          case "DELETE" -> delete(ex, bucket, name);
          default -> error(ex, 405, "methodNotAllowed", method + " " + path);
        }
      } else if ((m = OBJECTS.matcher(path)).matches() && method.equals("GET")) {
        list(ex, decode(m.group(1)), q);
      } else if ((m = BUCKET.matcher(path)).matches() && method.equals("GET")) {
        String b = decode(m.group(1));
        if (!buckets.containsKey(b)) {
          error(ex, 404, "notFound", "The specified bucket does not exist.");
        } else {
          json(
              ex,
              200,
              "{\"kind\":\"storage#bucket\",\"name\":" + str(b) + ",\"id\":" + str(b) + "}");
        }
      } else {
        ex.getRequestBody().readAllBytes();
        error(ex, 404, "notFound", "no such endpoint in the fake: " + method + " " + path);
      }
    } catch (RuntimeException e) {
      error(ex, 500, "internalError", e.toString());
    }
  }

  private NavigableMap<String, Obj> bucket(HttpExchange ex, String name) throws IOException {
    NavigableMap<String, Obj> b = buckets.get(name);
    if (b == null) {
      ex.getRequestBody().readAllBytes();
      error(ex, 404, "notFound", "The specified bucket does not exist.");
    }
    return b;
  }

  // ---- objects ----

  private void metadata(HttpExchange ex, String bucket, String name) throws IOException {
    NavigableMap<String, Obj> b = bucket(ex, bucket);
    if (b == null) {
      return;
    }
    Obj o = b.get(name);
    if (o == null) {
      error(ex, 404, "notFound", "No such object: " + bucket + "/" + name);
      return;
    }
    json(ex, 200, objectJson(bucket, name, o));
  }

  private void download(HttpExchange ex, String bucket, String name) throws IOException {
    NavigableMap<String, Obj> b = bucket(ex, bucket);
    if (b == null) {
      return;
    }
    Obj o = b.get(name);
    if (o == null) {
      error(ex, 404, "notFound", "No such object: " + bucket + "/" + name);
      return;
    }
    String gen = query(ex.getRequestURI().getRawQuery()).get("generation");
    if (gen != null && Long.parseLong(gen) != o.generation) {
      error(ex, 404, "notFound", "No such object generation: " + bucket + "/" + name + "#" + gen);
      return;
    }
    byte[] d = o.data;
    long from = 0;
    long to = d.length - 1L;
    String range = ex.getRequestHeaders().getFirst("Range");
    boolean partial = false;
    if (range != null && range.startsWith("bytes=")) {
      String[] p = range.substring(6).split("-", -1);
      if (p[0].isEmpty()) {
        long suffix = Long.parseLong(p[1]);
        from = Math.max(0, d.length - suffix);
      } else {
        from = Long.parseLong(p[0]);
        if (!p[1].isEmpty()) {
          to = Math.min(to, Long.parseLong(p[1]));
        }
      }
      if (from >= d.length) {
        ex.getResponseHeaders().set("Content-Range", "bytes */" + d.length);
        error(ex, 416, "requestedRangeNotSatisfiable", "The requested range cannot be satisfied.");
        return;
      }
      partial = true;
    }
    long n = Math.max(0, to - from + 1);
    ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
    ex.getResponseHeaders().set("x-goog-generation", Long.toString(o.generation));
    ex.getResponseHeaders().set("x-goog-stored-content-length", Integer.toString(d.length));
    if (partial) {
      ex.getResponseHeaders()
          .set("Content-Range", "bytes " + from + "-" + (from + n - 1) + "/" + d.length);
    }
    ex.sendResponseHeaders(partial ? 206 : 200, n == 0 ? -1 : n);
    if (n > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(d, (int) from, (int) n);
      }
    }
  }

  private void delete(HttpExchange ex, String bucket, String name) throws IOException {
    NavigableMap<String, Obj> b = bucket(ex, bucket);
    if (b == null) {
      return;
    }
    if (b.remove(name) == null) {
      error(ex, 404, "notFound", "No such object: " + bucket + "/" + name);
      return;
    }
    ex.sendResponseHeaders(204, -1);
  }

  private void list(HttpExchange ex, String bucket, Map<String, String> q) throws IOException {
    NavigableMap<String, Obj> b = bucket(ex, bucket);
    if (b == null) {
      return;
    }
    String prefix = q.getOrDefault("prefix", "");
    String delim = q.getOrDefault("delimiter", "");
    String token = q.get("pageToken");
    int max = Math.min(pageSize, Integer.parseInt(q.getOrDefault("maxResults", "1000")));
    List<String> items = new ArrayList<>();
    TreeSet<String> prefixes = new TreeSet<>(GcsFakeServer::utf8Order);
    String next = null;
    int count = 0;
    for (String k : b.tailMap(token != null ? token : prefix, true).keySet()) {
      if (!k.startsWith(prefix)) {
        if (utf8Order(k, prefix) > 0) {
          break;
        }
        continue;
      }
      String entry = k;
      if (!delim.isEmpty()) {
        int i = k.indexOf(delim, prefix.length());
        if (i >= 0) {
          entry = k.substring(0, i + delim.length());
        }
      }
      boolean isPrefix = !entry.equals(k);
      if (isPrefix && prefixes.contains(entry)) {
        continue;
      }
      if (count == max) {
        next = k;
        break;
      }
      count++;
      if (isPrefix) {
        prefixes.add(entry);
      } else {
        items.add(entry);
      }
    }
    StringBuilder sb = new StringBuilder("{\"kind\":\"storage#objects\"");
    if (!items.isEmpty()) {
      sb.append(",\"items\":[");
      for (int i = 0; i < items.size(); i++) {
        sb.append(i == 0 ? "" : ",").append(objectJson(bucket, items.get(i), b.get(items.get(i))));
      }
      sb.append(']');
    }
    if (!prefixes.isEmpty()) {
      sb.append(",\"prefixes\":[");
      int i = 0;
      for (String p : prefixes) {
        sb.append(i++ == 0 ? "" : ",").append(str(p));
      }
      sb.append(']');
    }
    if (next != null) {
      sb.append(",\"nextPageToken\":").append(str(next));
    }
    json(ex, 200, sb.append('}').toString());
  }

  // ---- uploads ----

  private void upload(HttpExchange ex, String bucket, Map<String, String> q) throws IOException {
    String type = q.getOrDefault("uploadType", "");
    String method = ex.getRequestMethod();
    if (bucket(ex, bucket) == null) {
      return;
    }
    if (type.equals("resumable") && q.containsKey("upload_id")) {
      resumableChunk(ex, q.get("upload_id"));
      return;
    }
    byte[] body = body(ex);
    if (!method.equals("POST")) {
      error(ex, 405, "methodNotAllowed", method);
      return;
    }
    switch (type) {
      case "media" -> store(ex, bucket, q.get("name"), body);
      case "multipart" -> {
        String ct = ex.getRequestHeaders().getFirst("Content-Type");
        Matcher bm = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(ct == null ? "" : ct);
        if (!bm.find()) {
          error(ex, 400, "invalid", "multipart upload without boundary");
          return;
        }
        List<byte[]> parts = multipart(body, bm.group(1));
        if (parts.size() != 2) {
          error(ex, 400, "invalid", "multipart upload needs 2 parts, got " + parts.size());
          return;
        }
        String meta = new String(parts.get(0), StandardCharsets.UTF_8);
        store(ex, bucket, jsonString(meta, "name"), parts.get(1));
      }
      case "resumable" -> {
        String name = q.get("name");
        if (name == null) {
          name = jsonString(new String(body, StandardCharsets.UTF_8), "name");
        }
        String id = "s" + sessionIds.incrementAndGet();
        sessions.put(id, new Session(bucket, name, new ByteArrayOutputStream()));
        String base =
            "http://" + ex.getRequestHeaders().getFirst("Host") + ex.getRequestURI().getRawPath();
        ex.getResponseHeaders()
            .set(
                "Location",
                base + "?uploadType=resumable&upload_id=" + id + "&name=" + encode(name));
        ex.getResponseHeaders().set("X-GUploader-UploadID", id);
        ex.sendResponseHeaders(200, -1);
      }
      default -> error(ex, 400, "invalid", "unsupported uploadType " + type);
    }
  }

  private void resumableChunk(HttpExchange ex, String id) throws IOException {
    Session s = sessions.get(id);
    byte[] body = body(ex);
    if (s == null) {
      error(ex, 404, "notFound", "no upload session " + id);
      return;
    }
    if (ex.getRequestMethod().equals("DELETE")) {
      sessions.remove(id);
      ex.sendResponseHeaders(499, -1);
      return;
    }
    // Content-Range: bytes a-b/total | bytes a-b/* | bytes */total | bytes */*
    String cr = ex.getRequestHeaders().getFirst("Content-Range");
    long total = -1;
    synchronized (s) {
      if (cr != null && cr.startsWith("bytes ")) {
        String[] p = cr.substring(6).split("/");
        if (!p[1].equals("*")) {
          total = Long.parseLong(p[1]);
        }
        if (!p[0].equals("*")) {
          long start = Long.parseLong(p[0].split("-")[0]);
          long have = s.data.size();
          if (start > have) {
            error(ex, 400, "invalid", "chunk starts at " + start + " but have " + have);
            return;
          }
          // Chunks may overlap what we have (a retried chunk): keep what is new.
          int skip = (int) (have - start);
          if (skip < body.length) {
            s.data.write(body, skip, body.length - skip);
          }
        }
      } else {
        s.data.write(body, 0, body.length);
        total = s.data.size();
      }
      long have = s.data.size();
      if (total >= 0 && have >= total) {
        sessions.remove(id);
        store(ex, s.bucket, s.name, s.data.toByteArray());
        return;
      }
      if (have > 0) {
        ex.getResponseHeaders().set("Range", "bytes=0-" + (have - 1));
      }
      ex.sendResponseHeaders(308, -1);
    }
  }

  private void store(HttpExchange ex, String bucket, String name, byte[] data) throws IOException {
    if (name == null || name.isEmpty()) {
      error(ex, 400, "required", "object name required");
      return;
    }
    Obj o = new Obj(data, generations.incrementAndGet(), Instant.now());
    buckets.get(bucket).put(name, o);
    json(ex, 200, objectJson(bucket, name, o));
  }

  /** The request body, gunzipped when the client compressed it (google-http-client does). */
  private static byte[] body(HttpExchange ex) throws IOException {
    byte[] raw = ex.getRequestBody().readAllBytes();
    String enc = ex.getRequestHeaders().getFirst("Content-Encoding");
    if (enc != null && enc.equalsIgnoreCase("gzip")) {
      try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
        return in.readAllBytes();
      }
    }
    return raw;
  }

  private static List<byte[]> multipart(byte[] body, String boundary) {
    byte[] delim = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    List<byte[]> parts = new ArrayList<>();
    int i = indexOf(body, delim, 0);
    while (i >= 0) {
      int start = i + delim.length;
      if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
        break;
      }
      int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
      int next = indexOf(body, delim, headersEnd + 4);
      if (headersEnd < 0 || next < 0) {
        break;
      }
      int end = next - 2; // the CRLF before the delimiter
      parts.add(Arrays.copyOfRange(body, headersEnd + 4, Math.max(headersEnd + 4, end)));
      i = next;
    }
    return parts;
  }

  private static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = Math.max(0, from); i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  // ---- JSON and URL helpers ----

  private static String objectJson(String bucket, String name, Obj o) {
    String ts = o.updated.toString();
    return "{\"kind\":\"storage#object\",\"id\":"
        + str(bucket + "/" + name + "/" + o.generation)
        + ",\"name\":"
        + str(name)
        + ",\"bucket\":"
        + str(bucket)
        + ",\"generation\":\""
        + o.generation
        + "\",\"metageneration\":\"1\",\"contentType\":\"application/octet-stream\""
        + ",\"size\":\""
        + o.data.length
        + "\",\"timeCreated\":\""
        + ts
        + "\",\"updated\":\""
        + ts
        + "\",\"storageClass\":\"STANDARD\"}";
  }

  private static String str(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  /** The string value of a top-level key in a small JSON object (our uploads' metadata). */
  private static String jsonString(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
    if (!m.find()) {
      return null;
    }
    String raw = m.group(1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\\' && i + 1 < raw.length()) {
        char n = raw.charAt(++i);
        switch (n) {
          case 'u' -> {
            sb.append((char) Integer.parseInt(raw.substring(i + 1, i + 5), 16));
            i += 4;
          }
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case 'r' -> sb.append('\r');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          default -> sb.append(n);
        }
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static void json(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  private static void error(HttpExchange ex, int status, String reason, String message)
      throws IOException {
    json(
        ex,
        status,
        "{\"error\":{\"code\":"
            + status
            + ",\"message\":"
            + str(message)
            + ",\"errors\":[{\"domain\":\"global\",\"reason\":"
            + str(reason)
            + ",\"message\":"
            + str(message)
            + "}]}}");
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> m = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return m;
    }
    for (String kv : raw.split("&")) {
      int eq = kv.indexOf('=');
      String k = eq < 0 ? kv : kv.substring(0, eq);
      String v = eq < 0 ? "" : kv.substring(eq + 1);
      m.put(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return m;
  }

  /** Percent-decoding of a path segment ("+" stays "+"). */
  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
