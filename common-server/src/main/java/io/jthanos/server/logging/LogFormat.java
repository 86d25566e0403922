package io.jthanos.server.logging;

/** {@code --log.format}: logfmt (default) or json. */
public enum LogFormat {
  LOGFMT,
  JSON;

  public static LogFormat parse(String s) {
    return switch (s) {
      case "logfmt" -> LOGFMT;
      case "json" -> JSON;
      default ->
          throw new IllegalArgumentException(
              "invalid log format \"" + s + "\" (expected logfmt or json)");
    };
  }
}
