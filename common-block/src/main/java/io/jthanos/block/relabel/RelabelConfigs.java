package io.jthanos.block.relabel;

import com.fasterxml.jackson.databind.JsonNode;
import io.jthanos.config.ConfigException;
import io.jthanos.config.ConfigMapper;
import io.jthanos.config.PathOrContent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads lists of relabel configs from YAML, as Thanos' {@code block.ParseRelabelConfig}: a YAML
 * sequence of Prometheus relabel configs, each validated; unknown keys are ignored (Thanos decodes
 * leniently); an optional set of supported actions restricts what may be used ({@link
 * #SELECTOR_ACTIONS} for {@code --selector.relabel-config}).
 */
public final class RelabelConfigs {
  /** The actions Thanos allows in block selectors: keep, drop and hashmod. */
  public static final Set<RelabelAction> SELECTOR_ACTIONS =
      Set.of(RelabelAction.KEEP, RelabelAction.DROP, RelabelAction.HASHMOD);

  private RelabelConfigs() {}

  /**
   * Parses the configs from a file or inline flag (e.g. {@code --selector.relabel-config-file} /
   * {@code --selector.relabel-config}); none set gives an empty list.
   */
  public static List<RelabelConfig> fromFlags(PathOrContent flags, Set<RelabelAction> supported) {
    return flags
        .read()
        .map(text -> parse(text, supported, "--" + flags.contentFlag()))
        .orElse(List.of());
  }

  /** Parses without restricting actions. */
  public static List<RelabelConfig> parse(String yaml) {
    return parse(yaml, null, "relabel config");
  }

  /**
   * Parses a YAML list of relabel configs.
   *
   * @param supported allowed actions, or null for all
   * @param what names the config in errors
   * @throws ConfigException naming the offending entry and key
   */
  public static List<RelabelConfig> parse(String yaml, Set<RelabelAction> supported, String what) {
    JsonNode root = ConfigMapper.readTree(yaml, what);
    if (root.isMissingNode() || root.isNull()) {
      return List.of();
    }
    if (!root.isArray()) {
      throw new ConfigException(
          what + ": parsing relabel configuration: expected a list of relabel configs", null);
    }
    List<RelabelConfig> out = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      String at = "[" + i + "]";
      JsonNode n = root.get(i);
      if (n == null || n.isNull()) {
        n = ConfigMapper.yaml().createObjectNode();
      }
      if (!n.isObject()) {
        throw new ConfigException(
            what + ": parsing relabel configuration: entry " + at + " is not a mapping", at);
      }
      RelabelConfig c;
      try {
        c = build(n, what, at);
        c.validate();
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            what + ": validate relabel config " + at + ": " + e.getMessage(), at, e);
      }
      if (supported != null && !supported.contains(c.action())) {
        throw new ConfigException(
            what + ": unsupported relabel action: " + c.action(), at + ".action");
      }
      out.add(c);
    }
    return List.copyOf(out);
  }

  private static RelabelConfig build(JsonNode n, String what, String at) {
    RelabelConfig.Builder b = RelabelConfig.builder();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      JsonNode v = e.getValue();
      String key = at + "." + e.getKey();
      switch (e.getKey()) {
        case "source_labels" -> {
          if (v.isNull()) {
            continue;
          }
          if (!v.isArray()) {
            throw new ConfigException(what + ": " + key + " must be a list of label names", key);
          }
          List<String> names = new ArrayList<>();
          v.forEach(x -> names.add(scalar(x, what, key)));
          b.sourceLabels(names);
        }
        case "separator" -> b.separator(scalar(v, what, key));
        case "regex" -> b.regex(scalar(v, what, key));
        case "modulus" -> {
          if (!v.isIntegralNumber() || v.asLong() < 0) {
            throw new ConfigException(what + ": " + key + " must be a non-negative integer", key);
          }
          b.modulus(v.asLong());
        }
        case "target_label" -> b.targetLabel(scalar(v, what, key));
        case "replacement" -> b.replacement(scalar(v, what, key));
        case "action" -> {
          try {
            b.action(RelabelAction.parse(scalar(v, what, key)));
          } catch (IllegalArgumentException ex) {
            throw new ConfigException(what + ": " + key + ": " + ex.getMessage(), key, ex);
          }
        }
        default -> {
          // Ignored, as Thanos' non-strict YAML decoding does.
        }
      }
    }
    return b.build();
  }

  private static String scalar(JsonNode v, String what, String key) {
    if (v == null || v.isNull()) {
      return "";
    }
    if (!v.isValueNode()) {
      throw new ConfigException(what + ": " + key + " must be a string", key);
    }
    return v.asText();
  }
}
