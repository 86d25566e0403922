package io.jthanos.server.http;

import io.jthanos.server.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thanos' HTTP server metrics: {@code http_requests_total}, {@code http_request_duration_seconds},
 * {@code http_request_size_bytes}, {@code http_response_size_bytes} (labels code, handler, method)
 * and {@code http_inflight_requests} (handler, method).
 */
final class HttpMetrics {
  private final MeterRegistry registry;
  private final Meter.MeterProvider<Counter> requests;
  private final Meter.MeterProvider<Timer> duration;
  private final Meter.MeterProvider<DistributionSummary> requestSize;
  private final Meter.MeterProvider<DistributionSummary> responseSize;
  private final ConcurrentHashMap<String, AtomicInteger> inflight = new ConcurrentHashMap<>();

  HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
    requests =
        Counter.builder("http_requests")
            .description("Tracks the number of HTTP requests.")
            .withRegistry(registry);
    duration =
        Timer.builder("http_request_duration")
            .description("Tracks the latencies for HTTP requests.")
            .serviceLevelObjectives(Metrics.LATENCY_BUCKETS)
            .withRegistry(registry);
    requestSize =
        DistributionSummary.builder("http_request_size")
            .baseUnit("bytes")
            .description("Tracks the size of HTTP requests.")
            .withRegistry(registry);
    responseSize =
        DistributionSummary.builder("http_response_size")
            .baseUnit("bytes")
            .description("Tracks the size of HTTP responses.")
            .withRegistry(registry);
  }

  AtomicInteger inflight(String handler, String method) {
    return inflight.computeIfAbsent(
        handler + "\u0000" + method,
        k -> {
          AtomicInteger n = new AtomicInteger();
          Gauge.builder("http_inflight_requests", n, AtomicInteger::get)
              .description("Current number of HTTP requests the handler is responding to.")
              .tags("handler", handler, "method", method)
              .register(registry);
          return n;
        });
  }

  void observe(String handler, String method, int code, long nanos, long reqBytes, long respBytes) {
    Tags tags = Tags.of("code", Integer.toString(code), "handler", handler, "method", method);
    requests.withTags(tags).increment();
    duration.withTags(tags).record(nanos, TimeUnit.NANOSECONDS);
    requestSize.withTags(tags).record(reqBytes);
    if (respBytes >= 0) {
      responseSize.withTags(tags).record(respBytes);
    }
  }
}
