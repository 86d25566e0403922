package io.jthanos.sidecar;

import io.grpc.BindableService;
import io.grpc.ServerInterceptors;
import io.jthanos.block.metadata.Sources;
import io.jthanos.block.shipper.Shipper;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.BucketContext;
import io.jthanos.objstore.Buckets;
import io.jthanos.server.BuildInfo;
import io.jthanos.server.Component;
import io.jthanos.server.flags.HttpServerOptions;
import io.jthanos.server.grpc.GrpcServer;
import io.jthanos.server.grpc.GrpcServerConfig;
import io.jthanos.server.run.RunGroup;
import io.jthanos.sidecar.apis.PrometheusExemplars;
import io.jthanos.sidecar.apis.PrometheusMetadata;
import io.jthanos.sidecar.apis.PrometheusRules;
import io.jthanos.sidecar.apis.PrometheusTargets;
import io.jthanos.sidecar.promclient.PrometheusClient;
import io.jthanos.sidecar.reloader.ReloadTrigger;
import io.jthanos.sidecar.reloader.Reloader;
import io.jthanos.sidecar.store.PrometheusStore;
import io.jthanos.storeapi.ComponentType;
import io.jthanos.storeapi.InfoService;
import io.jthanos.storeapi.ResponseCompression;
import io.jthanos.storeapi.StoreLimits;
import io.jthanos.storeapi.StoreServer;
import io.jthanos.storeapi.Tenancy;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Composes {@code thanos sidecar} from the libraries: the Prometheus client and state (external
 * labels, heartbeat, readiness), StoreAPI over remote read ({@link PrometheusStore} behind {@link
 * StoreServer}), Info, Rules, Targets, Metadata and Exemplars gRPC services, the shipper (when a
 * bucket is configured) and the config reloader. The gRPC server starts listening once the external
 * labels are loaded.
 */
public final class Sidecar {
  private static final Logger LOG = LoggerFactory.getLogger(Sidecar.class);

  private Sidecar() {}

  /** Thanos' User-Agent for requests to Prometheus. */
  static String userAgent() {
    return "Thanos/" + BuildInfo.current().version();
  }

  /** The gRPC services of a sidecar over {@code client} and {@code state}. */
  public record Services(
      StoreServer store,
      InfoService info,
      PrometheusRules rules,
      PrometheusTargets targets,
      PrometheusMetadata metadata,
      PrometheusExemplars exemplars) {

    /** All services, wrapped as components bind them (response compression, tenant). */
    public List<BindableService> bindable() {
      List<BindableService> out = new ArrayList<>();
      for (BindableService s : List.of(store, info, rules, targets, metadata, exemplars)) {
        out.add(
            () ->
                ServerInterceptors.intercept(
                    s, new ResponseCompression(), Tenancy.serverInterceptor()));
      }
      return out;
    }
  }

  /** Builds the gRPC services; {@code ready} gates Info. */
  public static Services services(
      PrometheusClient client,
      PrometheusState state,
      StoreLimits limits,
      java.util.function.BooleanSupplier ready,
      MeterRegistry registry) {
    PrometheusStore source = new PrometheusStore(client, state::labels, state::version, registry);
    StoreServer store =
        StoreServer.builder(source)
            .externalLabels(state::labels)
            .timeRange(state::minTime, () -> Long.MAX_VALUE)
            .limits(limits)
            .chunkHashes(false)
            .meterRegistry(registry)
            .build();
    InfoService info =
        InfoService.builder(ComponentType.SIDECAR)
            .store(store)
            .rules()
            .targets()
            .metricMetadata()
            .exemplars(() -> Long.MIN_VALUE, () -> Long.MAX_VALUE)
            .ready(ready)
            .build();
    return new Services(
        store,
        info,
        new PrometheusRules(client, state::labels, null),
        new PrometheusTargets(client, state::labels, null),
        new PrometheusMetadata(client, null),
        new PrometheusExemplars(client, state::labels, null));
  }

  static void compose(
      Component c, SidecarConfig cfg, HttpServerOptions httpOptions, GrpcServerConfig grpcConfig)
      throws Exception {
    Clock clock = Clock.systemUTC();
    MeterRegistry reg = c.registry();
    PrometheusClient client =
        new PrometheusClient(cfg.prometheusUrl(), cfg.httpClient(), userAgent());
    PrometheusState state =
        new PrometheusState(
            client,
            cfg.minTime(),
            cfg.readyTimeout(),
            cfg.getConfigInterval(),
            cfg.getConfigTimeout(),
            c.probes(),
            reg,
            clock);
    Services services = services(client, state, cfg.limits(), c.probes()::isReady, reg);

    // Everything that can fail on bad configuration is built before anything starts.
    Bucket bucket = null;
    if (cfg.bucketYaml().isPresent()) {
      bucket = Buckets.create(cfg.bucketYaml().get(), new BucketContext("sidecar"), reg);
    } else {
      LOG.atInfo().log("no supported bucket was configured, uploads will be disabled");
    }
    Reloader reloader = reloader(cfg, client, reg, clock);
    GrpcServer grpc =
        new GrpcServer(grpcConfig, services.bindable(), c.probes(), c.eventLoops(), reg);

    c.http(httpOptions);
    c.add("prometheus", state);
    c.add("grpc", new AfterLabels(state, grpc));
    c.add("reloader", reloader);
    if (bucket != null) {
      if (!Files.isDirectory(cfg.tsdbPath().resolve("wal"))) {
        LOG.atError()
            .addKeyValue("err", "WAL dir is not accessible: " + cfg.tsdbPath().resolve("wal"))
            .log("is the --tsdb.path the Prometheus data directory?");
      }
      SidecarConfig.Shipper sc = cfg.shipper();
      Shipper shipper =
          Shipper.builder(cfg.tsdbPath(), bucket)
              .labels(state::labels)
              .source(Sources.SIDECAR)
              .uploadCompacted(sc.uploadCompacted())
              .allowOutOfOrderUploads(sc.allowOutOfOrderUploads())
              .skipCorruptedBlocks(sc.skipCorruptedBlocks())
              .hashFunc(sc.hashFunc())
              .metaFileName(sc.metaFileName())
              .uploadConcurrency(sc.uploadConcurrency())
              .clock(clock)
              .meterRegistry(reg)
              .build();
      c.add(
          "shipper",
          new ShipperLoop(
              shipper,
              bucket,
              client,
              state,
              sc.ignoreUnequalBlockSize(),
              cfg.getConfigInterval(),
              cfg.getConfigTimeout(),
              cfg.readyTimeout()));
    }
  }

  static Reloader reloader(
      SidecarConfig cfg, PrometheusClient client, MeterRegistry reg, Clock clock) {
    SidecarConfig.Reloader rc = cfg.reloader();
    ReloadTrigger trigger =
        rc.method().equals("signal")
            ? ReloadTrigger.signal(rc.processName())
            : ReloadTrigger.http(client, cfg.getConfigTimeout());
    return new Reloader(
        new Reloader.Options(
            rc.configFile(),
            rc.envsubstFile(),
            rc.ruleDirs(),
            rc.watchInterval(),
            rc.retryInterval()),
        trigger,
        reg,
        clock);
  }

  /** Runs the gRPC server once the external labels are loaded. */
  private static final class AfterLabels implements RunGroup.Actor {
    private final PrometheusState state;
    private final GrpcServer grpc;
    private final CountDownLatch stop = new CountDownLatch(1);
    private boolean stopped;

    AfterLabels(PrometheusState state, GrpcServer grpc) {
      this.state = state;
      this.grpc = grpc;
    }

    @Override
    public void run() throws Exception {
      while (!state.awaitLoaded(Duration.ofSeconds(1))) {
        if (stop.getCount() == 0) {
          return;
        }
      }
      synchronized (this) {
        if (stopped) {
          return;
        }
        grpc.start();
      }
      grpc.run();
    }

    @Override
    public void interrupt(Throwable cause) {
      synchronized (this) {
        stopped = true;
      }
      stop.countDown();
      grpc.interrupt(cause);
    }
  }
}
