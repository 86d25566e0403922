package io.jthanos.server.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP response: status, headers and either a body in memory or a {@link BodyWriter} that
 * streams it (sent chunked, with back-pressure).
 */
public final class Response {
  /** Streams a response body. */
  @FunctionalInterface
  public interface BodyWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  private final int status;
  private final Map<String, String> headers = new LinkedHashMap<>();
  private final byte[] body;
  private final BodyWriter writer;

  private Response(int status, String contentType, byte[] body, BodyWriter writer) {
    this.status = status;
    this.body = body;
    this.writer = writer;
    if (contentType != null) {
      headers.put("Content-Type", contentType);
    }
  }

  public static Response of(int status, String contentType, byte[] body) {
    return new Response(status, contentType, body, null);
  }

  public static Response text(int status, String text) {
    return of(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  public static Response json(int status, byte[] body) {
    return of(status, "application/json", body);
  }

  public static Response stream(int status, String contentType, BodyWriter writer) {
    return new Response(status, contentType, null, writer);
  }

  /** Sets a header (replacing any previous value); returns this. */
  public Response header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  public int status() {
    return status;
  }

  public Map<String, String> headers() {
    return headers;
  }

  /** The in-memory body, or null for a streamed response. */
  public byte[] body() {
    return body;
  }

  /** The body writer of a streamed response, or null. */
  public BodyWriter writer() {
    return writer;
  }
}
