package io.jthanos.server.flags;

import io.jthanos.server.logging.LogFormat;
import io.jthanos.server.logging.LogLevel;
import picocli.CommandLine.Option;

/** {@code --log.level} and {@code --log.format}. */
public final class LoggingOptions {
  @Option(
      names = "--log.level",
      defaultValue = "info",
      paramLabel = "<level>",
      converter = LevelConverter.class,
      description = "Log filtering level. One of: error, warn, info, debug.")
  public LogLevel level;

  @Option(
      names = "--log.format",
      defaultValue = "logfmt",
      paramLabel = "<format>",
      converter = FormatConverter.class,
      description = "Log format to use. Possible options: logfmt or json.")
  public LogFormat format;

  static final class LevelConverter implements picocli.CommandLine.ITypeConverter<LogLevel> {
    @Override
    public LogLevel convert(String value) {
      return LogLevel.parse(value);
    }
  }

  static final class FormatConverter implements picocli.CommandLine.ITypeConverter<LogFormat> {
    @Override
    public LogFormat convert(String value) {
      return LogFormat.parse(value);
    }
  }
}
