package io.jthanos.query.store;

import io.jthanos.server.discovery.DnsProvider;
import io.jthanos.server.discovery.FileSd;
import io.jthanos.server.run.RunGroup;
import io.jthanos.storeapi.StoreClientConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints the querier fans out to, kept up to date as Thanos' endpoint set does: specs come
 * from static flags, the endpoint config file (re-read every reload interval), file SD (re-read
 * when a file changes, and every SD interval) and DNS names (re-resolved every DNS interval); every
 * update cycle calls Info on each endpoint (bounded by the info timeout). Healthy and strict
 * endpoints are used by queries; endpoints failing longer than the unhealthy timeout leave the
 * {@code /stores} list.
 */
public final class EndpointSet implements RunGroup.Actor, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EndpointSet.class);

  /** Everything the set is configured with. */
  public record Config(
      List<EndpointSpec> staticSpecs,
      Supplier<List<EndpointSpec>> sdConfigSpecs,
      Duration sdConfigReloadInterval,
      List<String> sdFiles,
      Duration sdFilesInterval,
      StoreClientConfig defaultClientConfig,
      Duration dnsInterval,
      Duration infoTimeout,
      Duration unhealthyTimeout) {}

  private final Config config;
  private final DnsProvider dns;
  private final FileSd fileSd;
  private final Clock clock;
  private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch firstUpdate = new CountDownLatch(1);
  private volatile List<Endpoint> snapshot = List.of();

  private List<EndpointSpec> sdConfigCache = List.of();
  private Instant sdConfigReadAt = Instant.EPOCH;
  private List<String> fileTargets = List.of();
  private Map<Path, Long> fileStamps = Map.of();
  private Instant fileReadAt = Instant.EPOCH;
  private Map<String, List<String>> dnsCache = new HashMap<>();
  private Instant dnsResolvedAt = Instant.EPOCH;

  public EndpointSet(Config config, DnsProvider dns, Clock clock) {
    this.config = config;
    this.dns = dns;
    this.fileSd = new FileSd(config.sdFiles());
    this.clock = clock;
  }

  /** Registers {@code thanos_store_nodes_grpc_connections} style gauges. */
  public EndpointSet metrics(MeterRegistry registry) {
    Gauge.builder("thanos_store_nodes_grpc_connections", () -> queryable().size())
        .description("Number of gRPC connection to Store APIs.")
        .register(registry);
    return this;
  }

  /** Endpoints queries may use now. */
  public List<Endpoint> queryable() {
    List<Endpoint> out = new ArrayList<>();
    for (Endpoint e : snapshot) {
      if (e.queryable()) {
        out.add(e);
      }
    }
    return out;
  }

  /** Every endpoint known (healthy or not), for the stores page. */
  public List<Endpoint> all() {
    return snapshot;
  }

  /** Whether any endpoint is configured at all. */
  public boolean hasEndpoints() {
    return !snapshot.isEmpty();
  }

  /** Blocks until the first update completed (or the timeout passed). */
  public boolean awaitFirstUpdate(Duration timeout) throws InterruptedException {
    return firstUpdate.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One update cycle: refresh specs, reconcile endpoints, check each with Info. */
  public synchronized void update() {
    Instant now = clock.instant();
    List<EndpointSpec> specs = resolveSpecs(now);
    Map<String, EndpointSpec> wanted = new LinkedHashMap<>();
    for (EndpointSpec s : specs) {
      wanted.putIfAbsent(s.address(), s);
    }
    // Remove endpoints no longer configured.
    for (var it = endpoints.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      EndpointSpec w = wanted.get(e.getKey());
      if (w == null || !w.equals(e.getValue().spec())) {
        LOG.atInfo().addKeyValue("address", e.getKey()).log("removing endpoint");
        e.getValue().close();
        it.remove();
      }
    }
    for (EndpointSpec s : wanted.values()) {
      if (!endpoints.containsKey(s.address())) {
        try {
          endpoints.put(s.address(), new Endpoint(s));
          LOG.atInfo().addKeyValue("address", s.address()).log("adding new endpoint");
        } catch (RuntimeException ex) {
          LOG.atWarn()
              .addKeyValue("address", s.address())
              .addKeyValue("err", ex.getMessage())
              .log("cannot create client for endpoint");
        }
      }
    }
    List<Endpoint> current = new ArrayList<>(endpoints.values());
    checkAll(current);
    // Drop long-unhealthy, non-strict endpoints from the list (they are re-added when healthy).
    List<Endpoint> visible = new ArrayList<>();
    for (Endpoint e : current) {
      Endpoint.Status st = e.status();
      Instant since = st.lastSuccess();
      boolean stale =
          !st.healthy()
              && !e.strict()
              && since != null
              && Duration.between(since, now).compareTo(config.unhealthyTimeout()) > 0;
      if (!stale) {
        visible.add(e);
      }
    }
    snapshot = List.copyOf(visible);
    firstUpdate.countDown();
  }

  private void checkAll(List<Endpoint> eps) {
    List<Thread> threads = new ArrayList<>(eps.size());
    for (Endpoint e : eps) {
      threads.add(Thread.ofVirtual().name("info-" + e.address()).start(() -> check(e)));
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static final Duration NO_TIMEOUT = Duration.ofSeconds(5);

  private void check(Endpoint e) {
    boolean wasHealthy = e.status().healthy();
    e.check(
        config.infoTimeout() == null || config.infoTimeout().isZero()
            ? NO_TIMEOUT
            : config.infoTimeout());
    Endpoint.Status s = e.status();
    if (wasHealthy && !s.healthy()) {
      LOG.atWarn()
          .addKeyValue("address", e.address())
          .addKeyValue("err", s.lastError())
          .log("update of endpoint failed");
    }
  }

  private List<EndpointSpec> resolveSpecs(Instant now) {
    List<EndpointSpec> all = new ArrayList<>(config.staticSpecs());
    if (config.sdConfigSpecs() != null
        && (sdConfigReadAt == Instant.EPOCH
            || Duration.between(sdConfigReadAt, now).compareTo(config.sdConfigReloadInterval())
                >= 0)) {
      try {
        sdConfigCache = config.sdConfigSpecs().get();
      } catch (RuntimeException e) {
        LOG.atError().addKeyValue("err", e.getMessage()).log("reloading endpoint config failed");
      }
      sdConfigReadAt = now;
    }
    all.addAll(sdConfigCache);
    if (!config.sdFiles().isEmpty()) {
      Map<Path, Long> stamps = stamps();
      if (!stamps.equals(fileStamps)
          || Duration.between(fileReadAt, now).compareTo(config.sdFilesInterval()) >= 0) {
        fileTargets = fileSd.targets();
        fileStamps = stamps;
        fileReadAt = now;
      }
      for (String t : fileTargets) {
        all.add(new EndpointSpec(t, false, false, config.defaultClientConfig()));
      }
    }
    // DNS: expand prefixed, non-group addresses.
    boolean refreshDns = Duration.between(dnsResolvedAt, now).compareTo(config.dnsInterval()) >= 0;
    Map<String, List<String>> nextCache = refreshDns ? new HashMap<>() : dnsCache;
    List<EndpointSpec> out = new ArrayList<>();
    for (EndpointSpec s : all) {
      if (s.group() || !DnsProvider.isDns(s.address())) {
        out.add(s);
        continue;
      }
      List<String> ips = nextCache.get(s.address());
      if (ips == null) {
        ips =
            dnsCache.containsKey(s.address()) && !refreshDns
                ? dnsCache.get(s.address())
                : dns.resolve(List.of(s.address()));
        nextCache.put(s.address(), ips);
      }
      for (String ip : ips) {
        out.add(s.withAddress(ip));
      }
    }
    if (refreshDns) {
      dnsCache = nextCache;
      dnsResolvedAt = now;
    }
    return out;
  }

  private Map<Path, Long> stamps() {
    Map<Path, Long> m = new HashMap<>();
    for (Path p : fileSd.files()) {
      try {
        m.put(p, Files.getLastModifiedTime(p).toMillis() ^ Files.size(p) * 31);
      } catch (java.io.IOException e) {
        m.put(p, -1L);
      }
    }
    return m;
  }

  @Override
  public void run() throws InterruptedException {
    Duration period =
        config.infoTimeout() == null || config.infoTimeout().isZero()
            ? Duration.ofSeconds(5)
            : config.infoTimeout();
    while (true) {
      try {
        update();
      } catch (RuntimeException e) {
        LOG.atError().setCause(e).log("endpoint set update failed");
      }
      if (stop.await(period.toMillis(), TimeUnit.MILLISECONDS)) {
        return;
      }
    }
  }

  @Override
  public void interrupt(Throwable cause) {
    stop.countDown();
  }

  @Override
  public synchronized void close() {
    for (Endpoint e : endpoints.values()) {
      e.close();
    }
    endpoints.clear();
    snapshot = List.of();
  }
}
