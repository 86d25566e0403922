package io.jthanos.storeapi;

/**
 * Per-request limits of a StoreAPI server, as Thanos' {@code --store.limits.request-series}, {@code
 * --store.limits.request-samples} and {@code --store.grpc.downloaded-bytes-limit}; 0 = unlimited.
 * Samples are enforced as chunks, each counted as 120 samples (Thanos' {@code MaxSamplesPerChunk}).
 * A request going over a limit fails with {@code RESOURCE_EXHAUSTED}.
 *
 * @param series maximum series per Series call
 * @param samples maximum samples per Series call (enforced as {@code samples / 120} chunks)
 * @param bytes maximum label and chunk bytes per Series call
 */
public record StoreLimits(long series, long samples, long bytes) {
  /** Thanos' estimate of the samples in one chunk. */
  public static final int MAX_SAMPLES_PER_CHUNK = 120;

  public static final StoreLimits NONE = new StoreLimits(0, 0, 0);

  public StoreLimits {
    if (series < 0 || samples < 0 || bytes < 0) {
      throw new IllegalArgumentException("limits must not be negative");
    }
  }

  /** The chunk limit the samples limit stands for (0 = unlimited). */
  public long chunks() {
    return samples == 0 ? 0 : Math.max(1, samples / MAX_SAMPLES_PER_CHUNK);
  }
}
