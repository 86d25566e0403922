package io.jthanos.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health and readiness of the process, as Thanos' prober: {@code /-/healthy} and {@code /-/ready}
 * answer from it, the gRPC health service follows readiness, and {@code thanos_status{check}} shows
 * both. A component calls {@link #ready()} once it can answer (e.g. the store after its first
 * sync).
 */
public final class Probes {
  private static final Logger LOG = LoggerFactory.getLogger(Probes.class);

  private final AtomicBoolean healthy = new AtomicBoolean();
  private final AtomicBoolean ready = new AtomicBoolean();
  private final List<Consumer<Boolean>> readyListeners = new CopyOnWriteArrayList<>();

  public Probes(String component, MeterRegistry registry) {
    String help = "Represents status (0 indicates failure, 1 indicates success) of the component.";
    Gauge.builder("thanos_status", healthy, b -> b.get() ? 1 : 0)
        .description(help)
        .tags("component", component, "check", "healthy")
        .register(registry);
    Gauge.builder("thanos_status", ready, b -> b.get() ? 1 : 0)
        .description(help)
        .tags("component", component, "check", "ready")
        .register(registry);
  }

  public boolean isHealthy() {
    return healthy.get();
  }

  public boolean isReady() {
    return ready.get();
  }

  public void healthy() {
    if (!healthy.getAndSet(true)) {
      LOG.atInfo().addKeyValue("status", "healthy").log("changing probe status");
    }
  }

  public void notHealthy(Throwable reason) {
    if (healthy.getAndSet(false)) {
      LOG.atInfo()
          .addKeyValue("status", "not-healthy")
          .addKeyValue("reason", String.valueOf(reason))
          .log("changing probe status");
    }
  }

  public void ready() {
    if (!ready.getAndSet(true)) {
      LOG.atInfo().addKeyValue("status", "ready").log("changing probe status");
      readyListeners.forEach(l -> l.accept(true));
    }
  }

  public void notReady(Throwable reason) {
    if (ready.getAndSet(false)) {
      LOG.atInfo()
          .addKeyValue("status", "not-ready")
          .addKeyValue("reason", String.valueOf(reason))
          .log("changing probe status");
      readyListeners.forEach(l -> l.accept(false));
    }
  }

  /** Called with the new readiness on every change (and once now with the current one). */
  public void onReadyChange(Consumer<Boolean> listener) {
    readyListeners.add(listener);
    listener.accept(ready.get());
  }
}
