package io.jthanos.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.EncoderBase;
import org.slf4j.LoggerFactory;

/**
 * Process logging: everything goes to stderr, logfmt or JSON, at the {@code --log.level}. Libraries
 * that are chatty at debug (Netty, gRPC) stay at info unless debug logging is asked for.
 */
public final class Logging {
  private Logging() {}

  public static void configure(LogLevel level, LogFormat format) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return; // another slf4j backend is bound (e.g. in a host application); leave it alone
    }
    configure(ctx, level, format);
  }

  static void configure(LoggerContext ctx, LogLevel level, LogFormat format) {
    ctx.reset();
    EncoderBase<ILoggingEvent> encoder =
        format == LogFormat.JSON ? new JsonLogEncoder() : new LogfmtEncoder();
    encoder.setContext(ctx);
    encoder.start();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(ctx);
    appender.setName("stderr");
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(level.logback());
    root.addAppender(appender);
    Level libs = level == LogLevel.DEBUG ? Level.INFO : Level.WARN;
    ctx.getLogger("io.netty").setLevel(libs);
    ctx.getLogger("io.grpc").setLevel(libs);
  }
}
