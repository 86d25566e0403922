package io.jthanos.server.http;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP request as handlers see it: method, path, path parameters from the route, query and form
 * parameters (repeated keys kept, as {@code match[]}), headers and the body.
 */
public final class Request {
  private final String method;
  private final String path;
  private final String rawQuery;
  private final Map<String, List<String>> headers;
  private final Map<String, String> pathParams;
  private final Map<String, List<String>> query;
  private final Map<String, List<String>> form;
  private final byte[] body;
  private final InetSocketAddress remote;
  private final DisconnectSource disconnects;

  /**
   * Registers an action to run when the client's connection closes; closing the returned handle
   * unregisters it.
   */
  @FunctionalInterface
  public interface DisconnectSource {
    AutoCloseable register(Runnable action);
  }

  private static final DisconnectSource NEVER = action -> () -> {};

  public Request(
      String method,
      String path,
      String rawQuery,
      Map<String, List<String>> headers,
      Map<String, String> pathParams,
      Map<String, List<String>> query,
      Map<String, List<String>> form,
      byte[] body,
      InetSocketAddress remote) {
    this(method, path, rawQuery, headers, pathParams, query, form, body, remote, NEVER);
  }

  public Request(
      String method,
      String path,
      String rawQuery,
      Map<String, List<String>> headers,
      Map<String, String> pathParams,
      Map<String, List<String>> query,
      Map<String, List<String>> form,
      byte[] body,
      InetSocketAddress remote,
      DisconnectSource disconnects) {
    this.method = method;
    this.path = path;
    this.rawQuery = rawQuery;
    this.headers = headers;
    this.pathParams = pathParams;
    this.query = query;
    this.form = form;
    this.body = body;
    this.remote = remote;
    this.disconnects = disconnects == null ? NEVER : disconnects;
  }

  /**
   * Runs {@code action} if the client goes away (its connection closes) before the returned handle
   * is closed, so long-running handlers can cancel their work. Use with try-with-resources around
   * the work.
   */
  public AutoCloseable onDisconnect(Runnable action) {
    return disconnects.register(action);
  }

  public String method() {
    return method;
  }

  /** The decoded path, without the query string. */
  public String path() {
    return path;
  }

  /** The query string as sent (without {@code ?}), empty if none. */
  public String rawQuery() {
    return rawQuery;
  }

  /** A path parameter of the matched route ({@code :name} or {@code *name}). */
  public String pathParam(String name) {
    return pathParams.get(name);
  }

  /**
   * The first value of a parameter, as Go's {@code FormValue}: form body values take precedence
   * over the query string. Null when absent.
   */
  public String param(String name) {
    List<String> f = form.get(name);
    if (f != null && !f.isEmpty()) {
      return f.get(0);
    }
    List<String> q = query.get(name);
    return q != null && !q.isEmpty() ? q.get(0) : null;
  }

  /** All values of a parameter: form body values first, then query string values. */
  public List<String> params(String name) {
    List<String> f = form.getOrDefault(name, List.of());
    List<String> q = query.getOrDefault(name, List.of());
    if (f.isEmpty()) {
      return q;
    }
    if (q.isEmpty()) {
      return f;
    }
    List<String> all = new ArrayList<>(f.size() + q.size());
    all.addAll(f);
    all.addAll(q);
    return Collections.unmodifiableList(all);
  }

  public Map<String, List<String>> queryParams() {
    return query;
  }

  public Map<String, List<String>> formParams() {
    return form;
  }

  /** The first value of a header (case-insensitive name), or null. */
  public String header(String name) {
    List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  public List<String> headers(String name) {
    return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
  }

  public byte[] body() {
    return body;
  }

  public String bodyUtf8() {
    return new String(body, StandardCharsets.UTF_8);
  }

  public InetSocketAddress remoteAddress() {
    return remote;
  }
}
