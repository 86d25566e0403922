package io.jthanos.ui;

import io.jthanos.server.http.Request;
import io.jthanos.server.http.Response;
import io.jthanos.server.http.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Serves a component's web UI: the shared page shell ({@code index.html} with the navigation bar,
 * {@code shell.css}, {@code shell.js}), Chart.js from its WebJar at {@code
 * /static/vendor/chart.umd.js}, and the component's own script. Every page path answers the same
 * shell; the script renders the page for {@code location.pathname}.
 *
 * <p>Static layout (classpath): shared files under {@code io/jthanos/ui/static/}; a component adds
 * one script (e.g. {@code io/jthanos/query/ui/query.js}) served at {@code /static/<name>}. The
 * script calls {@code Shell.start({component, title, nav, pages})} (see {@code shell.js}).
 *
 * <p>Links and API calls use a prefix: {@code --web.external-prefix} when set, else the value of
 * the {@code --web.prefix-header} request header when configured, else the route prefix.
 *
 * <pre>{@code
 * new UiShell("store", "Thanos Store", "io/jthanos/store/ui/store.js", "", "")
 *     .register(router, routePrefix, List.of("/", "/loaded", "/status", "/flags"));
 * }</pre>
 */
public final class UiShell {
  private static final String BASE = "io/jthanos/ui/static/";

  private final String component;
  private final String title;
  private final String scriptName;
  private final byte[] script;
  private final String externalPrefix;
  private final String prefixHeader;
  private final String template;
  private final Map<String, byte[]> shared = new LinkedHashMap<>();

  /**
   * @param component the component type ({@code query}, {@code store}, ...)
   * @param title the page title
   * @param scriptResource classpath resource of the component's script
   * @param externalPrefix {@code --web.external-prefix} ("" = none)
   * @param prefixHeader {@code --web.prefix-header} ("" = none)
   */
  public UiShell(
      String component,
      String title,
      String scriptResource,
      String externalPrefix,
      String prefixHeader) {
    this.component = component;
    this.title = title;
    this.scriptName = scriptResource.substring(scriptResource.lastIndexOf('/') + 1);
    this.script = read(scriptResource);
    this.externalPrefix = trimSlash(externalPrefix == null ? "" : externalPrefix);
    this.prefixHeader = prefixHeader == null ? "" : prefixHeader;
    this.template = new String(read(BASE + "index.html"), StandardCharsets.UTF_8);
    shared.put("shell.js", read(BASE + "shell.js"));
    shared.put("shell.css", read(BASE + "shell.css"));
    shared.put("vendor/chart.umd.js", read(chartJs()));
  }

  /** The Chart.js bundle inside the WebJar on the classpath. */
  static String chartJs() {
    Properties p = new Properties();
    try (InputStream in =
        UiShell.class
            .getClassLoader()
            .getResourceAsStream("META-INF/maven/org.webjars/chartjs/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("chartjs webjar not on the classpath");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "META-INF/resources/webjars/chartjs/" + p.getProperty("version") + "/dist/chart.umd.js";
  }

  private static byte[] read(String resource) {
    try (InputStream in = UiShell.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing UI resource " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String trimSlash(String p) {
    String t = p.strip();
    while (t.endsWith("/")) {
      t = t.substring(0, t.length() - 1);
    }
    return t;
  }

  /** Registers the pages and static files under {@code routePrefix} ("" = root). */
  public void register(Router r, String routePrefix, List<String> pages) {
    for (String page : pages) {
      String path = page.equals("/") ? routePrefix + "/" : routePrefix + page;
      r.get(
          path,
          "ui" + (page.equals("/") ? "_root" : page.replace('/', '_')),
          req -> page(req, routePrefix));
    }
    r.get(routePrefix + "/static/*path", "ui_static", this::asset);
    r.get(routePrefix + "/favicon.ico", "ui_favicon", req -> Response.of(204, null, new byte[0]));
  }

  private String prefixFor(Request req, String routePrefix) {
    if (!externalPrefix.isEmpty()) {
      return externalPrefix;
    }
    if (!prefixHeader.isEmpty()) {
      String h = req.header(prefixHeader);
      if (h != null && !h.isBlank()) {
        return trimSlash(h);
      }
    }
    return routePrefix;
  }

  private Response page(Request req, String routePrefix) {
    String prefix = prefixFor(req, routePrefix);
    String html =
        template
            .replace("{{TITLE}}", escape(title))
            .replace("{{COMPONENT}}", escape(component))
            .replace("{{PREFIX}}", escape(prefix))
            .replace("{{SCRIPT}}", escape(scriptName));
    return Response.of(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8))
        .header("Cache-Control", "no-cache");
  }

  private Response asset(Request req) {
    String rel = req.pathParam("path");
    if (rel.startsWith("/")) {
      rel = rel.substring(1);
    }
    byte[] body = rel.equals(scriptName) ? script : shared.get(rel);
    if (body == null) {
      return Response.text(404, "404 page not found");
    }
    return Response.of(200, contentType(rel), body).header("Cache-Control", "no-cache");
  }

  static String contentType(String name) {
    if (name.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (name.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    return "application/octet-stream";
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
