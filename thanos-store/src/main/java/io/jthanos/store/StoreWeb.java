package io.jthanos.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.jthanos.block.fetcher.FetchResult;
import io.jthanos.block.metadata.Meta;
import io.jthanos.server.Component;
import io.jthanos.server.api.Api;
import io.jthanos.server.api.ApiResult;
import io.jthanos.server.http.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The store gateway's block viewer: {@code GET /api/v1/blocks} ({@code ?view=loaded} for the blocks
 * this gateway has loaded, otherwise every block its last meta sync saw) answering Thanos' {@code
 * {blocks, label, refreshedAt, err}}, and the {@code /loaded} page listing loaded blocks.
 */
final class StoreWeb {
  private final StoreGateway gw;
  private final String prefix;
  private final String label;

  StoreWeb(StoreGateway gw, String externalPrefix, String label) {
    this.gw = gw;
    String p = externalPrefix == null ? "" : externalPrefix.trim();
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    this.prefix = p.isEmpty() || p.startsWith("/") ? p : "/" + p;
    this.label = label == null ? "" : label;
  }

  void register(Component c) {
    c.router()
        .get(
            "/api/v1/blocks",
            "blocks",
            c.api().wrap(req -> ApiResult.of(blocks("loaded".equals(req.param("view"))))));
    c.router().get("/loaded", "loaded", req -> html());
    c.router()
        .get(
            "/", "root", req -> Response.text(302, "Found").header("Location", prefix + "/loaded"));
  }

  private static JsonNode json(Meta m) {
    try {
      return Api.JSON.readTree(m.toJson());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Map<String, Object> blocks(boolean loaded) {
    Collection<Meta> metas;
    if (loaded) {
      metas = gw.store().loadedMetas();
    } else {
      FetchResult r = gw.lastFetch();
      metas = r == null ? List.of() : r.metas().values();
    }
    List<JsonNode> out = new ArrayList<>();
    for (Meta m : metas) {
      out.add(json(m));
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("blocks", out);
    d.put("label", label);
    Instant at = gw.refreshedAt();
    d.put(
        "refreshedAt",
        at == null ? "0001-01-01T00:00:00Z" : DateTimeFormatter.ISO_INSTANT.format(at));
    d.put("err", gw.lastError());
    return d;
  }

  private Response html() {
    StringBuilder sb = new StringBuilder(8192);
    sb.append(
            "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Loaded Blocks - Thanos Store</title>\n")
        .append("<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #ccc;padding:.3em .6em;font-size:.9em;text-align:left}")
        .append("th{background:#f3f3f3}code{font-size:.95em}</style></head><body>\n")
        .append("<nav><a href=\"")
        .append(esc(prefix))
        .append("/loaded\">Loaded Blocks</a></nav>\n")
        .append("<h1>Loaded Blocks</h1>\n");
    Instant at = gw.refreshedAt();
    sb.append("<p>Refreshed at: ").append(at == null ? "never" : esc(at.toString()));
    if (gw.lastError() != null) {
      sb.append(" &mdash; error: ").append(esc(gw.lastError()));
    }
    List<Meta> metas = gw.store().loadedMetas();
    sb.append(" &mdash; ").append(metas.size()).append(" blocks</p>\n");
    sb.append("<table><thead><tr><th>ULID</th><th>From</th><th>Until</th><th>Resolution</th>")
        .append(
            "<th>Level</th><th>Series</th><th>Samples</th><th>Chunks</th><th>Source</th><th>Labels</th></tr></thead><tbody>\n");
    for (Meta m : metas) {
      sb.append("<tr><td><code>")
          .append(m.ulid())
          .append("</code></td><td>")
          .append(Instant.ofEpochMilli(m.minTime()))
          .append("</td><td>")
          .append(Instant.ofEpochMilli(m.maxTime()))
          .append("</td><td>")
          .append(resolution(m.resolution()))
          .append("</td><td>")
          .append(m.block().compaction() == null ? 0 : m.block().compaction().level())
          .append("</td><td>")
          .append(m.block().stats() == null ? 0 : m.block().stats().numSeries())
          .append("</td><td>")
          .append(m.block().stats() == null ? 0 : m.block().stats().numSamples())
          .append("</td><td>")
          .append(m.block().stats() == null ? 0 : m.block().stats().numChunks())
          .append("</td><td>")
          .append(esc(m.thanos() == null ? "" : m.thanos().source()))
          .append("</td><td>")
          .append(esc(io.jthanos.tsdb.labels.Labels.fromMap(m.labels()).toString()))
          .append("</td></tr>\n");
    }
    sb.append("</tbody></table>\n</body></html>\n");
    return Response.of(
        200, "text/html; charset=utf-8", sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static String resolution(long ms) {
    if (ms == 0) {
      return "raw";
    }
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    return ms / 60_000 + "m";
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
