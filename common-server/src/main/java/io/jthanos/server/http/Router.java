package io.jthanos.server.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Routes by method and path pattern, as Go's httprouter: segments are literal, {@code :name} (one
 * segment) or a final {@code *name} (the rest of the path, with its leading slash). Each route has
 * a handler name, used as the {@code handler} label of HTTP metrics.
 */
public final class Router {

  /** A registered route. */
  public record Route(String method, String pattern, String name, Handler handler) {}

  /** The outcome of matching a request. */
  public sealed interface Match {}

  public record Found(Route route, Map<String, String> params) implements Match {}

  /** The path exists for other methods. */
  public record MethodNotAllowed(List<String> allowed) implements Match {}

  public record NotFound() implements Match {}

  private final List<Route> routes = new CopyOnWriteArrayList<>();

  public Router get(String pattern, String name, Handler h) {
    return add("GET", pattern, name, h);
  }

  public Router post(String pattern, String name, Handler h) {
    return add("POST", pattern, name, h);
  }

  /** GET and POST (form body), as Prometheus' query endpoints. */
  public Router getAndPost(String pattern, String name, Handler h) {
    add("GET", pattern, name, h);
    return add("POST", pattern, name, h);
  }

  public Router options(String pattern, String name, Handler h) {
    return add("OPTIONS", pattern, name, h);
  }

  public Router add(String method, String pattern, String name, Handler h) {
    if (!pattern.startsWith("/")) {
      throw new IllegalArgumentException("route pattern must start with /: " + pattern);
    }
    routes.add(new Route(method, pattern, name, h));
    return this;
  }

  public List<Route> routes() {
    return List.copyOf(routes);
  }

  public Match match(String method, String path) {
    TreeSet<String> allowed = new TreeSet<>();
    for (Route r : routes) {
      Map<String, String> params = matchPath(r.pattern(), path);
      if (params == null) {
        continue;
      }
      boolean methodOk =
          r.method().equals(method) || (method.equals("HEAD") && r.method().equals("GET"));
      if (methodOk) {
        return new Found(r, params);
      }
      allowed.add(r.method());
    }
    return allowed.isEmpty() ? new NotFound() : new MethodNotAllowed(new ArrayList<>(allowed));
  }

  static Map<String, String> matchPath(String pattern, String path) {
    Map<String, String> params = new HashMap<>(4);
    int pi = 0;
    int si = 0;
    while (pi < pattern.length()) {
      char c = pattern.charAt(pi);
      if (c == '*') {
        params.put(pattern.substring(pi + 1), "/" + path.substring(Math.min(si, path.length())));
        return params;
      }
      if (c == ':') {
        int pend = pattern.indexOf('/', pi);
        if (pend < 0) {
          pend = pattern.length();
        }
        int send = path.indexOf('/', si);
        if (send < 0) {
          send = path.length();
        }
        if (send == si) {
          return null;
        }
        params.put(pattern.substring(pi + 1, pend), path.substring(si, send));
        pi = pend;
        si = send;
        continue;
      }
      if (si >= path.length() || path.charAt(si) != c) {
        // "/static/*path" also matches "/static" (empty rest)
        if (c == '/'
            && si == path.length()
            && pi + 1 < pattern.length()
            && pattern.charAt(pi + 1) == '*') {
          params.put(pattern.substring(pi + 2), "/");
          return params;
        }
        return null;
      }
      pi++;
      si++;
    }
    return si == path.length() ? params : null;
  }
}
