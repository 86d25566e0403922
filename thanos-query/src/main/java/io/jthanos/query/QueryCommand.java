package io.jthanos.query;

import io.jthanos.config.ConfigException;
import io.jthanos.config.PathOrContent;
import io.jthanos.promql.Engine;
import io.jthanos.promql.EngineOptions;
import io.jthanos.promql.PromqlSemantics;
import io.jthanos.query.api.FanoutApi;
import io.jthanos.query.api.QueryApi;
import io.jthanos.query.api.StoresApi;
import io.jthanos.query.dedup.DedupAlgorithm;
import io.jthanos.query.querier.StoreQueryable;
import io.jthanos.query.store.EndpointSdConfig;
import io.jthanos.query.store.EndpointSet;
import io.jthanos.query.store.EndpointSpec;
import io.jthanos.query.store.ProxyStore;
import io.jthanos.query.store.ProxyStoreService;
import io.jthanos.query.ui.QueryUi;
import io.jthanos.server.Component;
import io.jthanos.server.ComponentCommand;
import io.jthanos.server.api.ApiResult;
import io.jthanos.server.discovery.DnsProvider;
import io.jthanos.server.discovery.DnsResolver;
import io.jthanos.server.flags.GrpcServerOptions;
import io.jthanos.server.flags.HttpServerOptions;
import io.jthanos.server.http.Response;
import io.jthanos.server.http.Router;
import io.jthanos.storeapi.ClientTls;
import io.jthanos.storeapi.ComponentType;
import io.jthanos.storeapi.InfoService;
import io.jthanos.storeapi.StoreClientConfig;
import io.jthanos.storeapi.Tenancy;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.LabelsBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code thanos query}: flags to config, then the HTTP API, UI, fan-out and StoreAPI server. */
@Command(
    name = "query",
    description =
        "Query node exposing PromQL enabled Query API with data retrieved from multiple store"
            + " nodes.")
public final class QueryCommand extends ComponentCommand {
  @Mixin HttpServerOptions http;
  @Mixin GrpcServerOptions grpc;
  @Mixin QueryFlags q;

  /** Overrides DNS lookups (tests run a name server on loopback); empty = the system's. */
  static volatile String dnsServerForTests = System.getProperty("jthanos.dns.server", "");

  @Override
  protected String component() {
    return "query";
  }

  @Override
  protected boolean cors() {
    return !q.webDisableCors;
  }

  @Override
  protected void compose(Component c) throws Exception {
    QueryConfig cfg = config();
    Engine engine = new Engine(cfg.engineOptions());
    DnsProvider dns =
        new DnsProvider(
            dnsServerForTests.isEmpty()
                ? DnsResolver.system()
                : DnsResolver.usingServer(dnsServerForTests));
    EndpointSet endpoints =
        new EndpointSet(cfg.endpoints(), dns, Clock.systemUTC()).metrics(c.registry());
    c.onClose(endpoints::close);
    ProxyStore proxy =
        new ProxyStore(endpoints, cfg.storeResponseTimeout())
            .limits(cfg.limitSeries(), cfg.limitSamples());

    String prefix = cfg.routePrefix();
    Router r = c.router();
    if (!prefix.isEmpty()) {
      String target = prefix + "/";
      r.get("/", "root_redirect", req -> Response.text(302, "").header("Location", target));
      r.get(prefix, "prefix_redirect", req -> Response.text(302, "").header("Location", target));
      r.get(
          prefix + "/api/v1/status/flags",
          "status_flags",
          c.api().wrap(req -> ApiResult.of(flagValues())));
      r.get(
          prefix + "/api/v1/status/buildinfo",
          "status_build_info",
          c.api().wrap(req -> ApiResult.of(c.buildInfo().apiData())));
      r.options(prefix + "/api/v1/*path", "options", c.api().options());
    }
    QueryApi api =
        new QueryApi(
            engine,
            so -> new StoreQueryable(proxy, so, cfg.maxConcurrentSelect()),
            cfg.apiSettings(),
            Clock.systemUTC());
    api.register(r, c.api(), prefix);
    new StoresApi(endpoints).register(r, c.api(), prefix);
    new FanoutApi(endpoints, cfg.apiSettings()).register(r, c.api(), prefix);
    new QueryUi(cfg.externalPrefix(), cfg.prefixHeader()).register(r, prefix);

    ProxyStoreService storeService = new ProxyStoreService(proxy, endpoints, cfg.selectorLabels());
    InfoService info =
        InfoService.builder(ComponentType.QUERY)
            .labelSets(storeService::labelSets)
            .store(storeService::storeInfo)
            .ready(() -> c.probes().isReady())
            .build();
    io.grpc.BindableService store =
        () -> io.grpc.ServerInterceptors.intercept(storeService, Tenancy.serverInterceptor());
    c.grpc(grpc.toConfig(), List.of(store, info));
    c.http(http);
    c.add("endpoints", endpoints);
    c.add(
        "readiness",
        new io.jthanos.server.run.RunGroup.Actor() {
          private final java.util.concurrent.CountDownLatch stop =
              new java.util.concurrent.CountDownLatch(1);

          @Override
          public void run() throws Exception {
            while (!endpoints.awaitFirstUpdate(Duration.ofMillis(100))) {
              if (stop.getCount() == 0) {
                return;
              }
            }
            c.probes().ready();
            stop.await();
          }

          @Override
          public void interrupt(Throwable cause) {
            stop.countDown();
          }
        });
  }

  /** Validates the flags into the querier's configuration. */
  QueryConfig config() {
    PromqlSemantics semantics;
    try {
      semantics = PromqlSemantics.fromFlag(q.promqlSemantics);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), "query.promql-semantics");
    }
    if (!q.promqlEngine.equals("prometheus") && !q.promqlEngine.equals("thanos")) {
      throw new ConfigException(
          "--query.promql-engine must be prometheus or thanos", "query.promql-engine");
    }
    if (!q.queryMode.equals("local")) {
      throw new ConfigException(
          "--query.mode=" + q.queryMode + " is not supported (only local)", "query.mode");
    }
    DedupAlgorithm alg;
    try {
      alg = DedupAlgorithm.fromFlag(q.dedupFunc);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), "deduplication.func");
    }
    for (String f : q.features) {
      if (!f.equals("promql-experimental-functions") && !f.isEmpty()) {
        throw new ConfigException("unknown feature " + f, "enable-feature");
      }
    }
    long lookback = q.lookbackDelta == null ? 5 * 60_000L : q.lookbackDelta.toMillis();
    EngineOptions eo =
        EngineOptions.builder()
            .semantics(semantics)
            .lookbackDeltaMs(lookback)
            .defaultEvaluationIntervalMs(q.defaultEvaluationInterval.toMillis())
            .timeoutMs(q.queryTimeout.toMillis())
            .experimentalFunctions(q.features.contains("promql-experimental-functions"))
            .build();

    if (!q.grpcCompression.equals("none") && !q.grpcCompression.equals("snappy")) {
      throw new ConfigException(
          "--grpc-compression must be one of: snappy, none", "grpc-compression");
    }
    boolean secure = q.clientTlsSecure;
    ClientTls tls =
        new ClientTls(
            secure,
            q.clientTlsSkipVerify,
            q.clientTlsCert.isEmpty() ? null : Path.of(q.clientTlsCert),
            q.clientTlsKey.isEmpty() ? null : Path.of(q.clientTlsKey),
            q.clientTlsCa.isEmpty() ? null : Path.of(q.clientTlsCa),
            q.clientServerName.isEmpty() ? null : q.clientServerName);
    StoreClientConfig client =
        StoreClientConfig.DEFAULT.withTls(tls).withCompression(q.grpcCompression);

    List<EndpointSpec> specs = new ArrayList<>();
    for (String e : concat(q.endpoints, q.stores)) {
      specs.add(new EndpointSpec(e, false, false, client));
    }
    for (String e : q.endpointStrict) {
      specs.add(new EndpointSpec(e, true, false, client));
    }
    for (String e : q.endpointGroups) {
      specs.add(new EndpointSpec(e, false, true, client));
    }
    for (String e : q.endpointGroupStrict) {
      specs.add(new EndpointSpec(e, true, true, client));
    }
    PathOrContent sd =
        new PathOrContent(
            "endpoint.sd-config-file",
            "endpoint.sd-config",
            q.endpointSdConfigFile == null ? "" : q.endpointSdConfigFile,
            q.endpointSdConfig == null ? "" : q.endpointSdConfig);
    // Validate once at start-up (a bad file is a configuration error), then re-read periodically.
    EndpointSdConfig.parse(sd.read().orElse(""), client);
    EndpointSet.Config ec =
        new EndpointSet.Config(
            specs,
            () -> EndpointSdConfig.parse(sd.read().orElse(""), client),
            q.endpointSdConfigReloadInterval,
            q.sdFiles,
            q.sdInterval,
            client,
            q.dnsInterval,
            q.infoTimeout,
            q.unhealthyTimeout);

    Labels selector = parseSelectorLabels(q.selectorLabels);
    String route =
        normalizePrefix(q.webRoutePrefix.isEmpty() ? q.webExternalPrefix : q.webRoutePrefix);
    QueryApi.Settings settings =
        new QueryApi.Settings(
            List.copyOf(q.replicaLabels),
            alg,
            q.partialResponse,
            q.autoDownsampling,
            q.instantDefaultMaxSourceResolution.toMillis(),
            q.defaultStep.toMillis(),
            q.metadataDefaultTimeRange.toMillis(),
            q.queryTimeout.toMillis(),
            q.dynamicLookbackDelta,
            lookback,
            q.maxConcurrent,
            q.tenantHeader,
            q.defaultTenant,
            q.enforceTenancy,
            q.tenantLabel);
    return new QueryConfig(
        eo,
        ec,
        settings,
        q.maxConcurrentSelect,
        q.storeResponseTimeout,
        selector,
        route,
        normalizePrefix(q.webExternalPrefix),
        q.webPrefixHeader,
        q.limitSeries,
        q.limitSamples);
  }

  static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  static String normalizePrefix(String p) {
    String t = p == null ? "" : p.strip();
    while (t.endsWith("/")) {
      t = t.substring(0, t.length() - 1);
    }
    if (!t.isEmpty() && !t.startsWith("/")) {
      t = "/" + t;
    }
    return t;
  }

  static Labels parseSelectorLabels(List<String> flags) {
    LabelsBuilder b = new LabelsBuilder();
    for (String f : flags) {
      int eq = f.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(
            "--selector-label: expected <name>=\"<value>\", got " + f, "selector-label");
      }
      String v = f.substring(eq + 1);
      if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
        v = v.substring(1, v.length() - 1);
      }
      b.set(f.substring(0, eq), v);
    }
    return b.build();
  }

  /** Everything {@link #compose} builds from. */
  record QueryConfig(
      EngineOptions engineOptions,
      EndpointSet.Config endpoints,
      QueryApi.Settings apiSettings,
      int maxConcurrentSelect,
      Duration storeResponseTimeout,
      Labels selectorLabels,
      String routePrefix,
      String externalPrefix,
      String prefixHeader,
      long limitSeries,
      long limitSamples) {}
}
