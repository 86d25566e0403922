package io.jthanos.rules;

import java.util.Locale;

/**
 * Thanos' rule group key {@code partial_response_strategy}: what the ruler asks the queriers to do
 * when some store fails. Case-insensitive in files; absent or empty means {@link #ABORT}.
 */
public enum PartialResponseStrategy {
  WARN,
  ABORT;

  /** The accepted spellings, as Thanos lists them in errors. */
  public static final String VALUES = "WARN,ABORT";

  /**
   * Parses the file value.
   *
   * @throws IllegalArgumentException for anything but warn/abort (any case) or empty
   */
  public static PartialResponseStrategy parse(String s) {
    if (s == null || s.isEmpty()) {
      return ABORT;
    }
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "failed to unmarshal 'partial_response_strategy'. Possible values are "
              + VALUES
              + ". Got: "
              + s);
    }
  }
}
