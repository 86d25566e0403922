package io.jthanos.server.flags;

import io.jthanos.config.ConfigMapper;
import io.jthanos.config.PathOrContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/**
 * {@code --tracing.config-file} / {@code --tracing.config}: accepted for compatibility; tracing is
 * not implemented yet, so a given config is checked to be YAML and then ignored (a no-op tracer).
 */
public final class TracingOptions {
  private static final Logger LOG = LoggerFactory.getLogger(TracingOptions.class);

  @Option(
      names = "--tracing.config-file",
      defaultValue = "",
      showDefaultValue = Visibility.NEVER,
      paramLabel = "<file-path>",
      description =
          "Path to YAML file with tracing configuration. Accepted for compatibility; tracing is"
              + " not implemented yet (a no-op tracer is used).")
  public String file;

  @Option(
      names = "--tracing.config",
      defaultValue = "",
      showDefaultValue = Visibility.NEVER,
      paramLabel = "<content>",
      description =
          "Alternative to 'tracing.config-file' flag (mutually exclusive). Content of YAML file"
              + " with tracing configuration. Accepted; tracing is a no-op for now.")
  public String content;

  public PathOrContent config() {
    return new PathOrContent("tracing.config-file", "tracing.config", file, content);
  }

  /** Validates the config (env substitution, YAML syntax) and reports that it is not used. */
  public void apply() {
    config()
        .read()
        .filter(s -> !s.isBlank())
        .ifPresent(
            yaml -> {
              ConfigMapper.readTree(yaml, "tracing config");
              LOG.atInfo().log("tracing is not implemented; using a no-op tracer");
            });
  }
}
