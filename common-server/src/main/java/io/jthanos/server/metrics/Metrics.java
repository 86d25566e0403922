package io.jthanos.server.metrics;

import io.jthanos.server.BuildInfo;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * The process' metrics registry, scraped at {@code /metrics}: a Micrometer {@link
 * PrometheusMeterRegistry} for component meters, over a Prometheus client registry that also holds
 * {@code thanos_build_info}. JVM metrics ({@code jvm_*}) take the place of Go's {@code go_*};
 * {@code process_*} are Prometheus' standard process metrics.
 */
public final class Metrics implements AutoCloseable {
  /** Thanos' latency buckets for HTTP and gRPC handling time (seconds). */
  public static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(10),
    Duration.ofMillis(100),
    Duration.ofMillis(300),
    Duration.ofMillis(600),
    Duration.ofSeconds(1),
    Duration.ofSeconds(3),
    Duration.ofSeconds(6),
    Duration.ofSeconds(9),
    Duration.ofSeconds(20),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60),
    Duration.ofSeconds(90),
    Duration.ofSeconds(120)
  };

  private static final ExpositionFormats FORMATS = ExpositionFormats.init();

  private final PrometheusRegistry prometheus = new PrometheusRegistry();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, prometheus, Clock.SYSTEM);
  private final JvmGcMetrics gc;

  public Metrics(BuildInfo build) {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    ProcessMetrics.register(registry);
    Info info =
        Info.builder()
            .name("thanos_build_info")
            .help(
                "A metric with a constant '1' value labeled by version, revision, branch, goversion"
                    + " from which thanos was built, and the goos and goarch for the build.")
            .labelNames("version", "revision", "branch", "goversion", "goos", "goarch", "tags")
            .register(prometheus);
    String[] platform = BuildInfo.platform().split("/", 2);
    info.addLabelValues(
        build.version(),
        build.revision(),
        build.branch(),
        build.javaVersion(),
        platform[0],
        platform.length > 1 ? platform[1] : "",
        "thanos-compat-" + build.thanosCompat());
  }

  /** Register component meters here (Thanos names: {@code thanos_*}). */
  public MeterRegistry registry() {
    return registry;
  }

  /** The underlying client registry, for collectors Micrometer cannot express. */
  public PrometheusRegistry prometheusRegistry() {
    return prometheus;
  }

  /** The exposition, negotiated from the scraper's {@code Accept} header. */
  public Scrape scrape(String accept) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    ExpositionFormatWriter writer = FORMATS.findWriter(accept == null ? "" : accept);
    try {
      writer.write(out, prometheus.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Scrape(writer.getContentType(), out.toByteArray());
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }

  /** One scrape: content type and body. */
  public record Scrape(String contentType, byte[] body) {}
}
