package io.jthanos.sidecar;

import io.jthanos.block.metadata.HashFunc;
import io.jthanos.block.shipper.ShipperMeta;
import io.jthanos.config.ConfigException;
import io.jthanos.config.PathOrContent;
import io.jthanos.config.TimeOrDuration;
import io.jthanos.server.Component;
import io.jthanos.server.ComponentCommand;
import io.jthanos.server.ComponentMain;
import io.jthanos.server.flags.DurationConverter;
import io.jthanos.server.flags.GrpcServerOptions;
import io.jthanos.server.flags.HttpServerOptions;
import io.jthanos.server.flags.ObjstoreOptions;
import io.jthanos.sidecar.promclient.HttpClientConfig;
import io.jthanos.storeapi.StoreLimits;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code thanos sidecar}: flags as Thanos' (names, defaults, help), composed by {@link Sidecar}.
 */
@Command(name = "sidecar", description = "Sidecar for Prometheus server.")
public final class SidecarCommand extends ComponentCommand {

  @Mixin HttpServerOptions http;
  @Mixin GrpcServerOptions grpc;

  @Option(
      names = "--prometheus.url",
      defaultValue = "http://localhost:9090",
      paramLabel = "<url>",
      converter = UrlConverter.class,
      description =
          "URL at which to reach Prometheus's API. For better performance use local network.")
  URI prometheusUrl;

  @Option(
      names = "--prometheus.ready_timeout",
      defaultValue = "10m",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description = "Maximum time to wait for the Prometheus instance to start up")
  Duration readyTimeout;

  @Option(
      names = "--prometheus.get_config_interval",
      defaultValue = "30s",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description = "How often to get Prometheus config")
  Duration getConfigInterval;

  @Option(
      names = "--prometheus.get_config_timeout",
      defaultValue = "30s",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description = "Timeout for getting Prometheus config")
  Duration getConfigTimeout;

  @Option(
      names = "--prometheus.http-client-file",
      defaultValue = "",
      showDefaultValue = Visibility.NEVER,
      paramLabel = "<file-path>",
      description =
          "Path to YAML file or string with http client configs. See Format details:"
              + " https://thanos.io/tip/components/sidecar.md/#configuration.")
  String httpClientFile;

  @Option(
      names = "--prometheus.http-client",
      defaultValue = "",
      showDefaultValue = Visibility.NEVER,
      paramLabel = "<content>",
      description =
          "Alternative to 'prometheus.http-client-file' flag (mutually exclusive). Content of YAML"
              + " file or string with http client configs. See Format details:"
              + " https://thanos.io/tip/components/sidecar.md/#configuration.")
  String httpClientContent;

  @Option(
      names = "--tsdb.path",
      defaultValue = "./data",
      paramLabel = "<path>",
      description = "Data directory of TSDB.")
  Path tsdbPath;

  @Option(
      names = "--reloader.config-file",
      defaultValue = "",
      paramLabel = "<file>",
      description = "Config file watched by the reloader.")
  String reloaderConfigFile;

  @Option(
      names = "--reloader.config-envsubst-file",
      defaultValue = "",
      paramLabel = "<file>",
      description = "Output file for environment variable substituted config file.")
  String reloaderEnvsubstFile;

  @Option(
      names = "--reloader.rule-dir",
      paramLabel = "<dir>",
      description = "Rule directories for the reloader to refresh (repeated field).")
  List<String> reloaderRuleDirs = new ArrayList<>();

  @Option(
      names = "--reloader.watch-interval",
      defaultValue = "3m",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description = "Controls how often reloader re-reads config and rules.")
  Duration reloaderWatchInterval;

  @Option(
      names = "--reloader.retry-interval",
      defaultValue = "5s",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description = "Controls how often reloader retries config reload in case of error.")
  Duration reloaderRetryInterval;

  @Option(
      names = "--reloader.method",
      defaultValue = "http",
      paramLabel = "<method>",
      converter = MethodConverter.class,
      description = "Method used to reload the configuration. One of: http, signal.")
  String reloaderMethod;

  @Option(
      names = "--reloader.process-name",
      defaultValue = "prometheus",
      paramLabel = "<name>",
      description =
          "Executable name used to match the process being reloaded when using the signal method.")
  String reloaderProcessName;

  @Mixin ObjstoreOptions objstore;

  @Option(
      names = "--shipper.upload-compacted",
      negatable = true,
      defaultValue = "false",
      description =
          "If true shipper will try to upload compacted blocks as well. Useful for migration"
              + " purposes. Works only if compaction is disabled on Prometheus. Do it once and then"
              + " disable the flag when done.")
  boolean uploadCompacted;

  @Option(
      names = "--shipper.ignore-unequal-block-size",
      hidden = true,
      negatable = true,
      defaultValue = "false",
      description =
          "If true shipper will not require prometheus min and max block size flags to be set to"
              + " the same value. Only use this if you want to keep long retention and compaction"
              + " enabled on your Prometheus instance, as in the worst case it can result in ~2h"
              + " data loss for your Thanos bucket storage.")
  boolean ignoreUnequalBlockSize;

  @Option(
      names = "--shipper.allow-out-of-order-uploads",
      hidden = true,
      negatable = true,
      defaultValue = "false",
      description =
          "If true, shipper will skip failed block uploads in the given iteration and retry later."
              + " This means that some newer blocks might be uploaded sooner than older blocks.")
  boolean allowOutOfOrderUploads;

  @Option(
      names = "--shipper.skip-corrupted-blocks",
      hidden = true,
      negatable = true,
      defaultValue = "false",
      description =
          "If true, shipper will skip corrupted blocks in the given iteration and retry later."
              + " This means that some newer blocks might be uploaded sooner than older blocks.")
  boolean skipCorruptedBlocks;

  @Option(
      names = "--hash-func",
      defaultValue = "",
      paramLabel = "<func>",
      converter = HashFuncConverter.class,
      description =
          "Specify which hash function to use when calculating the hashes of produced files. If no"
              + " function has been specified, it does not happen. This permits avoiding"
              + " downloading some files twice albeit at some performance cost. Possible values"
              + " are: \"\", \"SHA256\".")
  HashFunc hashFunc;

  @Option(
      names = "--shipper.meta-file-name",
      defaultValue = ShipperMeta.DEFAULT_FILE_NAME,
      paramLabel = "<name>",
      description = "the file to store shipper metadata in")
  String shipperMetaFileName;

  @Option(
      names = "--shipper.upload-concurrency",
      defaultValue = "0",
      paramLabel = "<n>",
      description = "Number of goroutines to use when uploading block files to object storage.")
  int uploadConcurrency;

  @Option(
      names = "--store.limits.request-series",
      defaultValue = "0",
      paramLabel = "<n>",
      description =
          "The maximum series allowed for a single Series request. The Series call fails if this"
              + " limit is exceeded. 0 means no limit.")
  long limitSeries;

  @Option(
      names = "--store.limits.request-samples",
      defaultValue = "0",
      paramLabel = "<n>",
      description =
          "The maximum samples allowed for a single Series request, The Series call fails if this"
              + " limit is exceeded. 0 means no limit. NOTE: For efficiency the limit is internally"
              + " implemented as 'chunks limit' considering each chunk contains a maximum of 120"
              + " samples.")
  long limitSamples;

  @Option(
      names = "--min-time",
      defaultValue = "0000-01-01T00:00:00Z",
      paramLabel = "<time>",
      converter = TimeOrDurationConverter.class,
      description =
          "Start of time range limit to serve. Thanos sidecar will serve only metrics, which"
              + " happened later than this value. Option can be a constant time in RFC3339 format"
              + " or time duration relative to current time, such as -1d or 2h45m. Valid duration"
              + " units are ms, s, m, h, d, w, y.")
  TimeOrDuration minTime;

  public static void main(String[] args) {
    ComponentMain.main(new SidecarCommand(), args);
  }

  @Override
  protected String component() {
    return "sidecar";
  }

  @Override
  protected void compose(Component c) throws Exception {
    SidecarConfig cfg = config();
    Sidecar.compose(c, cfg, http, grpc.toConfig());
  }

  /** The flags, validated, as one record. */
  SidecarConfig config() {
    HttpClientConfig httpClient =
        HttpClientConfig.parse(
            new PathOrContent(
                    "prometheus.http-client-file",
                    "prometheus.http-client",
                    httpClientFile,
                    httpClientContent)
                .read()
                .orElse(""));
    if (limitSeries < 0 || limitSamples < 0) {
      throw new ConfigException(
          "store limits must not be negative",
          limitSeries < 0 ? "store.limits.request-series" : "store.limits.request-samples");
    }
    if (uploadConcurrency < 0) {
      throw new ConfigException(
          "--shipper.upload-concurrency must not be negative", "shipper.upload-concurrency");
    }
    if (!reloaderEnvsubstFile.isEmpty() && reloaderConfigFile.isEmpty()) {
      throw new ConfigException(
          "--reloader.config-envsubst-file needs --reloader.config-file",
          "reloader.config-envsubst-file");
    }
    Optional<String> bucket = objstore.config().read().filter(s -> !s.isBlank());
    return new SidecarConfig(
        prometheusUrl,
        readyTimeout,
        getConfigInterval,
        getConfigTimeout,
        httpClient,
        tsdbPath,
        bucket,
        new SidecarConfig.Reloader(
            reloaderConfigFile.isEmpty() ? null : Path.of(reloaderConfigFile),
            reloaderEnvsubstFile.isEmpty() ? null : Path.of(reloaderEnvsubstFile),
            reloaderRuleDirs.stream().map(Path::of).toList(),
            reloaderWatchInterval,
            reloaderRetryInterval,
            reloaderMethod,
            reloaderProcessName),
        new SidecarConfig.Shipper(
            uploadCompacted,
            ignoreUnequalBlockSize,
            allowOutOfOrderUploads,
            skipCorruptedBlocks,
            hashFunc,
            shipperMetaFileName,
            uploadConcurrency),
        new StoreLimits(limitSeries, limitSamples, 0),
        minTime);
  }

  /** A URL with a scheme and host (kingpin's {@code URLVar}). */
  static final class UrlConverter implements ITypeConverter<URI> {
    @Override
    public URI convert(String value) {
      try {
        URI u = new URI(value);
        if (u.getScheme() == null || u.getHost() == null) {
          throw new TypeConversionException("invalid URL '" + value + "'");
        }
        return u;
      } catch (URISyntaxException e) {
        throw new TypeConversionException("invalid URL '" + value + "': " + e.getMessage());
      }
    }
  }

  static final class MethodConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if (!value.equals("http") && !value.equals("signal")) {
        throw new TypeConversionException(
            "enum value must be one of http,signal, got '" + value + "'");
      }
      return value;
    }
  }

  static final class HashFuncConverter implements ITypeConverter<HashFunc> {
    @Override
    public HashFunc convert(String value) {
      return switch (value) {
        case "" -> HashFunc.NONE;
        case "SHA256" -> HashFunc.SHA256;
        default ->
            throw new TypeConversionException(
                "enum value must be one of SHA256,, got '" + value + "'");
      };
    }
  }

  static final class TimeOrDurationConverter implements ITypeConverter<TimeOrDuration> {
    @Override
    public TimeOrDuration convert(String value) {
      try {
        return TimeOrDuration.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
