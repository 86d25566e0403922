package io.jthanos.objstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.jthanos.config.ConfigException;
import io.jthanos.config.ConfigMapper;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * The Thanos bucket config: {@code type:} (case-insensitive), {@code config:} (the provider's keys)
 * and {@code prefix:}. Only the first YAML document is read, as Thanos does.
 */
public record BucketConfig(String type, JsonNode config, String prefix) {
  private static final Set<String> KEYS = Set.of("type", "config", "prefix");
  static final String WHAT = "objstore config";

  /** The config name used in error messages. */
  public static String bindWhat() {
    return WHAT;
  }

  public BucketConfig {
    type = type.toUpperCase(Locale.ROOT);
    config = config == null || config.isNull() ? JsonNodeFactory.instance.objectNode() : config;
    prefix = prefix == null ? "" : prefix;
  }

  public static BucketConfig parse(String yaml) {
    JsonNode root = ConfigMapper.readTree(yaml, WHAT);
    if (root.isMissingNode() || root.isNull()) {
      throw new ConfigException(WHAT + ": empty config", "type");
    }
    if (!root.isObject()) {
      throw new ConfigException(WHAT + ": expected a mapping with keys type, config, prefix", "");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!KEYS.contains(k)) {
        throw new ConfigException(
            WHAT + ": unknown key \"" + k + "\" (valid keys: config, prefix, type)", k);
      }
    }
    JsonNode type = root.get("type");
    if (type == null || type.isNull() || type.asText().isBlank()) {
      throw new ConfigException(
          WHAT + ": missing key \"type\" (one of " + String.join(", ", Buckets.TYPES) + ")",
          "type");
    }
    if (!type.isValueNode()) {
      throw new ConfigException(WHAT + ": key \"type\" must be a string", "type");
    }
    JsonNode config = root.get("config");
    if (config != null && !config.isNull() && !config.isObject()) {
      throw new ConfigException(WHAT + ": key \"config\" must be a mapping", "config");
    }
    JsonNode prefix = root.get("prefix");
    if (prefix != null && !prefix.isNull() && !prefix.isValueNode()) {
      throw new ConfigException(WHAT + ": key \"prefix\" must be a string", "prefix");
    }
    return new BucketConfig(
        type.asText().strip(), config, prefix == null || prefix.isNull() ? "" : prefix.asText());
  }

  /** Binds the provider keys to {@code type}, with errors naming {@code config.<key>}. */
  public static <T> T bind(JsonNode config, Class<T> type) {
    return ConfigMapper.bindTree(config, type, WHAT, "config");
  }
}
