package io.jthanos.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * One log event as the ordered key/value pairs Thanos writes: {@code ts caller level msg}, then the
 * event's key/values (slf4j fluent API), then {@code err} for an attached exception.
 */
final class LogLine {
  private LogLine() {}

  static List<Map.Entry<String, String>> pairs(ILoggingEvent e) {
    List<Map.Entry<String, String>> kv = new ArrayList<>(8);
    Instant ts = e.getInstant() != null ? e.getInstant() : Instant.ofEpochMilli(e.getTimeStamp());
    kv.add(Map.entry("ts", ts.toString()));
    kv.add(Map.entry("caller", caller(e)));
    kv.add(Map.entry("level", level(e.getLevel())));
    kv.add(Map.entry("msg", e.getFormattedMessage() == null ? "" : e.getFormattedMessage()));
    List<KeyValuePair> pairs = e.getKeyValuePairs();
    if (pairs != null) {
      for (KeyValuePair p : pairs) {
        kv.add(Map.entry(p.key, String.valueOf(p.value)));
      }
    }
    IThrowableProxy t = e.getThrowableProxy();
    if (t != null) {
      kv.add(Map.entry("err", errorText(t)));
    }
    return kv;
  }

  private static String caller(ILoggingEvent e) {
    StackTraceElement[] cd = e.getCallerData();
    if (cd == null || cd.length == 0) {
      return "unknown";
    }
    StackTraceElement c = cd[0];
    String file = c.getFileName() != null ? c.getFileName() : c.getClassName();
    return file + ":" + c.getLineNumber();
  }

  private static String level(Level l) {
    return switch (l.toInt()) {
      case Level.ERROR_INT -> "error";
      case Level.WARN_INT -> "warn";
      case Level.INFO_INT -> "info";
      default -> "debug";
    };
  }

  /** Like a Go wrapped error: {@code outer: cause: root}. */
  private static String errorText(IThrowableProxy t) {
    StringBuilder sb = new StringBuilder();
    IThrowableProxy cur = t;
    int depth = 0;
    while (cur != null && depth++ < 10) {
      String m = cur.getMessage();
      String part = m == null || m.isEmpty() ? simpleName(cur.getClassName()) : m;
      if (sb.isEmpty() || sb.indexOf(part) < 0) {
        if (!sb.isEmpty()) {
          sb.append(": ");
        }
        sb.append(part);
      }
      cur = cur.getCause();
    }
    return sb.toString();
  }

  private static String simpleName(String className) {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? className : className.substring(dot + 1);
  }
}
