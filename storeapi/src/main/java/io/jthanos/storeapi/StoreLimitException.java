package io.jthanos.storeapi;

import io.grpc.Status;

/**
 * A request went over a configured limit; StoreAPI servers answer {@code RESOURCE_EXHAUSTED}.
 * Sources (for example a store gateway fetching postings) may throw it too.
 */
public class StoreLimitException extends StoreApiException {
  private final String reason;

  /**
   * @param reason which limit: {@code series}, {@code chunks} or {@code bytes} (the {@code reason}
   *     label of {@code thanos_store_selects_dropped_total})
   */
  public StoreLimitException(String reason, String message) {
    super(Status.Code.RESOURCE_EXHAUSTED, message);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }

  /** Thanos' wording: {@code exceeded series limit: limit 10 violated (got 11)}. */
  static StoreLimitException exceeded(String reason, long limit, long got) {
    return new StoreLimitException(
        reason, "exceeded " + reason + " limit: limit " + limit + " violated (got " + got + ")");
  }
}
