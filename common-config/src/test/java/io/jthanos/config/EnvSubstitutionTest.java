package io.jthanos.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvSubstitutionTest {
  private final Map<String, String> env = Map.of("KEY", "s3cr$t\\x", "B", "bucket");

  @Test
  void replacesReferencesLiterally() {
    assertThat(EnvSubstitution.expand("k: $(KEY)\nb: $(B)-$(B)", env::get))
        .isEqualTo("k: s3cr$t\\x\nb: bucket-bucket");
  }

  @Test
  void leavesOtherDollarFormsAlone() {
    assertThat(EnvSubstitution.expand("a: ${KEY} $KEY $(not-valid)", env::get))
        .isEqualTo("a: ${KEY} $KEY $(not-valid)");
  }

  @Test
  void unsetVariableIsAnError() {
    assertThatThrownBy(() -> EnvSubstitution.expand("a: $(MISSING)", env::get))
        .isInstanceOf(ConfigException.class)
        .hasMessage("found reference to unset environment variable \"MISSING\"");
  }

  @Test
  void pathOrContent(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, "bucket: $(B)");
    assertThat(new PathOrContent("x.config-file", "x.config", f.toString(), null).read(env::get))
        .contains("bucket: bucket");
    assertThat(new PathOrContent("x.config-file", "x.config", null, "v: $(B)").read(env::get))
        .contains("v: bucket");
    assertThat(new PathOrContent("x.config-file", "x.config", null, null).read(env::get)).isEmpty();
    assertThatThrownBy(
            () -> new PathOrContent("x.config-file", "x.config", f.toString(), "a").read(env::get))
        .hasMessage("both --x.config-file and --x.config flags set");
    assertThatThrownBy(() -> new PathOrContent("x.config-file", "x.config", "", "").readRequired())
        .hasMessageContaining("flag --x.config-file or --x.config is required");
    assertThatThrownBy(
            () -> new PathOrContent("x.config-file", "x.config", null, "$(NOPE)").read(env::get))
        .hasMessageContaining("--x.config")
        .hasMessageContaining("\"NOPE\"");
  }
}
