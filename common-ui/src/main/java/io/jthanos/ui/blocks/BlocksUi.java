package io.jthanos.ui.blocks;

import io.jthanos.server.http.Response;
import io.jthanos.server.http.Router;
import io.jthanos.ui.UiShell;
import java.util.ArrayList;
import java.util.List;

/**
 * The block viewer pages on the shared UI shell: {@code /blocks} (every block of the bucket) and,
 * for components that work on a subset ({@code compact}, {@code store}), {@code /loaded}; {@code /}
 * redirects to {@code /blocks}. The page draws what {@link BlocksApi} serves.
 *
 * <pre>{@code
 * new BlocksUi("compact", externalPrefix, prefixHeader).register(router, routePrefix);
 * }</pre>
 */
public final class BlocksUi {
  private final String component;
  private final UiShell shell;

  /**
   * @param component {@code compact}, {@code store} or {@code tools} (no loaded view)
   */
  public BlocksUi(String component, String externalPrefix, String prefixHeader) {
    this.component = component;
    String title = component.equals("tools") ? "Thanos Bucket" : "Thanos " + capitalise(component);
    this.shell =
        new UiShell(
            component, title, "io/jthanos/ui/blocks/blocks.js", externalPrefix, prefixHeader);
  }

  private static String capitalise(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** Registers the pages under {@code routePrefix} ("" = root). */
  public void register(Router r, String routePrefix) {
    List<String> pages = new ArrayList<>(List.of("/blocks", "/status", "/flags"));
    if (!component.equals("tools")) {
      pages.add("/loaded");
    }
    String target = routePrefix + "/blocks";
    r.get(routePrefix + "/", "ui_root", req -> Response.text(302, "").header("Location", target));
    if (!routePrefix.isEmpty()) {
      r.get(routePrefix, "ui_prefix", req -> Response.text(302, "").header("Location", target));
    }
    shell.register(r, routePrefix, pages);
  }
}
