package io.jthanos.server.api;

import java.util.List;

/**
 * The successful outcome of an API call: {@code data} (serialised with Jackson, or written by a
 * {@link JsonWriter}) and warnings.
 */
public record ApiResult(Object data, List<String> warnings) {
  public ApiResult {
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }

  public static ApiResult of(Object data) {
    return new ApiResult(data, List.of());
  }

  public static ApiResult of(Object data, List<String> warnings) {
    return new ApiResult(data, warnings);
  }

  /** Writes {@code data} itself, for large results streamed without an intermediate tree. */
  @FunctionalInterface
  public interface JsonWriter {
    void write(com.fasterxml.jackson.core.JsonGenerator g) throws java.io.IOException;
  }
}
