package io.jthanos.tsdb.block;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes a JSON tree the way Go's {@code json.MarshalIndent(v, "", "\t")} does, so files we write
 * (meta.json) look like the ones Prometheus and Thanos write: tab indentation, {@code ": "} after
 * keys, one array element per line, {@code {}} and {@code []} when empty, and Go's string escaping
 * (including {@code <>&} as {@code \\u003c} etc.).
 */
public final class GoJson {
  private GoJson() {}

  public static String marshalIndent(JsonNode node) {
    StringBuilder sb = new StringBuilder(256);
    write(sb, node, 0);
    return sb.toString();
  }

  private static void indent(StringBuilder sb, int depth) {
    for (int i = 0; i < depth; i++) {
      sb.append('\t');
    }
  }

  private static void write(StringBuilder sb, JsonNode n, int depth) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      sb.append("null");
    } else if (n.isObject()) {
      if (n.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append("{\n");
      Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        indent(sb, depth + 1);
        quote(sb, e.getKey());
        sb.append(": ");
        write(sb, e.getValue(), depth + 1);
        if (it.hasNext()) {
          sb.append(',');
        }
        sb.append('\n');
      }
      indent(sb, depth);
      sb.append('}');
    } else if (n.isArray()) {
      if (n.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append("[\n");
      for (int i = 0; i < n.size(); i++) {
        indent(sb, depth + 1);
        write(sb, n.get(i), depth + 1);
        if (i < n.size() - 1) {
          sb.append(',');
        }
        sb.append('\n');
      }
      indent(sb, depth);
      sb.append(']');
    } else if (n.isTextual()) {
      quote(sb, n.textValue());
    } else if (n.isBoolean()) {
      sb.append(n.booleanValue());
    } else if (n.isIntegralNumber()) {
      sb.append(n.bigIntegerValue());
    } else if (n.isNumber()) {
      double d = n.doubleValue();
      if (d == Math.rint(d) && Math.abs(d) < 1e21) {
        sb.append(n.decimalValue().stripTrailingZeros().toPlainString());
      } else {
        sb.append(n.asText());
      }
    } else {
      quote(sb, n.asText());
    }
  }

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
            sb.append("\\u00");
            if (c >= 0x2028) {
              sb.setLength(sb.length() - 2);
              sb.append(HEX[(c >> 12) & 15]).append(HEX[(c >> 8) & 15]);
            }
            sb.append(HEX[(c >> 4) & 15]).append(HEX[c & 15]);
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
