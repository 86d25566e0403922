package io.jthanos.server.flags;

import io.jthanos.config.PathOrContent;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/** {@code --objstore.config-file} / {@code --objstore.config} (the bucket configuration YAML). */
public final class ObjstoreOptions {
  @Option(
      names = "--objstore.config-file",
      defaultValue = "",
      showDefaultValue = Visibility.NEVER,
      paramLabel = "<file-path>",
      description =
          "Path to YAML file that contains object store configuration. See format details:"
              + " https://thanos.io/tip/thanos/storage.md/#configuration")
  public String file;

  @Option(
      names = "--objstore.config",
      defaultValue = "",
      showDefaultValue = Visibility.NEVER,
      paramLabel = "<content>",
      description =
          "Alternative to 'objstore.config-file' flag (mutually exclusive). Content of YAML file"
              + " that contains object store configuration. See format details:"
              + " https://thanos.io/tip/thanos/storage.md/#configuration")
  public String content;

  /** The flag pair; {@code read()} applies {@code $(VAR)} substitution. */
  public PathOrContent config() {
    return new PathOrContent("objstore.config-file", "objstore.config", file, content);
  }
}
