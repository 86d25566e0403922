package io.jthanos.sidecar.promclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.config.ConfigException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpClientConfigTest {

  @Test
  void parsesThanosFormat() {
    HttpClientConfig c =
        HttpClientConfig.parse(
            """
            basic_auth:
              username: alice
              password_file: /secret
            proxy_url: http://proxy:3128
            tls_config:
              ca_file: /ca.pem
              server_name: prom.local
              insecure_skip_verify: false
            transport_config:
              max_idle_conns: 10
              response_header_timeout: 30s
              tls_handshake_timeout: 10s
            """);
    assertThat(c.basicAuth().username()).isEqualTo("alice");
    assertThat(c.basicAuth().passwordFile()).isEqualTo("/secret");
    assertThat(c.proxyUrl()).isEqualTo("http://proxy:3128");
    assertThat(c.tlsConfig().serverName()).isEqualTo("prom.local");
    assertThat(c.transportConfig().responseHeaderTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.transportConfig().maxIdleConns()).isEqualTo(10);
    assertThat(HttpClientConfig.parse("")).isEqualTo(HttpClientConfig.DEFAULT);
  }

  @Test
  void rejectsUnknownKeysAndConflicts() {
    assertThatThrownBy(() -> HttpClientConfig.parse("bearer_tokn: x"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bearer_tokn");
    assertThatThrownBy(() -> HttpClientConfig.parse("bearer_token: a\nbearer_token_file: /b\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("at most one");
    assertThatThrownBy(
            () -> HttpClientConfig.parse("basic_auth:\n  username: u\nbearer_token: t\n"))
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> HttpClientConfig.parse("tls_config:\n  cert_file: /c.pem\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("key_file");
  }

  @Test
  void selectorsAndTimesAsPrometheusTakesThem() {
    assertThat(
            PrometheusClient.selector(
                List.of(
                    io.jthanos.tsdb.labels.Matcher.equal("__name__", "up"),
                    io.jthanos.tsdb.labels.Matcher.regex("job", "a\"b|c\\d"))))
        .isEqualTo("{__name__=\"up\",job=~\"a\\\"b|c\\\\d\"}");
    assertThat(PrometheusClient.seconds(1_700_000_000_123L)).isEqualTo("1700000000.123");
    assertThat(PrometheusClient.seconds(1_700_000_000_000L)).isEqualTo("1700000000");
    assertThat(PrometheusClient.seconds(-1500)).isEqualTo("-2.500");
  }
}
