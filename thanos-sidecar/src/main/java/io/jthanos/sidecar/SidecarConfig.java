package io.jthanos.sidecar;

import io.jthanos.block.metadata.HashFunc;
import io.jthanos.config.TimeOrDuration;
import io.jthanos.sidecar.promclient.HttpClientConfig;
import io.jthanos.storeapi.StoreLimits;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The sidecar's flags, parsed and validated once.
 *
 * @param bucketYaml the object store config ({@code $(VAR)} substituted); empty = no uploads
 */
public record SidecarConfig(
    URI prometheusUrl,
    Duration readyTimeout,
    Duration getConfigInterval,
    Duration getConfigTimeout,
    HttpClientConfig httpClient,
    Path tsdbPath,
    Optional<String> bucketYaml,
    Reloader reloader,
    Shipper shipper,
    StoreLimits limits,
    TimeOrDuration minTime) {

  /** {@code --reloader.*}; {@code configFile}/{@code envsubstFile} null when not set. */
  public record Reloader(
      Path configFile,
      Path envsubstFile,
      List<Path> ruleDirs,
      Duration watchInterval,
      Duration retryInterval,
      String method,
      String processName) {}

  /** {@code --shipper.*} and {@code --hash-func}. */
  public record Shipper(
      boolean uploadCompacted,
      boolean ignoreUnequalBlockSize,
      boolean allowOutOfOrderUploads,
      boolean skipCorruptedBlocks,
      HashFunc hashFunc,
      String metaFileName,
      int uploadConcurrency) {}
}
