package io.jthanos.query;

import io.jthanos.server.flags.DurationConverter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Every {@code thanos query} flag beyond the shared HTTP/gRPC/logging ones, as Thanos names them.
 */
final class QueryFlags {
  // --- gRPC client (deprecated family in Thanos, still the way static endpoints get TLS)
  // -----------
  @Option(
      names = "--grpc-client-tls-secure",
      negatable = true,
      defaultValue = "false",
      description = "Deprecated after v0.43.0: Use TLS when talking to the gRPC server")
  boolean clientTlsSecure;

  @Option(
      names = "--grpc-client-tls-skip-verify",
      negatable = true,
      defaultValue = "false",
      description =
          "Deprecated after v0.43.0: Disable TLS certificate verification i.e self signed, signed by"
              + " fake CA")
  boolean clientTlsSkipVerify;

  @Option(
      names = "--grpc-client-tls-cert",
      defaultValue = "",
      paramLabel = "<file>",
      description =
          "Deprecated after v0.43.0: TLS Certificates to use to identify this client to the server")
  String clientTlsCert;

  @Option(
      names = "--grpc-client-tls-key",
      defaultValue = "",
      paramLabel = "<file>",
      description = "Deprecated after v0.43.0: TLS Key for the client's certificate")
  String clientTlsKey;

  @Option(
      names = "--grpc-client-tls-ca",
      defaultValue = "",
      paramLabel = "<file>",
      description = "Deprecated after v0.43.0: TLS CA Certificates to use to verify gRPC servers")
  String clientTlsCa;

  @Option(
      names = "--grpc-client-server-name",
      defaultValue = "",
      paramLabel = "<name>",
      description =
          "Deprecated after v0.43.0: Server name to verify the hostname on the returned gRPC"
              + " certificates. See https://tools.ietf.org/html/rfc4366#section-3.1")
  String clientServerName;

  @Option(
      names = "--grpc-compression",
      defaultValue = "none",
      paramLabel = "<algorithm>",
      description =
          "Deprecated after v0.43.0: Compression algorithm to use for gRPC requests to other"
              + " clients. Must be one of: snappy, none")
  String grpcCompression;

  @Option(
      names = "--grpc-client-tls-min-version",
      defaultValue = "1.3",
      paramLabel = "<version>",
      description =
          "Deprecated after v0.43.0: TLS supported minimum version for gRPC client. If no version"
              + " is specified, it'll default to 1.3. Allowed values: [\"1.0\", \"1.1\", \"1.2\","
              + " \"1.3\"]")
  String clientTlsMinVersion;

  // --- web
  // ------------------------------------------------------------------------------------------
  @Option(
      names = "--web.route-prefix",
      defaultValue = "",
      paramLabel = "<prefix>",
      description =
          "Prefix for API and UI endpoints. This allows thanos UI to be served on a sub-path."
              + " Defaults to the value of --web.external-prefix. This option is analogous to"
              + " --web.route-prefix of Prometheus.")
  String webRoutePrefix;

  @Option(
      names = "--web.external-prefix",
      defaultValue = "",
      paramLabel = "<prefix>",
      description =
          "Static prefix for all HTML links and redirect URLs in the UI query web interface."
              + " Actual endpoints are still served on / or the web.route-prefix. This allows"
              + " thanos UI to be served behind a reverse proxy that strips a URL sub-path.")
  String webExternalPrefix;

  @Option(
      names = "--web.prefix-header",
      defaultValue = "",
      paramLabel = "<header>",
      description =
          "Name of HTTP request header used for dynamic prefixing of UI links and redirects. This"
              + " option is ignored if web.external-prefix argument is set. Security risk: enable"
              + " this option only if a reverse proxy in front of thanos is resetting the header.")
  String webPrefixHeader;

  @Option(
      names = "--web.disable-cors",
      negatable = true,
      defaultValue = "false",
      description =
          "Whether to disable CORS headers to be set by Thanos. By default Thanos sets CORS"
              + " headers to be allowed by all.")
  boolean webDisableCors;

  // --- query engine
  // ---------------------------------------------------------------------------------
  @Option(
      names = "--query.timeout",
      defaultValue = "2m",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description = "Maximum time to process query by query node.")
  Duration queryTimeout;

  @Option(
      names = "--query.promql-engine",
      defaultValue = "prometheus",
      paramLabel = "<engine>",
      description =
          "Default PromQL engine to use. One of: prometheus, thanos (both run this project's"
              + " engine).")
  String promqlEngine;

  @Option(
      names = "--query.promql-semantics",
      hidden = true,
      defaultValue = "3",
      description = "PromQL semantics to imitate: 3 (Prometheus 3.x, default) or 2 (2.x).")
  String promqlSemantics;

  @Option(
      names = "--query.mode",
      defaultValue = "local",
      paramLabel = "<mode>",
      description = "PromQL query mode. One of: local.")
  String queryMode;

  @Option(
      names = "--query.max-concurrent",
      defaultValue = "20",
      paramLabel = "<n>",
      description = "Maximum number of queries processed concurrently by query node.")
  int maxConcurrent;

  @Option(
      names = "--query.lookback-delta",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description =
          "The maximum lookback duration for retrieving metrics during expression evaluations."
              + " If unset it will use the promql default of 5m.")
  Duration lookbackDelta;

  @Option(
      names = "--query.dynamic-lookback-delta",
      hidden = true,
      negatable = true,
      defaultValue = "true",
      description =
          "Allow for larger lookback duration for queries based on resolution (raise it to 1h"
              + " when data downsampled beyond 5m is used).")
  boolean dynamicLookbackDelta;

  @Option(
      names = "--query.max-concurrent-select",
      defaultValue = "4",
      paramLabel = "<n>",
      description = "Maximum number of select requests made concurrently per a query.")
  int maxConcurrentSelect;

  @Option(
      names = "--deduplication.func",
      defaultValue = "penalty",
      paramLabel = "<func>",
      description =
          "Experimental. Deduplication algorithm for merging overlapping series. Possible values"
              + " are: \"penalty\", \"chain\".")
  String dedupFunc;

  @Option(
      names = "--query.replica-label",
      split = ",",
      paramLabel = "<label>",
      description =
          "Labels to treat as a replica indicator along which data is deduplicated. Flag may be"
              + " specified multiple times as well as a comma separated list of labels.")
  List<String> replicaLabels = new ArrayList<>();

  @Option(
      names = "--query.metadata.default-time-range",
      defaultValue = "0s",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description =
          "The default metadata time range duration for retrieving labels through Labels and"
              + " Series API when the range parameters are not specified. The zero value means"
              + " range covers the time since the beginning.")
  Duration metadataDefaultTimeRange;

  @Option(
      names = "--selector-label",
      paramLabel = "<name>=\"<value>\"",
      description = "Query selector labels that will be exposed in info endpoint (repeated).")
  List<String> selectorLabels = new ArrayList<>();

  @Option(
      names = "--query.auto-downsampling",
      negatable = true,
      defaultValue = "false",
      description =
          "Enable automatic adjustment (step / 5) to what source of data should be used in store"
              + " gateways if no max_source_resolution param is specified.")
  boolean autoDownsampling;

  @Option(
      names = "--query.partial-response",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Enable partial response for queries if no partial_response param is specified."
              + " --no-query.partial-response for disabling.")
  boolean partialResponse;

  @Option(
      names = "--query.instant.default.max_source_resolution",
      hidden = true,
      defaultValue = "0s",
      converter = DurationConverter.class,
      description =
          "Default max_source_resolution of instant queries when auto downsampling applies.")
  Duration instantDefaultMaxSourceResolution;

  @Option(
      names = "--enable-feature",
      split = ",",
      paramLabel = "<feature>",
      description =
          "Comma separated feature names to enable. Valid options for now:"
              + " promql-experimental-functions (enables promql experimental functions in query)")
  List<String> features = new ArrayList<>();

  @Option(
      names = "--query.default-evaluation-interval",
      defaultValue = "1m",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description = "Set default evaluation interval for sub queries.")
  Duration defaultEvaluationInterval;

  @Option(
      names = "--query.default-step",
      defaultValue = "1s",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description =
          "Set default step for range queries. Default step is only used when step is not set in"
              + " UI. In such cases, Thanos UI will use default step to calculate resolution"
              + " (resolution = max(rangeSeconds / 250, defaultStep)).")
  Duration defaultStep;

  @Option(
      names = "--store.response-timeout",
      defaultValue = "0ms",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description =
          "If a Store doesn't send any data in this specified duration then a Store will be"
              + " ignored and partial data will be returned if it's enabled. 0 disables timeout.")
  Duration storeResponseTimeout;

  @Option(
      names = "--alert.query-url",
      defaultValue = "",
      paramLabel = "<url>",
      description = "The external Thanos Query URL that would be set in all alerts 'Source' field.")
  String alertQueryUrl;

  // --- tenancy
  // --------------------------------------------------------------------------------------
  @Option(
      names = "--query.tenant-header",
      defaultValue = "THANOS-TENANT",
      paramLabel = "<header>",
      description = "HTTP header to determine tenant.")
  String tenantHeader;

  @Option(
      names = "--query.default-tenant-id",
      defaultValue = "default-tenant",
      paramLabel = "<tenant>",
      description = "Default tenant ID to use if tenant header is not present")
  String defaultTenant;

  @Option(
      names = "--query.enforce-tenancy",
      negatable = true,
      defaultValue = "false",
      description =
          "Enforce tenancy on Query APIs. Responses are returned only if the label value of the"
              + " configured tenant-label-name and the value of the tenant header matches.")
  boolean enforceTenancy;

  @Option(
      names = "--query.tenant-label-name",
      defaultValue = "tenant_id",
      paramLabel = "<label>",
      description =
          "Label name to use when enforcing tenancy (if --query.enforce-tenancy is enabled).")
  String tenantLabel;

  // --- endpoints
  // ------------------------------------------------------------------------------------
  @Option(
      names = "--store.sd-dns-interval",
      defaultValue = "30s",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description = "Interval between DNS resolutions.")
  Duration dnsInterval;

  @Option(
      names = "--store.unhealthy-timeout",
      defaultValue = "5m",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description = "Timeout before an unhealthy store is cleaned from the store UI page.")
  Duration unhealthyTimeout;

  @Option(
      names = "--endpoint.info-timeout",
      hidden = true,
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "Timeout of gRPC Info requests, also their period.")
  Duration infoTimeout;

  @Option(
      names = "--endpoint.sd-config-file",
      paramLabel = "<file-path>",
      description = "Path to Config File with endpoint definitions")
  String endpointSdConfigFile;

  @Option(
      names = "--endpoint.sd-config",
      paramLabel = "<content>",
      description =
          "Alternative to 'endpoint.sd-config-file' flag (mutually exclusive). Content of Config"
              + " File with endpoint definitions")
  String endpointSdConfig;

  @Option(
      names = "--endpoint.sd-config-reload-interval",
      defaultValue = "5m",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description = "Interval between endpoint config refreshes")
  Duration endpointSdConfigReloadInterval;

  @Option(
      names = "--store.sd-files",
      paramLabel = "<path>",
      description =
          "(Deprecated) Path to files that contain addresses of store API servers. The path can"
              + " be a glob pattern (repeatable).")
  List<String> sdFiles = new ArrayList<>();

  @Option(
      names = "--store.sd-interval",
      defaultValue = "5m",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description =
          "(Deprecated) Refresh interval to re-read file SD files. It is used as a resync"
              + " fallback.")
  Duration sdInterval;

  @Option(
      names = "--endpoint",
      paramLabel = "<endpoint>",
      description =
          "(Deprecated): Addresses of statically configured Thanos API servers (repeatable). The"
              + " scheme may be prefixed with 'dns+' or 'dnssrv+' to detect Thanos API servers"
              + " through respective DNS lookups.")
  List<String> endpoints = new ArrayList<>();

  @Option(
      names = "--store",
      hidden = true,
      paramLabel = "<store>",
      description = "Removed in Thanos v0.38; kept as an alias of --endpoint.")
  List<String> stores = new ArrayList<>();

  @Option(
      names = "--endpoint-group",
      paramLabel = "<endpoint-group>",
      description =
          "(Deprecated, Experimental): DNS name of statically configured Thanos API server groups"
              + " (repeatable). Targets resolved from the DNS name will be queried in a"
              + " round-robin, instead of a fanout manner.")
  List<String> endpointGroups = new ArrayList<>();

  @Option(
      names = "--endpoint-strict",
      paramLabel = "<endpoint-strict>",
      description =
          "(Deprecated): Addresses of only statically configured Thanos API servers that are"
              + " always used, even if the health check fails. Useful if you have a caching layer"
              + " on top.")
  List<String> endpointStrict = new ArrayList<>();

  @Option(
      names = "--endpoint-group-strict",
      paramLabel = "<endpoint-group-strict>",
      description =
          "(Deprecated, Experimental): DNS name of statically configured Thanos API server groups"
              + " (repeatable) that are always used, even if the health check fails.")
  List<String> endpointGroupStrict = new ArrayList<>();

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
}
