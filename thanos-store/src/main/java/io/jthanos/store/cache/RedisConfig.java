package io.jthanos.store.cache;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/** Thanos' redis client config ({@code type: REDIS}), with Thanos' defaults. */
public final class RedisConfig {
  @JsonProperty("addr")
  public String addr = "";

  @JsonProperty("username")
  public String username = "";

  @JsonProperty("password")
  public String password = "";

  @JsonProperty("db")
  public int db = 0;

  @JsonProperty("dial_timeout")
  public Duration dialTimeout = Duration.ofSeconds(5);

  @JsonProperty("read_timeout")
  public Duration readTimeout = Duration.ofSeconds(3);

  @JsonProperty("write_timeout")
  public Duration writeTimeout = Duration.ofSeconds(3);

  /** Accepted for compatibility: Lettuce multiplexes one connection. */
  @JsonProperty("pool_size")
  public int poolSize = 100;

  /** Accepted for compatibility: Lettuce multiplexes one connection. */
  @JsonProperty("min_idle_conns")
  public int minIdleConns = 10;

  /** Accepted for compatibility: Lettuce multiplexes one connection. */
  @JsonProperty("idle_timeout")
  public Duration idleTimeout = Duration.ofMinutes(5);

  /** Accepted for compatibility: Lettuce multiplexes one connection. */
  @JsonProperty("max_conn_age")
  public Duration maxConnAge = Duration.ZERO;

  @JsonProperty("max_get_multi_concurrency")
  public int maxGetMultiConcurrency = 100;

  @JsonProperty("get_multi_batch_size")
  public int getMultiBatchSize = 100;

  @JsonProperty("max_set_multi_concurrency")
  public int maxSetMultiConcurrency = 100;

  @JsonProperty("set_multi_batch_size")
  public int setMultiBatchSize = 100;

  @JsonProperty("tls_enabled")
  public boolean tlsEnabled = false;

  @JsonProperty("tls_config")
  public Tls tlsConfig = new Tls();

  /** Client-side caching size; accepted for compatibility, not used. */
  @JsonProperty("cache_size")
  public Bytes cacheSize = new Bytes(0);

  /** Sentinel master name; non-empty selects Redis Sentinel. */
  @JsonProperty("master_name")
  public String masterName = "";

  /** Accepted for compatibility with newer Thanos versions. */
  @JsonProperty("max_async_buffer_size")
  public int maxAsyncBufferSize = 10000;

  /** Accepted for compatibility with newer Thanos versions. */
  @JsonProperty("max_async_concurrency")
  public int maxAsyncConcurrency = 20;

  /** Thanos' TLS settings for redis. */
  public static final class Tls {
    @JsonProperty("ca_file")
    public String caFile = "";

    @JsonProperty("cert_file")
    public String certFile = "";

    @JsonProperty("key_file")
    public String keyFile = "";

    @JsonProperty("server_name")
    public String serverName = "";

    @JsonProperty("insecure_skip_verify")
    public boolean insecureSkipVerify = false;
  }

  void validate() {
    if (addr == null || addr.isEmpty()) {
      throw new IllegalArgumentException("no redis addr provided");
    }
    if (tlsEnabled && tlsConfig.certFile.isEmpty() != tlsConfig.keyFile.isEmpty()) {
      throw new IllegalArgumentException("both client key and certificate must be provided");
    }
  }
}
