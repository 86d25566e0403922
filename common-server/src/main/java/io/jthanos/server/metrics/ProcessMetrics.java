package io.jthanos.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Prometheus' standard process metrics, with the names every exporter uses: {@code
 * process_cpu_seconds_total}, {@code process_start_time_seconds}, {@code process_open_fds}, {@code
 * process_max_fds}, {@code process_resident_memory_bytes}, {@code process_virtual_memory_bytes}.
 * Memory and descriptor counts come from {@code /proc} (Linux); elsewhere they are absent.
 */
final class ProcessMetrics {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path FDS = Path.of("/proc/self/fd");

  private ProcessMetrics() {}

  static void register(MeterRegistry r) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      FunctionCounter.builder("process_cpu", sun, b -> b.getProcessCpuTime() / 1e9)
          .baseUnit("seconds")
          .description("Total user and system CPU time spent in seconds.")
          .register(r);
    }
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      Gauge.builder("process_max_fds", unix, u -> u.getMaxFileDescriptorCount())
          .description("Maximum number of open file descriptors.")
          .register(r);
    }
    double start = ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0;
    Gauge.builder("process_start_time", () -> start)
        .baseUnit("seconds")
        .description("Start time of the process since unix epoch in seconds.")
        .register(r);
    if (Files.isDirectory(FDS)) {
      Gauge.builder("process_open_fds", ProcessMetrics::openFds)
          .description("Number of open file descriptors.")
          .register(r);
    }
    if (Files.isReadable(STATUS)) {
      Gauge.builder("process_resident_memory", () -> statusKb("VmRSS:") * 1024)
          .baseUnit("bytes")
          .description("Resident memory size in bytes.")
          .register(r);
      Gauge.builder("process_virtual_memory", () -> statusKb("VmSize:") * 1024)
          .baseUnit("bytes")
          .description("Virtual memory size in bytes.")
          .register(r);
    }
  }

  private static double openFds() {
    int n = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(FDS)) {
      for (Path ignored : ds) {
        n++;
      }
    } catch (IOException e) {
      return Double.NaN;
    }
    return n;
  }

  private static double statusKb(String key) {
    try {
      List<String> lines = Files.readAllLines(STATUS);
      for (String l : lines) {
        if (l.startsWith(key)) {
          String[] parts = l.substring(key.length()).trim().split("\\s+");
          return Double.parseDouble(parts[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
