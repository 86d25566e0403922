package io.jthanos.sidecar;

import io.jthanos.config.TimeOrDuration;
import io.jthanos.server.Probes;
import io.jthanos.server.run.RunGroup;
import io.jthanos.sidecar.promclient.PrometheusClient;
import io.jthanos.tsdb.labels.Labels;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the sidecar knows about its Prometheus (Thanos' {@code promMetadata}): external labels,
 * version and lowest timestamp, and the actor that keeps them fresh.
 *
 * <p>Start-up: every {@code get_config_interval} (each attempt bounded by {@code
 * get_config_timeout}) it asks Prometheus for its version, lowest timestamp and configuration until
 * one attempt succeeds; if none has after {@code ready_timeout} the sidecar fails. A successful
 * answer without external labels fails at once (Thanos demands them). Once loaded, the sidecar is
 * ready ({@link #awaitLoaded}), then the same requests run every interval as a heartbeat: a failure
 * sets {@code thanos_sidecar_prometheus_up} to 0 and makes the sidecar not ready until the next
 * success.
 */
public final class PrometheusState implements RunGroup.Actor {
  private static final Logger LOG = LoggerFactory.getLogger(PrometheusState.class);

  static final String NO_EXTERNAL_LABELS =
      "no external labels configured on Prometheus server, uniquely identifying external labels"
          + " must be configured; see https://thanos.io/tip/thanos/storage.md#external-labels for"
          + " details.";

  private final PrometheusClient client;
  private final TimeOrDuration minTimeFlag;
  private final Duration readyTimeout;
  private final Duration interval;
  private final Duration timeout;
  private final Probes probes;
  private final Clock clock;
  private final CountDownLatch loaded = new CountDownLatch(1);
  private final CountDownLatch stop = new CountDownLatch(1);
  private final AtomicLong up = new AtomicLong();
  private final AtomicLong lastHeartbeat = new AtomicLong();

  private volatile Labels labels = Labels.empty();
  private volatile String version = "";
  private volatile long lowestTimestamp = Long.MIN_VALUE;

  public PrometheusState(
      PrometheusClient client,
      TimeOrDuration minTimeFlag,
      Duration readyTimeout,
      Duration interval,
      Duration timeout,
      Probes probes,
      MeterRegistry registry,
      Clock clock) {
    this.client = client;
    this.minTimeFlag = minTimeFlag;
    this.readyTimeout = readyTimeout;
    this.interval = interval;
    this.timeout = timeout;
    this.probes = probes;
    this.clock = clock;
    Gauge.builder("thanos_sidecar_prometheus_up", up, AtomicLong::get)
        .description("Boolean indicator whether the sidecar can reach its Prometheus peer.")
        .register(registry);
    Gauge.builder(
            "thanos_sidecar_last_heartbeat_success_time_seconds",
            lastHeartbeat,
            v -> v.get() / 1000.0)
        .description("Timestamp of the last successful heartbeat in seconds.")
        .register(registry);
  }

  /** Prometheus' external labels (empty until loaded). */
  public Labels labels() {
    return labels;
  }

  /** Prometheus' version, e.g. {@code 2.42.0} (empty until loaded). */
  public String version() {
    return version;
  }

  /** The min time served: Prometheus' lowest timestamp, raised to {@code --min-time}. */
  public long minTime() {
    return Math.max(lowestTimestamp, minTimeFlag.toMillis(clock));
  }

  public boolean isLoaded() {
    return loaded.getCount() == 0;
  }

  /**
   * Waits until the external labels are loaded; false when the sidecar stopped (or {@code max}
   * passed) first.
   */
  public boolean awaitLoaded(Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (loaded.getCount() > 0) {
      if (stop.getCount() == 0 || System.nanoTime() >= deadline) {
        return false;
      }
      loaded.await(
          Math.min(100, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)),
          TimeUnit.MILLISECONDS);
    }
    return true;
  }

  /** One refresh of version, lowest timestamp and external labels. */
  void update() throws IOException {
    String v = client.version(timeout);
    long lowest = client.lowestTimestamp(timeout);
    Labels l = client.externalLabels(timeout);
    version = v;
    lowestTimestamp = lowest;
    labels = l;
  }

  @Override
  public void run() throws Exception {
    long deadline = clock.millis() + readyTimeout.toMillis();
    while (true) {
      try {
        update();
        break;
      } catch (IOException e) {
        up.set(0);
        LOG.atWarn()
            .addKeyValue("err", e.getMessage())
            .log("failed to fetch initial external labels. Is Prometheus running? Retrying");
        if (clock.millis() + interval.toMillis() > deadline) {
          throw new IOException(
              "initial external labels query: no answer from Prometheus after waiting "
                  + readyTimeout
                  + ": "
                  + e.getMessage(),
              e);
        }
      }
      if (stop.await(interval.toMillis(), TimeUnit.MILLISECONDS)) {
        return;
      }
    }
    if (labels.isEmpty()) {
      throw new IllegalStateException(NO_EXTERNAL_LABELS);
    }
    LOG.atInfo()
        .addKeyValue("external_labels", labels.toString())
        .log("successfully loaded prometheus external labels");
    up.set(1);
    lastHeartbeat.set(clock.millis());
    loaded.countDown();
    probes.ready();
    while (!stop.await(interval.toMillis(), TimeUnit.MILLISECONDS)) {
      try {
        update();
        up.set(1);
        lastHeartbeat.set(clock.millis());
        probes.ready();
      } catch (IOException e) {
        LOG.atWarn().addKeyValue("err", e.getMessage()).log("heartbeat failed");
        up.set(0);
        probes.notReady(e);
      }
    }
  }

  @Override
  public void interrupt(Throwable cause) {
    stop.countDown();
  }
}
