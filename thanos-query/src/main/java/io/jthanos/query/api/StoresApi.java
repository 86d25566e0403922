package io.jthanos.query.api;

import io.jthanos.promql.json.PrometheusJson;
import io.jthanos.query.store.Endpoint;
import io.jthanos.query.store.EndpointSet;
import io.jthanos.server.api.Api;
import io.jthanos.server.api.ApiResult;
import io.jthanos.server.http.Router;
import io.jthanos.tsdb.labels.Labels;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/stores}: every known endpoint grouped by component type, with its label sets,
 * time range, last check and last error (Thanos' shape). Endpoints whose type is not known yet are
 * listed under {@code unknown}.
 */
public final class StoresApi {
  private final EndpointSet endpoints;

  public StoresApi(EndpointSet endpoints) {
    this.endpoints = endpoints;
  }

  public void register(Router r, Api api, String prefix) {
    r.get(
        prefix + "/api/v1/stores", "stores", api.wrap(req -> ApiResult.of(write(endpoints.all()))));
  }

  static ApiResult.JsonWriter write(List<Endpoint> all) {
    Map<String, List<Endpoint>> byType = new TreeMap<>();
    for (Endpoint e : all) {
      String t = e.componentType().isEmpty() ? "unknown" : e.componentType();
      byType.computeIfAbsent(t, k -> new ArrayList<>()).add(e);
    }
    return g -> {
      PrometheusJson.configure(g);
      g.writeStartObject();
      for (Map.Entry<String, List<Endpoint>> t : byType.entrySet()) {
        g.writeArrayFieldStart(t.getKey());
        for (Endpoint e : t.getValue()) {
          Endpoint.Status st = e.status();
          g.writeStartObject();
          g.writeStringField("name", e.address());
          g.writeStringField(
              "lastCheck",
              st.lastCheck() == null ? "0001-01-01T00:00:00Z" : rfc3339(st.lastCheck()));
          if (st.lastError() == null) {
            g.writeNullField("lastError");
          } else {
            g.writeStringField("lastError", st.lastError());
          }
          g.writeArrayFieldStart("labelSets");
          for (Labels l : e.labelSets()) {
            PrometheusJson.writeLabels(g, l);
          }
          g.writeEndArray();
          g.writeNumberField("minTime", st.info() == null ? 0 : e.minTime());
          g.writeNumberField("maxTime", st.info() == null ? 0 : e.maxTime());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    };
  }

  static String rfc3339(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t);
  }
}
