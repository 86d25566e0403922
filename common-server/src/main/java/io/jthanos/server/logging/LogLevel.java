package io.jthanos.server.logging;

import ch.qos.logback.classic.Level;

/** {@code --log.level}: error, warn, info (default) or debug, as Thanos. */
public enum LogLevel {
  ERROR(Level.ERROR),
  WARN(Level.WARN),
  INFO(Level.INFO),
  DEBUG(Level.DEBUG);

  private final Level logback;

  LogLevel(Level logback) {
    this.logback = logback;
  }

  Level logback() {
    return logback;
  }

  public static LogLevel parse(String s) {
    return switch (s) {
      case "error" -> ERROR;
      case "warn" -> WARN;
      case "info" -> INFO;
      case "debug" -> DEBUG;
      default ->
          throw new IllegalArgumentException(
              "invalid log level \"" + s + "\" (expected error, warn, info or debug)");
    };
  }
}
