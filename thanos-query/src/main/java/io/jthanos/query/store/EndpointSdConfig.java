package io.jthanos.query.store;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.jthanos.config.ConfigException;
import io.jthanos.config.ConfigMapper;
import io.jthanos.storeapi.ClientTls;
import io.jthanos.storeapi.StoreClientConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Thanos' endpoint configuration file ({@code --endpoint.sd-config(-file)}): {@code
 * default_client_config} and a list of {@code endpoints}, each with {@code address}, {@code
 * strict}, {@code group} and an optional {@code client_config} overriding the default field by
 * field (an omitted key inherits, an empty string clears). TLS files given without {@code enabled}
 * imply {@code enabled: true}.
 */
public final class EndpointSdConfig {
  private EndpointSdConfig() {}

  public record TlsConfig(
      @JsonProperty("enabled") Boolean enabled,
      @JsonProperty("insecure_skip_verify") Boolean insecureSkipVerify,
      @JsonProperty("cert_file") String certFile,
      @JsonProperty("key_file") String keyFile,
      @JsonProperty("ca_file") String caFile,
      @JsonProperty("min_version") String minVersion) {}

  public record ClientConfig(
      @JsonProperty("tls_config") TlsConfig tlsConfig,
      @JsonProperty("server_name") String serverName,
      @JsonProperty("compression") String compression) {}

  public record Entry(
      @JsonProperty("address") String address,
      @JsonProperty("strict") Boolean strict,
      @JsonProperty("group") Boolean group,
      @JsonProperty("service_config") JsonNode serviceConfig,
      @JsonProperty("client_config") ClientConfig clientConfig) {}

  public record File(
      @JsonProperty("default_client_config") ClientConfig defaultClientConfig,
      @JsonProperty("endpoints") List<Entry> endpoints) {}

  /** Parses the YAML into endpoint specs; {@code base} is the config from the global flags. */
  public static List<EndpointSpec> parse(String yaml, StoreClientConfig base) {
    if (yaml == null || yaml.isBlank()) {
      return List.of();
    }
    File f = ConfigMapper.bindYaml(yaml, File.class, "endpoint sd config");
    StoreClientConfig def = apply(base, f.defaultClientConfig(), "default_client_config");
    List<EndpointSpec> out = new ArrayList<>();
    if (f.endpoints() == null) {
      return out;
    }
    int i = 0;
    for (Entry e : f.endpoints()) {
      String key = "endpoints[" + i++ + "]";
      if (e.address() == null || e.address().isBlank()) {
        throw new ConfigException(key + ".address: must not be empty", key + ".address");
      }
      StoreClientConfig c = apply(def, e.clientConfig(), key + ".client_config");
      out.add(
          new EndpointSpec(
              e.address(), Boolean.TRUE.equals(e.strict()), Boolean.TRUE.equals(e.group()), c));
    }
    return out;
  }

  static StoreClientConfig apply(StoreClientConfig base, ClientConfig cc, String key) {
    if (cc == null) {
      return base;
    }
    ClientTls tls = base.tls();
    String serverName = cc.serverName() != null ? cc.serverName() : tls.serverName();
    if (cc.tlsConfig() != null) {
      TlsConfig t = cc.tlsConfig();
      Path cert = t.certFile() != null ? emptyToNull(t.certFile()) : tls.cert();
      Path keyFile = t.keyFile() != null ? emptyToNull(t.keyFile()) : tls.key();
      Path ca = t.caFile() != null ? emptyToNull(t.caFile()) : tls.ca();
      boolean skip = t.insecureSkipVerify() != null ? t.insecureSkipVerify() : tls.skipVerify();
      boolean anyFile =
          t.certFile() != null
              || t.keyFile() != null
              || t.caFile() != null
              || t.insecureSkipVerify() != null;
      boolean enabled = t.enabled() != null ? t.enabled() : (anyFile || tls.secure());
      if ((cert == null) != (keyFile == null)) {
        throw new ConfigException(
            key + ".tls_config: cert_file and key_file must be set together", key + ".tls_config");
      }
      tls = new ClientTls(enabled, skip, cert, keyFile, ca, emptyToNullString(serverName));
    } else if (cc.serverName() != null) {
      tls =
          new ClientTls(
              tls.secure(),
              tls.skipVerify(),
              tls.cert(),
              tls.key(),
              tls.ca(),
              emptyToNullString(serverName));
    }
    StoreClientConfig out = base.withTls(tls);
    if (cc.compression() != null) {
      String comp = cc.compression().isEmpty() ? "none" : cc.compression();
      if (!comp.equals("none") && !comp.equals("snappy")) {
        throw new ConfigException(
            key + ".compression: must be one of: snappy, none (got \"" + comp + "\")",
            key + ".compression");
      }
      out = out.withCompression(comp);
    }
    return out;
  }

  private static Path emptyToNull(String s) {
    return s.isEmpty() ? null : Path.of(s);
  }

  private static String emptyToNullString(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
