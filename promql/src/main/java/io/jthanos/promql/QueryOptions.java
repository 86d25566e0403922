package io.jthanos.promql;

/**
 * Per-request settings; zero means "use the engine's default".
 *
 * @param lookbackDeltaMs the {@code lookback_delta} request parameter
 * @param timeoutMs the {@code timeout} request parameter
 */
public record QueryOptions(long lookbackDeltaMs, long timeoutMs) {
  public static final QueryOptions DEFAULT = new QueryOptions(0, 0);

  public QueryOptions {
    if (lookbackDeltaMs < 0) {
      throw new IllegalArgumentException("negative lookback delta");
    }
    if (timeoutMs < 0) {
      throw new IllegalArgumentException("negative timeout");
    }
  }
}
