package io.jthanos.server;

import io.grpc.BindableService;
import io.jthanos.server.api.Api;
import io.jthanos.server.api.ApiResult;
import io.jthanos.server.flags.GrpcServerOptions;
import io.jthanos.server.flags.HttpServerOptions;
import io.jthanos.server.grpc.GrpcServer;
import io.jthanos.server.grpc.GrpcServerConfig;
import io.jthanos.server.http.HttpServer;
import io.jthanos.server.http.HttpServerConfig;
import io.jthanos.server.http.Response;
import io.jthanos.server.http.Router;
import io.jthanos.server.metrics.Metrics;
import io.jthanos.server.run.RunGroup;
import io.jthanos.server.run.SignalActor;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a component composes its process from: metrics, probes, the HTTP router (with the endpoints
 * every Thanos component has), the gRPC server, and the run group its services join. Created by
 * {@link ComponentCommand}; a component adds routes, gRPC services and actors in {@code compose}
 * and marks itself ready through {@link #probes()}.
 */
public final class Component implements AutoCloseable {
  private final String name;
  private final BuildInfo build;
  private final Metrics metrics;
  private final Probes probes;
  private final Router router = new Router();
  private final Api api;
  private final EventLoops loops = new EventLoops();
  private final RunGroup group = new RunGroup();
  private final List<Runnable> onClose = new ArrayList<>();
  private final Map<String, String> flags;
  private final Instant startTime = Instant.now();
  private HttpServer http;
  private GrpcServer grpc;

  /**
   * @param name the component type ({@code sidecar}, {@code store}, ...)
   * @param flags every flag and its value, for {@code /api/v1/status/flags}
   * @param cors whether API responses carry CORS headers
   */
  public Component(String name, Map<String, String> flags, boolean cors) {
    this.name = name;
    this.build = BuildInfo.current();
    this.metrics = new Metrics(build);
    this.probes = new Probes(name, metrics.registry());
    this.api = new Api(cors);
    this.flags = Map.copyOf(flags);
    registerCommonRoutes();
  }

  public String name() {
    return name;
  }

  public MeterRegistry registry() {
    return metrics.registry();
  }

  public Metrics metrics() {
    return metrics;
  }

  public Probes probes() {
    return probes;
  }

  public Router router() {
    return router;
  }

  public Api api() {
    return api;
  }

  public EventLoops eventLoops() {
    return loops;
  }

  public BuildInfo buildInfo() {
    return build;
  }

  /** Adds a long-running service to the run group. */
  public Component add(String actorName, RunGroup.Actor actor) {
    group.add(actorName, actor);
    return this;
  }

  /** Runs {@code r} when the process ends (after all actors stopped), in reverse order. */
  public Component onClose(Runnable r) {
    onClose.add(r);
    return this;
  }

  /** The HTTP server from Thanos' flags; its router is {@link #router()}. */
  public HttpServer http(HttpServerOptions options) {
    return http(options.toConfig());
  }

  public HttpServer http(HttpServerConfig config) {
    if (http != null) {
      throw new IllegalStateException("http server already created");
    }
    HttpServer server = new HttpServer("http", config, router, loops, metrics.registry());
    http = server;
    group.add(
        "http",
        new RunGroup.Actor() {
          @Override
          public void run() throws Exception {
            server.start();
            probes.healthy();
            server.run();
          }

          @Override
          public void interrupt(Throwable cause) {
            probes.notReady(cause);
            server.interrupt(cause);
          }
        });
    return server;
  }

  /** The gRPC server from Thanos' flags, serving {@code services} plus health and reflection. */
  public GrpcServer grpc(GrpcServerOptions options, List<BindableService> services) {
    return grpc(options.toConfig(), services);
  }

  public GrpcServer grpc(GrpcServerConfig config, List<BindableService> services) {
    if (grpc != null) {
      throw new IllegalStateException("grpc server already created");
    }
    grpc = new GrpcServer(config, services, probes, loops, metrics.registry());
    group.add("grpc", grpc);
    return grpc;
  }

  /**
   * Runs the process until the first service stops or SIGTERM/SIGINT arrives, then stops everything
   * in order.
   */
  public void run() throws Exception {
    group.add("signals", new SignalActor());
    group.run();
  }

  @Override
  public void close() {
    for (int i = onClose.size() - 1; i >= 0; i--) {
      try {
        onClose.get(i).run();
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(Component.class)
            .atWarn()
            .setCause(e)
            .log("closing resource failed");
      }
    }
    loops.close();
    metrics.close();
  }

  private void registerCommonRoutes() {
    router.get(
        "/metrics",
        "metrics",
        req -> {
          Metrics.Scrape s = metrics.scrape(req.header("Accept"));
          return Response.of(200, s.contentType(), s.body());
        });
    router.get(
        "/-/healthy",
        "healthy",
        req -> probes.isHealthy() ? Response.text(200, "OK") : Response.text(503, "NOT OK"));
    router.get(
        "/-/ready",
        "ready",
        req -> probes.isReady() ? Response.text(200, "OK") : Response.text(503, "NOT OK"));
    router.get("/api/v1/status/flags", "status_flags", api.wrap(req -> ApiResult.of(flags)));
    router.get(
        "/api/v1/status/buildinfo",
        "status_build_info",
        api.wrap(req -> ApiResult.of(build.apiData())));
    router.get(
        "/api/v1/status/runtimeinfo",
        "status_runtime_info",
        api.wrap(req -> ApiResult.of(runtimeInfo())));
    router.options("/api/v1/*path", "options", api.options());
  }

  /** Thanos' RuntimeInfo, with the JVM's equivalents of the Go runtime fields. */
  private Map<String, Object> runtimeInfo() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("startTime", startTime.toString());
    m.put("CWD", Path.of("").toAbsolutePath().toString());
    m.put("goroutineCount", ManagementFactory.getThreadMXBean().getThreadCount());
    m.put("GOMAXPROCS", Runtime.getRuntime().availableProcessors());
    m.put("GOGC", "");
    m.put("GODEBUG", "");
    return m;
  }
}
