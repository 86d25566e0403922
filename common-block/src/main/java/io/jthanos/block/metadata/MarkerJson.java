package io.jthanos.block.metadata;

import com.fasterxml.jackson.databind.node.TextNode;
import io.jthanos.tsdb.block.GoJson;

/** Go-compatible JSON pieces for markers. */
final class MarkerJson {
  private MarkerJson() {}

  static void details(StringBuilder sb, String details) {
    if (!details.isEmpty()) {
      sb.append(",\"details\":");
      quote(sb, details);
    }
  }

  /** A JSON string with Go's escaping (including {@code <>&}). */
  static void quote(StringBuilder sb, String s) {
    sb.append(GoJson.marshalIndent(TextNode.valueOf(s)));
  }
}
