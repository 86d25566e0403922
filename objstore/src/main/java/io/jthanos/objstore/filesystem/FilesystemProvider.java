package io.jthanos.objstore.filesystem;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.jthanos.config.ConfigException;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.BucketConfig;
import io.jthanos.objstore.BucketContext;
import io.jthanos.objstore.BucketProvider;
import java.io.IOException;
import java.nio.file.Path;

/** {@code type: FILESYSTEM}: {@code directory} (required). */
public final class FilesystemProvider implements BucketProvider {

  /** The keys of {@code type: FILESYSTEM}. */
  public static final class Config {
    @JsonProperty("directory")
    public String directory = "";
  }

  @Override
  public String type() {
    return "FILESYSTEM";
  }

  @Override
  public Bucket create(JsonNode config, BucketContext ctx) throws IOException {
    Config c = BucketConfig.bind(config, Config.class);
    if (c.directory == null || c.directory.isBlank()) {
      throw new ConfigException(
          BucketConfig.bindWhat() + ": missing directory for filesystem bucket",
          "config.directory");
    }
    return new FilesystemBucket(Path.of(c.directory));
  }
}
