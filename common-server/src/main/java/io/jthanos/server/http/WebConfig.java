package io.jthanos.server.http;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.jthanos.config.ConfigException;
import io.jthanos.config.ConfigMapper;
import io.jthanos.config.EnvSubstitution;
import io.jthanos.server.tls.TlsServerSettings;
import io.netty.handler.ssl.ClientAuth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Prometheus web configuration file ({@code --http.config}, exporter-toolkit format): TLS for
 * the HTTP server, extra response headers and basic auth users with bcrypt password hashes. Unknown
 * keys are errors naming the key; relative file paths are resolved against the config file's
 * directory.
 */
public final class WebConfig {

  /** {@code tls_server_config}. */
  public record TlsServerConfig(
      @JsonProperty("cert_file") String certFile,
      @JsonProperty("key_file") String keyFile,
      @JsonProperty("client_auth_type") String clientAuthType,
      @JsonProperty("client_ca_file") String clientCaFile,
      @JsonProperty("min_version") String minVersion,
      @JsonProperty("max_version") String maxVersion,
      @JsonProperty("cipher_suites") List<String> cipherSuites,
      @JsonProperty("prefer_server_cipher_suites") Boolean preferServerCipherSuites,
      @JsonProperty("curve_preferences") List<String> curvePreferences,
      @JsonProperty("client_allowed_sans") List<String> clientAllowedSans) {}

  /** {@code http_server_config}. */
  public record HttpServerConfig(
      @JsonProperty("http2") Boolean http2, @JsonProperty("headers") Map<String, String> headers) {}

  /** The file's top level. */
  public record File(
      @JsonProperty("tls_server_config") TlsServerConfig tlsServerConfig,
      @JsonProperty("http_server_config") HttpServerConfig httpServerConfig,
      @JsonProperty("basic_auth_users") Map<String, String> basicAuthUsers) {
    @JsonCreator
    public File {}
  }

  private static final Set<String> FORBIDDEN_HEADERS =
      Set.of(
          "authorization", "content-type", "content-encoding", "content-length", "server", "date");

  private final TlsServerSettings tls;
  private final Map<String, String> headers;
  private final Map<String, String> users;
  // Successful checks, keyed by a SHA-256 of user and password: bcrypt is deliberately slow.
  private final Set<String> verified = ConcurrentHashMap.newKeySet();

  private WebConfig(TlsServerSettings tls, Map<String, String> headers, Map<String, String> users) {
    this.tls = tls;
    this.headers = headers;
    this.users = users;
  }

  /** No TLS, no auth. */
  public static WebConfig none() {
    return new WebConfig(null, Map.of(), Map.of());
  }

  /** Reads and validates the file given to {@code --http.config} (empty path: none). */
  public static WebConfig load(String path) {
    if (path == null || path.isEmpty()) {
      return none();
    }
    Path file = Path.of(path);
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(
          "reading --http.config file " + path + ": " + e.getMessage(), "http.config", e);
    }
    text = EnvSubstitution.expand(text);
    File f =
        text.isBlank()
            ? new File(null, null, null)
            : ConfigMapper.bindYaml(text, File.class, "--http.config " + path);
    return of(f, file.toAbsolutePath().getParent());
  }

  static WebConfig of(File f, Path baseDir) {
    TlsServerSettings tls = null;
    if (f.tlsServerConfig() != null) {
      tls = tls(f.tlsServerConfig(), baseDir);
    }
    Map<String, String> headers = Map.of();
    if (f.httpServerConfig() != null && f.httpServerConfig().headers() != null) {
      headers = Map.copyOf(f.httpServerConfig().headers());
      for (String h : headers.keySet()) {
        if (FORBIDDEN_HEADERS.contains(h.toLowerCase(java.util.Locale.ROOT))) {
          throw new ConfigException(
              "http_server_config.headers: header \"" + h + "\" cannot be set",
              "http_server_config.headers." + h);
        }
      }
    }
    Map<String, String> users =
        f.basicAuthUsers() == null ? Map.of() : Map.copyOf(f.basicAuthUsers());
    for (Map.Entry<String, String> u : users.entrySet()) {
      String h = u.getValue();
      if (h == null || !(h.startsWith("$2a$") || h.startsWith("$2b$") || h.startsWith("$2y$"))) {
        throw new ConfigException(
            "basic_auth_users." + u.getKey() + ": not a bcrypt hash",
            "basic_auth_users." + u.getKey());
      }
    }
    return new WebConfig(tls, headers, users);
  }

  private static TlsServerSettings tls(TlsServerConfig c, Path base) {
    if (c.certFile() == null || c.certFile().isEmpty()) {
      throw new ConfigException(
          "tls_server_config.cert_file: missing cert_file", "tls_server_config.cert_file");
    }
    if (c.keyFile() == null || c.keyFile().isEmpty()) {
      throw new ConfigException(
          "tls_server_config.key_file: missing key_file", "tls_server_config.key_file");
    }
    String auth = c.clientAuthType() == null ? "" : c.clientAuthType();
    ClientAuth clientAuth;
    boolean verify = true;
    switch (auth) {
      case "", "NoClientCert" -> clientAuth = ClientAuth.NONE;
      case "RequestClientCert" -> {
        clientAuth = ClientAuth.OPTIONAL;
        verify = false;
      }
      case "RequireAnyClientCert" -> {
        clientAuth = ClientAuth.REQUIRE;
        verify = false;
      }
      case "VerifyClientCertIfGiven" -> clientAuth = ClientAuth.OPTIONAL;
      case "RequireAndVerifyClientCert" -> clientAuth = ClientAuth.REQUIRE;
      default ->
          throw new ConfigException(
              "tls_server_config.client_auth_type: invalid client auth type \"" + auth + "\"",
              "tls_server_config.client_auth_type");
    }
    boolean hasCa = c.clientCaFile() != null && !c.clientCaFile().isEmpty();
    if (hasCa && clientAuth == ClientAuth.NONE) {
      throw new ConfigException(
          "tls_server_config: client CAs have been configured without a client auth policy",
          "tls_server_config.client_auth_type");
    }
    if (verify && clientAuth != ClientAuth.NONE && !hasCa) {
      throw new ConfigException(
          "tls_server_config.client_ca_file: required for client_auth_type " + auth,
          "tls_server_config.client_ca_file");
    }
    return new TlsServerSettings(
        base.resolve(c.certFile()),
        base.resolve(c.keyFile()),
        hasCa ? base.resolve(c.clientCaFile()) : null,
        clientAuth,
        verify,
        TlsServerSettings.jdkVersion(
            c.minVersion() == null ? "TLS12" : c.minVersion(), "tls_server_config.min_version"),
        TlsServerSettings.jdkVersion(c.maxVersion(), "tls_server_config.max_version"),
        c.cipherSuites());
  }

  /** TLS settings, or null for plain HTTP. */
  public TlsServerSettings tls() {
    return tls;
  }

  public Map<String, String> headers() {
    return headers;
  }

  public boolean requiresAuth() {
    return !users.isEmpty();
  }

  /** Checks an {@code Authorization} header value against the users. */
  public boolean authorize(String authorization) {
    if (users.isEmpty()) {
      return true;
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return false;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6).trim()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return false;
    }
    String user = decoded.substring(0, colon);
    String pass = decoded.substring(colon + 1);
    String hash = users.get(user);
    if (hash == null) {
      // Spend the same time as for a known user, so user names cannot be probed by timing.
      BCrypt.verifyer().verify(pass.toCharArray(), DUMMY_HASH);
      return false;
    }
    String cacheKey = sha256(user + "\u0000" + pass + "\u0000" + hash);
    if (verified.contains(cacheKey)) {
      return true;
    }
    boolean ok =
        BCrypt.verifyer()
            .verify(pass.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.UTF_8))
            .verified;
    if (ok) {
      verified.add(cacheKey);
    }
    return ok;
  }

  private static final char[] DUMMY_HASH =
      "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi".toCharArray();

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
