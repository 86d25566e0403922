package io.jthanos.server.http;

import io.jthanos.server.HostPort;
import java.time.Duration;

/**
 * Settings of one HTTP server.
 *
 * @param maxRequestBytes largest accepted request body (larger gets 413)
 */
public record HttpServerConfig(
    HostPort address, Duration gracePeriod, WebConfig webConfig, int maxRequestBytes) {
  public static final int DEFAULT_MAX_REQUEST_BYTES = 64 << 20;

  public HttpServerConfig(HostPort address, Duration gracePeriod, WebConfig webConfig) {
    this(address, gracePeriod, webConfig, DEFAULT_MAX_REQUEST_BYTES);
  }
}
