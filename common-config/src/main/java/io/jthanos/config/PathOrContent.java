package io.jthanos.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * The Thanos pair of flags {@code --X-file=<path>} / {@code --X=<content>} for one config: at most
 * one may be set; the content (read from the file when given) gets {@code $(VAR)} substitution.
 *
 * @param fileFlag flag name of the path form, e.g. {@code objstore.config-file}
 * @param contentFlag flag name of the inline form, e.g. {@code objstore.config}
 */
public record PathOrContent(String fileFlag, String contentFlag, String path, String content) {

  /** The config text, or empty when neither flag is set. */
  public Optional<String> read() {
    return read(System::getenv);
  }

  public Optional<String> read(Function<String, String> env) {
    boolean hasPath = path != null && !path.isEmpty();
    boolean hasContent = content != null && !content.isEmpty();
    if (hasPath && hasContent) {
      throw new ConfigException(
          "both --" + fileFlag + " and --" + contentFlag + " flags set", contentFlag);
    }
    String text;
    if (hasPath) {
      try {
        text = Files.readString(Path.of(path));
      } catch (IOException e) {
        throw new ConfigException(
            "reading file for --" + fileFlag + ": " + path + ": " + e.getMessage(), fileFlag, e);
      }
    } else if (hasContent) {
      text = content;
    } else {
      return Optional.empty();
    }
    try {
      return Optional.of(EnvSubstitution.expand(text, env));
    } catch (ConfigException e) {
      String flag = hasPath ? fileFlag : contentFlag;
      throw new ConfigException(
          "expanding environment variables in --" + flag + ": " + e.getMessage(), flag, e);
    }
  }

  /** Like {@link #read()} but one of the two flags must be set with non-empty content. */
  public String readRequired() {
    return read()
        .filter(s -> !s.isBlank())
        .orElseThrow(
            () ->
                new ConfigException(
                    "flag --"
                        + fileFlag
                        + " or --"
                        + contentFlag
                        + " is required for running this command and content cannot be empty",
                    contentFlag));
  }
}
