package io.jthanos.objstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.config.ConfigException;
import io.jthanos.config.PathOrContent;
import io.jthanos.objstore.filesystem.FilesystemBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BucketsTest {
  @TempDir Path tmp;
  private final BucketContext ctx = new BucketContext("test");

  @Test
  void filesystemFromConfigTypeIsCaseInsensitiveAndPrefixed() throws Exception {
    String yaml =
        "type: filesystem\nconfig:\n  directory: " + tmp + "\nprefix: tenant/x\n---\ntype: S3\n";
    try (Bucket b = Buckets.create(yaml, ctx, new SimpleMeterRegistry())) {
      b.upload("a/b", new byte[] {1, 2});
      assertThat(Files.readAllBytes(tmp.resolve("tenant/x/a/b"))).containsExactly(1, 2);
      assertThat(b.list("", true)).containsExactly("a/b");
      assertThat(b.name()).isEqualTo(tmp.getFileName().toString());
    }
  }

  @Test
  void configFileWithEnvironmentSubstitution() throws Exception {
    Path f = tmp.resolve("objstore.yml");
    Files.writeString(f, "type: FILESYSTEM\nconfig:\n  directory: $(BUCKET_DIR)\n");
    PathOrContent flags =
        new PathOrContent("objstore.config-file", "objstore.config", f.toString(), null);
    String text = flags.read(Map.of("BUCKET_DIR", tmp.resolve("d").toString())::get).orElseThrow();
    try (Bucket b = Buckets.create(text, ctx, new SimpleMeterRegistry())) {
      b.upload("x", new byte[] {1});
    }
    assertThat(tmp.resolve("d/x")).exists();
    assertThatThrownBy(
            () ->
                Buckets.fromFlags(
                    new PathOrContent("objstore.config-file", "objstore.config", null, null),
                    "store",
                    new SimpleMeterRegistry()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--objstore.config-file or --objstore.config is required");
  }

  @Test
  void unknownKeysAndTypesAreNamed() {
    assertThatThrownBy(() -> BucketConfig.parse("type: S3\nconfg: {}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key \"confg\"")
        .hasMessageContaining("valid keys: config, prefix, type");
    assertThatThrownBy(() -> Buckets.create("type: S4\n", ctx, new SimpleMeterRegistry()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown type \"S4\"")
        .hasMessageContaining("AZURE, FILESYSTEM, GCS, S3");
    assertThatThrownBy(() -> BucketConfig.parse("config: {}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("missing key \"type\"");
    assertThatThrownBy(
            () ->
                Buckets.create(
                    "type: FILESYSTEM\nconfig:\n  directory: /x\n  dir: y\n",
                    ctx,
                    new SimpleMeterRegistry()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key \"config.dir\"")
        .hasMessageContaining("valid keys: directory")
        .extracting(e -> ((ConfigException) e).key())
        .isEqualTo("config.dir");
    assertThatThrownBy(
            () -> Buckets.create("type: FILESYSTEM\nconfig: {}\n", ctx, new SimpleMeterRegistry()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("missing directory for filesystem bucket");
  }

  @Test
  void unsupportedTypesNameTheS3Alternative() {
    for (String t : new String[] {"COS", "ALIYUNOSS", "BOS", "OCI", "OBS", "swift"}) {
      assertThatThrownBy(() -> Buckets.provider(t))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("not supported yet")
          .hasMessageContaining("type S3");
    }
  }

  @Test
  void filesystemProviderIsFoundThroughTheServiceLoader() throws Exception {
    assertThat(Buckets.providers()).containsKey("FILESYSTEM");
    try (Bucket b =
        Buckets.createUninstrumented(
            BucketConfig.parse("type: FILESYSTEM\nconfig:\n  directory: " + tmp), ctx)) {
      assertThat(b).isInstanceOf(FilesystemBucket.class);
    }
  }
}
