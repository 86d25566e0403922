package io.jthanos.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Strict binding of YAML/JSON configs, as Go's {@code yaml.UnmarshalStrict}: unknown keys are
 * errors, durations accept Go and Prometheus forms, and every error names the key path (for example
 * {@code config.http_config.tls_config.ca_file}) and, for unknown keys, the valid ones.
 */
public final class ConfigMapper {
  private static final ObjectMapper YAML = configure(YAMLMapper.builder(new YAMLFactory()).build());
  private static final ObjectMapper JSON = configure(JsonMapper.builder().build());

  private ConfigMapper() {}

  private static ObjectMapper configure(ObjectMapper m) {
    SimpleModule mod = new SimpleModule("jthanos-config");
    mod.addDeserializer(Duration.class, new DurationDeserializer());
    m.registerModule(mod);
    m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    m.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    m.enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS);
    return m;
  }

  /** The strict YAML mapper (YAML is a superset of JSON, so it reads JSON too). */
  public static ObjectMapper yaml() {
    return YAML;
  }

  public static ObjectMapper json() {
    return JSON;
  }

  /**
   * Binds YAML (or JSON) text to a type. {@code what} names the config in messages, e.g. {@code
   * "objstore config"}.
   */
  public static <T> T bindYaml(String text, Class<T> type, String what) {
    try {
      return YAML.readValue(text, type);
    } catch (IOException e) {
      throw translate(e, what);
    }
  }

  /** Binds a tree (e.g. a provider's {@code config:} node) to a type. */
  public static <T> T bindTree(JsonNode node, Class<T> type, String what, String pathPrefix) {
    try {
      return YAML.treeToValue(node, type);
    } catch (IOException e) {
      throw translate(e, what, pathPrefix);
    }
  }

  /** Parses YAML text into a tree, mapping syntax errors to a {@link ConfigException}. */
  public static JsonNode readTree(String text, String what) {
    try {
      JsonNode n = YAML.readTree(text);
      return n == null ? YAML.missingNode() : n;
    } catch (IOException e) {
      throw translate(e, what);
    }
  }

  public static ConfigException translate(IOException e, String what) {
    return translate(e, what, "");
  }

  public static ConfigException translate(IOException e, String what, String pathPrefix) {
    if (e instanceof UnrecognizedPropertyException u) {
      String key = path(u.getPath(), pathPrefix);
      return new ConfigException(
          what + ": unknown key \"" + key + "\"" + validKeys(u.getKnownPropertyIds()), key, e);
    }
    if (e instanceof JsonMappingException m) {
      String key = path(m.getPath(), pathPrefix);
      if (m.getCause() instanceof ConfigException ce) {
        return new ConfigException(
            what + ": " + ce.getMessage(), key.isEmpty() ? ce.key() : key, e);
      }
      String reason = m.getOriginalMessage();
      int nl = reason == null ? -1 : reason.indexOf('\n');
      if (nl > 0) {
        reason = reason.substring(0, nl);
      }
      return new ConfigException(
          what + ": invalid value for key \"" + key + "\": " + reason, key, e);
    }
    String where = "";
    String msg = e.getMessage();
    if (e instanceof JsonProcessingException jpe) {
      msg = jpe.getOriginalMessage();
      if (jpe.getLocation() != null) {
        where = " at line " + jpe.getLocation().getLineNr();
      }
    }
    return new ConfigException(what + ": invalid YAML" + where + ": " + msg, null, e);
  }

  private static String validKeys(Collection<Object> known) {
    if (known == null || known.isEmpty()) {
      return "";
    }
    TreeSet<String> keys = new TreeSet<>();
    known.forEach(k -> keys.add(String.valueOf(k)));
    return " (valid keys: " + String.join(", ", keys) + ")";
  }

  static String path(List<JsonMappingException.Reference> refs, String prefix) {
    StringBuilder sb = new StringBuilder(prefix == null ? "" : prefix);
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        if (!sb.isEmpty()) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  /** Reads {@code "1m30s"} or {@code "2d"}; a bare number is accepted only for zero. */
  static final class DurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken().isNumeric()) {
        if (p.getDoubleValue() == 0) {
          return Duration.ZERO;
        }
        throw JsonMappingException.from(
            p, "duration needs a unit, e.g. \"30s\" or \"5m\" (got " + p.getText() + ")");
      }
      String s = p.getValueAsString();
      try {
        return Durations.parse(s);
      } catch (IllegalArgumentException e) {
        throw JsonMappingException.from(p, e.getMessage(), e);
      }
    }
  }
}
