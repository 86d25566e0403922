package io.jthanos.promql;

/**
 * Engine settings, fixed for the engine's lifetime. Defaults follow Thanos' querier: 3.x semantics,
 * 5m lookback, 1m default subquery step ({@code --query.default-evaluation-interval}), 2m timeout,
 * a samples limit of {@code math.MaxInt32} (Thanos sets no lower limit), experimental functions and
 * delayed {@code __name__} removal off.
 *
 * @param maxSamples the most samples a query may hold in memory at once
 */
public record EngineOptions(
    PromqlSemantics semantics,
    long lookbackDeltaMs,
    long defaultEvaluationIntervalMs,
    long timeoutMs,
    long maxSamples,
    boolean experimentalFunctions,
    boolean delayedNameRemoval) {

  public static final long DEFAULT_MAX_SAMPLES = Integer.MAX_VALUE;

  public EngineOptions {
    if (semantics == null) {
      throw new IllegalArgumentException("semantics must be set");
    }
    if (lookbackDeltaMs <= 0) {
      throw new IllegalArgumentException("lookback delta must be positive");
    }
    if (defaultEvaluationIntervalMs <= 0) {
      throw new IllegalArgumentException("default evaluation interval must be positive");
    }
    if (timeoutMs <= 0) {
      throw new IllegalArgumentException("timeout must be positive");
    }
    if (maxSamples <= 0) {
      throw new IllegalArgumentException("max samples must be positive");
    }
  }

  public static EngineOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .semantics(semantics)
        .lookbackDeltaMs(lookbackDeltaMs)
        .defaultEvaluationIntervalMs(defaultEvaluationIntervalMs)
        .timeoutMs(timeoutMs)
        .maxSamples(maxSamples)
        .experimentalFunctions(experimentalFunctions)
        .delayedNameRemoval(delayedNameRemoval);
  }

  /** Builder with Thanos' defaults. */
  public static final class Builder {
    private PromqlSemantics semantics = PromqlSemantics.PROMETHEUS_3;
    private long lookbackDeltaMs = 5 * 60_000L;
    private long defaultEvaluationIntervalMs = 60_000L;
    private long timeoutMs = 2 * 60_000L;
    private long maxSamples = DEFAULT_MAX_SAMPLES;
    private boolean experimentalFunctions;
    private boolean delayedNameRemoval;

    public Builder semantics(PromqlSemantics v) {
      semantics = v;
      return this;
    }

    public Builder lookbackDeltaMs(long v) {
      lookbackDeltaMs = v;
      return this;
    }

    public Builder defaultEvaluationIntervalMs(long v) {
      defaultEvaluationIntervalMs = v;
      return this;
    }

    public Builder timeoutMs(long v) {
      timeoutMs = v;
      return this;
    }

    public Builder maxSamples(long v) {
      maxSamples = v;
      return this;
    }

    public Builder experimentalFunctions(boolean v) {
      experimentalFunctions = v;
      return this;
    }

    public Builder delayedNameRemoval(boolean v) {
      delayedNameRemoval = v;
      return this;
    }

    public EngineOptions build() {
      return new EngineOptions(
          semantics,
          lookbackDeltaMs,
          defaultEvaluationIntervalMs,
          timeoutMs,
          maxSamples,
          experimentalFunctions,
          delayedNameRemoval);
    }
  }
}
