package io.jthanos.config;

/**
 * A configuration problem, worded for the user: it names the flag, file or key at fault. Components
 * exit with code 1 on it at start-up.
 */
public class ConfigException extends RuntimeException {
  private final String key;

  public ConfigException(String message) {
    this(message, null, null);
  }

  public ConfigException(String message, String key) {
    this(message, key, null);
  }

  public ConfigException(String message, String key, Throwable cause) {
    super(message, cause);
    this.key = key;
  }

  /** The offending key path (e.g. {@code config.bucket}) or flag name, when known. */
  public String key() {
    return key;
  }
}
