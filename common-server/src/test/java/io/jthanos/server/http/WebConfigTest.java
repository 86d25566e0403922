package io.jthanos.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.jthanos.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebConfigTest {

  private static String basic(String user, String pass) {
    return "Basic "
        + Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void basicAuthWithBcryptHashes(@TempDir Path dir) throws Exception {
    // $2y$ as htpasswd writes it, and $2a$.
    String y = new String(BCrypt.with(BCrypt.Version.VERSION_2Y).hash(4, "pw".toCharArray()));
    String a = new String(BCrypt.with(BCrypt.Version.VERSION_2A).hash(4, "other".toCharArray()));
    Path f = dir.resolve("web.yml");
    Files.writeString(f, "basic_auth_users:\n  bob: " + y + "\n  eve: '" + a + "'\n");
    WebConfig w = WebConfig.load(f.toString());
    assertThat(w.requiresAuth()).isTrue();
    assertThat(w.authorize(basic("bob", "pw"))).isTrue();
    assertThat(w.authorize(basic("bob", "pw"))).isTrue(); // cached path
    assertThat(w.authorize(basic("eve", "other"))).isTrue();
    assertThat(w.authorize(basic("bob", "wrong"))).isFalse();
    assertThat(w.authorize(basic("nobody", "pw"))).isFalse();
    assertThat(w.authorize(null)).isFalse();
    assertThat(w.authorize("Bearer x")).isFalse();
    assertThat(w.tls()).isNull();
  }

  @Test
  void unknownKeysAreNamed(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("web.yml");
    Files.writeString(f, "tls_server_config:\n  cert_file: a\n  keyfile: b\n");
    assertThatThrownBy(() -> WebConfig.load(f.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tls_server_config.keyfile");
  }

  @Test
  void plainTextPasswordsAreRejected(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("web.yml");
    Files.writeString(f, "basic_auth_users:\n  bob: secret\n");
    assertThatThrownBy(() -> WebConfig.load(f.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("basic_auth_users.bob");
  }

  @Test
  void clientCaNeedsAPolicy(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("web.yml");
    Files.writeString(
        f, "tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: c\n");
    assertThatThrownBy(() -> WebConfig.load(f.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("client auth policy");
  }

  @Test
  void emptyPathMeansNothing() {
    assertThat(WebConfig.load("").requiresAuth()).isFalse();
  }
}
