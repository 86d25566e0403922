package io.jthanos.objstore.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Thanos' shared {@code http_config} block (exthttp.HTTPConfig) with its defaults. Providers map
 * what their HTTP client can honour; the rest is accepted so existing configs keep working (see
 * docs/storage.md for which keys each provider uses).
 */
public final class HttpConfig {
  @JsonProperty("idle_conn_timeout")
  public Duration idleConnTimeout = Duration.ofSeconds(90);

  @JsonProperty("response_header_timeout")
  public Duration responseHeaderTimeout = Duration.ofMinutes(2);

  @JsonProperty("insecure_skip_verify")
  public boolean insecureSkipVerify;

  @JsonProperty("tls_handshake_timeout")
  public Duration tlsHandshakeTimeout = Duration.ofSeconds(10);

  @JsonProperty("expect_continue_timeout")
  public Duration expectContinueTimeout = Duration.ofSeconds(1);

  @JsonProperty("max_idle_conns")
  public int maxIdleConns = 100;

  @JsonProperty("max_idle_conns_per_host")
  public int maxIdleConnsPerHost = 100;

  /** 0: no limit. */
  @JsonProperty("max_conns_per_host")
  public int maxConnsPerHost;

  @JsonProperty("tls_config")
  public TlsConfig tlsConfig = new TlsConfig();

  @JsonProperty("force_attempt_http2")
  public boolean forceAttemptHttp2;

  @JsonProperty("disable_compression")
  public boolean disableCompression;

  /** Skip certificate checks if either {@code insecure_skip_verify} says so. */
  public boolean skipVerify() {
    return insecureSkipVerify || tlsConfig.insecureSkipVerify;
  }

  /** The connection pool size to use: max_conns_per_host when set, else max_idle_conns_per_host. */
  public int poolSize() {
    int n = maxConnsPerHost > 0 ? maxConnsPerHost : Math.max(maxIdleConnsPerHost, maxIdleConns);
    return Math.max(n, 1);
  }
}
