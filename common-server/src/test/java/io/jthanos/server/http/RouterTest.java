package io.jthanos.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouterTest {
  private final Handler h = r -> Response.text(200, "x");

  @Test
  void literalParamAndCatchAll() {
    Router r =
        new Router()
            .get("/api/v1/labels", "labels", h)
            .get("/api/v1/label/:name/values", "label_values", h)
            .get("/static/*filepath", "static", h);
    assertThat(r.match("GET", "/api/v1/labels")).isInstanceOf(Router.Found.class);
    Router.Found f = (Router.Found) r.match("GET", "/api/v1/label/job/values");
    assertThat(f.route().name()).isEqualTo("label_values");
    assertThat(f.params()).containsEntry("name", "job");
    Router.Found s = (Router.Found) r.match("GET", "/static/js/app.js");
    assertThat(s.params()).containsEntry("filepath", "/js/app.js");
    assertThat(r.match("GET", "/api/v1/label//values")).isInstanceOf(Router.NotFound.class);
    assertThat(r.match("GET", "/api/v1/labelsx")).isInstanceOf(Router.NotFound.class);
    assertThat(r.match("GET", "/api/v1")).isInstanceOf(Router.NotFound.class);
  }

  @Test
  void methodNotAllowedListsAllowed() {
    Router r = new Router().getAndPost("/api/v1/query", "query", h);
    assertThat(r.match("POST", "/api/v1/query")).isInstanceOf(Router.Found.class);
    assertThat(r.match("HEAD", "/api/v1/query")).isInstanceOf(Router.Found.class);
    assertThat(r.match("DELETE", "/api/v1/query"))
        .isEqualTo(new Router.MethodNotAllowed(java.util.List.of("GET", "POST")));
  }
}
