package io.jthanos.server.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * logfmt as go-kit writes it: {@code key=value} pairs separated by spaces; a value is quoted (Go
 * escaping) when it holds a space, {@code =}, {@code "} or a control character.
 */
public final class LogfmtEncoder extends EncoderBase<ILoggingEvent> {

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    StringBuilder sb = new StringBuilder(160);
    for (Map.Entry<String, String> kv : LogLine.pairs(event)) {
      if (!sb.isEmpty()) {
        sb.append(' ');
      }
      sb.append(kv.getKey()).append('=');
      appendValue(sb, kv.getValue());
    }
    sb.append('\n');
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }

  static void appendValue(StringBuilder sb, String v) {
    if (v.equals("null")) {
      sb.append("\"null\"");
      return;
    }
    boolean quote = false;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c <= ' ' || c == '=' || c == '"' || c == '\uFFFD') {
        quote = true;
        break;
      }
    }
    if (!quote) {
      sb.append(v);
      return;
    }
    sb.append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < ' ') {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
