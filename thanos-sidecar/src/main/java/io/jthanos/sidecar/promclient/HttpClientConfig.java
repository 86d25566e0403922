package io.jthanos.sidecar.promclient;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jthanos.config.ConfigException;
import io.jthanos.config.ConfigMapper;
import java.time.Duration;

/**
 * The sidecar's HTTP client configuration for talking to Prometheus ({@code
 * --prometheus.http-client(-file)}), Thanos' {@code httpconfig.ClientConfig}: basic auth, bearer
 * token, proxy, TLS and transport settings. Bound strictly: an unknown key is an error naming it.
 */
public record HttpClientConfig(
    @JsonProperty("basic_auth") BasicAuth basicAuth,
    @JsonProperty("bearer_token") String bearerToken,
    @JsonProperty("bearer_token_file") String bearerTokenFile,
    @JsonProperty("proxy_url") String proxyUrl,
    @JsonProperty("tls_config") Tls tlsConfig,
    @JsonProperty("transport_config") Transport transportConfig) {

  public static final HttpClientConfig DEFAULT =
      new HttpClientConfig(null, null, null, null, null, null);

  public HttpClientConfig {
    basicAuth = basicAuth == null ? new BasicAuth(null, null, null) : basicAuth;
    bearerToken = bearerToken == null ? "" : bearerToken;
    bearerTokenFile = bearerTokenFile == null ? "" : bearerTokenFile;
    proxyUrl = proxyUrl == null ? "" : proxyUrl;
    tlsConfig = tlsConfig == null ? new Tls(null, null, null, null, false) : tlsConfig;
    transportConfig =
        transportConfig == null
            ? new Transport(0, 0, null, null, null, 0, false, null)
            : transportConfig;
    if (!bearerToken.isEmpty() && !bearerTokenFile.isEmpty()) {
      throw new ConfigException(
          "prometheus http client config: at most one of bearer_token and bearer_token_file may be"
              + " set",
          "bearer_token_file");
    }
    if (basicAuth.isSet() && (!bearerToken.isEmpty() || !bearerTokenFile.isEmpty())) {
      throw new ConfigException(
          "prometheus http client config: at most one of basic_auth, bearer_token and"
              + " bearer_token_file may be set",
          "basic_auth");
    }
  }

  /** Parses the YAML of the flag ({@code $(VAR)} already substituted); blank = defaults. */
  public static HttpClientConfig parse(String yaml) {
    if (yaml == null || yaml.isBlank()) {
      return DEFAULT;
    }
    HttpClientConfig c =
        ConfigMapper.bindYaml(yaml, HttpClientConfig.class, "prometheus http client config");
    return c == null ? DEFAULT : c;
  }

  /** {@code basic_auth}. */
  public record BasicAuth(
      @JsonProperty("username") String username,
      @JsonProperty("password") String password,
      @JsonProperty("password_file") String passwordFile) {
    public BasicAuth {
      username = username == null ? "" : username;
      password = password == null ? "" : password;
      passwordFile = passwordFile == null ? "" : passwordFile;
      if (!password.isEmpty() && !passwordFile.isEmpty()) {
        throw new ConfigException(
            "prometheus http client config: at most one of basic_auth password and password_file"
                + " may be set",
            "basic_auth.password_file");
      }
    }

    public boolean isSet() {
      return !username.isEmpty() || !password.isEmpty() || !passwordFile.isEmpty();
    }
  }

  /** {@code tls_config}. */
  public record Tls(
      @JsonProperty("ca_file") String caFile,
      @JsonProperty("cert_file") String certFile,
      @JsonProperty("key_file") String keyFile,
      @JsonProperty("server_name") String serverName,
      @JsonProperty("insecure_skip_verify") Boolean insecureSkipVerify) {
    public Tls {
      caFile = caFile == null ? "" : caFile;
      certFile = certFile == null ? "" : certFile;
      keyFile = keyFile == null ? "" : keyFile;
      serverName = serverName == null ? "" : serverName;
      insecureSkipVerify = insecureSkipVerify != null && insecureSkipVerify;
      if (certFile.isEmpty() != keyFile.isEmpty()) {
        throw new ConfigException(
            "prometheus http client config: tls_config cert_file and key_file must be set"
                + " together",
            certFile.isEmpty() ? "tls_config.cert_file" : "tls_config.key_file");
      }
    }

    public boolean isDefault() {
      return caFile.isEmpty() && certFile.isEmpty() && serverName.isEmpty() && !insecureSkipVerify;
    }
  }

  /**
   * {@code transport_config}. The JDK client keeps its own connection pool: the connection limits
   * and {@code disable_compression} are accepted for compatibility; timeouts are honoured (the
   * response header timeout bounds each request, the TLS handshake timeout the connect).
   */
  public record Transport(
      @JsonProperty("max_idle_conns") Integer maxIdleConns,
      @JsonProperty("max_idle_conns_per_host") Integer maxIdleConnsPerHost,
      @JsonProperty("idle_conn_timeout") Duration idleConnTimeout,
      @JsonProperty("response_header_timeout") Duration responseHeaderTimeout,
      @JsonProperty("expect_continue_timeout") Duration expectContinueTimeout,
      @JsonProperty("max_conns_per_host") Integer maxConnsPerHost,
      @JsonProperty("disable_compression") Boolean disableCompression,
      @JsonProperty("tls_handshake_timeout") Duration tlsHandshakeTimeout) {
    public Transport {
      maxIdleConns = maxIdleConns == null ? 0 : maxIdleConns;
      maxIdleConnsPerHost = maxIdleConnsPerHost == null ? 0 : maxIdleConnsPerHost;
      maxConnsPerHost = maxConnsPerHost == null ? 0 : maxConnsPerHost;
      disableCompression = disableCompression != null && disableCompression;
      idleConnTimeout = idleConnTimeout == null ? Duration.ZERO : idleConnTimeout;
      responseHeaderTimeout = responseHeaderTimeout == null ? Duration.ZERO : responseHeaderTimeout;
      expectContinueTimeout = expectContinueTimeout == null ? Duration.ZERO : expectContinueTimeout;
      tlsHandshakeTimeout = tlsHandshakeTimeout == null ? Duration.ZERO : tlsHandshakeTimeout;
    }
  }
}
