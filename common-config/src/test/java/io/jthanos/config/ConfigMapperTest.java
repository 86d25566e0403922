package io.jthanos.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigMapperTest {
  record Tls(@JsonProperty("ca_file") String caFile) {}

  record Http(
      @JsonProperty("idle_conn_timeout") Duration idle, @JsonProperty("tls_config") Tls tls) {}

  record Cfg(String bucket, @JsonProperty("http_config") Http http, List<String> items) {}

  @Test
  void bindsDurationsAndNesting() {
    Cfg c =
        ConfigMapper.bindYaml(
            "bucket: b\nhttp_config:\n  idle_conn_timeout: 1m30s\n  tls_config:\n    ca_file: /ca\nitems: [a, b]\n",
            Cfg.class,
            "test config");
    assertThat(c.bucket()).isEqualTo("b");
    assertThat(c.http().idle()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.http().tls().caFile()).isEqualTo("/ca");
  }

  @Test
  void unknownKeyNamesPathAndValidKeys() {
    assertThatThrownBy(
            () ->
                ConfigMapper.bindYaml(
                    "bucket: b\nhttp_config:\n  tls_config:\n    ca_flie: x\n",
                    Cfg.class,
                    "test config"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("test config: unknown key \"http_config.tls_config.ca_flie\"")
        .hasMessageContaining("valid keys: ca_file")
        .extracting(e -> ((ConfigException) e).key())
        .isEqualTo("http_config.tls_config.ca_flie");
  }

  @Test
  void badValueNamesKey() {
    assertThatThrownBy(
            () ->
                ConfigMapper.bindYaml("http_config:\n  idle_conn_timeout: soon\n", Cfg.class, "c"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("invalid value for key \"http_config.idle_conn_timeout\"");
  }

  @Test
  void syntaxError() {
    assertThatThrownBy(() -> ConfigMapper.bindYaml("bucket: 'unterminated\n", Cfg.class, "c"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("c: invalid YAML");
  }
}
