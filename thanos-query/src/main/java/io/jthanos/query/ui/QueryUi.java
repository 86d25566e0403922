package io.jthanos.query.ui;

import io.jthanos.server.http.Router;
import io.jthanos.ui.UiShell;
import java.util.List;

/** The querier's web UI pages on the shared shell (script {@code io/jthanos/query/ui/query.js}). */
public final class QueryUi {
  /** Pages the querier serves (Thanos' routes for the query component). */
  public static final List<String> PAGES =
      List.of("/", "/graph", "/stores", "/alerts", "/rules", "/targets", "/status", "/flags");

  private final UiShell shell;

  public QueryUi(String externalPrefix, String prefixHeader) {
    this.shell =
        new UiShell(
            "query", "Thanos Query", "io/jthanos/query/ui/query.js", externalPrefix, prefixHeader);
  }

  public void register(Router r, String routePrefix) {
    shell.register(r, routePrefix, PAGES);
  }
}
