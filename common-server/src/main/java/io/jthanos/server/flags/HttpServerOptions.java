package io.jthanos.server.flags;

import io.jthanos.server.HostPort;
import io.jthanos.server.http.HttpServerConfig;
import io.jthanos.server.http.WebConfig;
import java.time.Duration;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/**
 * Thanos' HTTP server flags: {@code --http-address}, {@code --http-grace-period}, {@code
 * --http.config}.
 */
public final class HttpServerOptions {
  @Option(
      names = "--http-address",
      defaultValue = "0.0.0.0:10902",
      paramLabel = "<address>",
      description = "Listen host:port for HTTP endpoints.")
  public String address;

  @Option(
      names = "--http-grace-period",
      defaultValue = "2m",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description = "Time to wait after an interrupt received for HTTP Server.")
  public Duration gracePeriod;

  @Option(
      names = "--http.config",
      defaultValue = "",
      showDefaultValue = Visibility.NEVER,
      paramLabel = "<filename>",
      description =
          "[EXPERIMENTAL] Path to the configuration file that can enable TLS or authentication for"
              + " all HTTP endpoints.")
  public String webConfigFile;

  /** Validates the flags (reads and checks {@code --http.config}). */
  public HttpServerConfig toConfig() {
    return new HttpServerConfig(
        HostPort.parse(address, "http-address"), gracePeriod, WebConfig.load(webConfigFile));
  }
}
