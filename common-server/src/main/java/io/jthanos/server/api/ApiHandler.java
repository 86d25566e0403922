package io.jthanos.server.api;

import io.jthanos.server.http.Request;

/** An API endpoint: returns data (and warnings) or throws {@link ApiException}. */
@FunctionalInterface
public interface ApiHandler {
  ApiResult handle(Request request) throws Exception;
}
