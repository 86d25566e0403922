package io.jthanos.sidecar.reloader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jthanos.config.ConfigException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloaderTest {
  @TempDir Path dir;

  private final MeterRegistry reg = new SimpleMeterRegistry();
  private final AtomicInteger reloads = new AtomicInteger();
  private volatile int failNext;

  private final ReloadTrigger trigger =
      () -> {
        if (failNext > 0) {
          failNext--;
          throw new IOException("received non-200 response: 403");
        }
        reloads.incrementAndGet();
      };

  private double counter(String name) {
    return reg.get("thanos_sidecar_reloader_" + name).counter().count();
  }

  private double gauge(String name) {
    return reg.get("thanos_sidecar_reloader_" + name).gauge().value();
  }

  /**
   * Replaces a file atomically, as config management tools (and Kubernetes) do: written in a
   * staging directory outside the watched ones, then renamed into place.
   */
  private void write(Path file, byte[] content) throws IOException {
    Path staging = Files.createDirectories(dir.resolve("staging"));
    Path tmp = staging.resolve(file.getFileName());
    Files.write(tmp, content);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private Thread start(Reloader r) {
    return Thread.ofPlatform()
        .start(
            () -> {
              try {
                r.run();
              } catch (Exception e) {
                throw new RuntimeException(e);
              }
            });
  }

  @Test
  void substitutesEnvironmentUngzipsAndReloadsOnChange() throws Exception {
    String var = System.getenv().containsKey("HOME") ? "HOME" : "PATH";
    String value = System.getenv(var);
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Path in = conf.resolve("prometheus.yml.in");
    Path out = conf.resolve("prometheus.yml");
    Path rules = Files.createDirectories(dir.resolve("rules"));
    Files.writeString(in, "global:\n  external_labels:\n    home: '$(" + var + ")'\n");
    Reloader r =
        new Reloader(
            new Reloader.Options(
                in, out, List.of(rules), Duration.ofMinutes(3), Duration.ofMillis(50)),
            trigger,
            reg,
            Clock.systemUTC());
    Thread t = start(r);
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> reloads.get() == 1);
      assertThat(Files.readString(out)).contains("home: '" + value + "'");
      assertThat(gauge("last_reload_successful")).isEqualTo(1);
      assertThat(gauge("last_reload_success_timestamp_seconds")).isGreaterThan(0);
      assertThat(gauge("watches")).isEqualTo(3); // config dir, config file, rule dir

      // A gzipped config is unpacked.
      ByteArrayOutputStream gz = new ByteArrayOutputStream();
      try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
        z.write(
            "global:\n  scrape_interval: 7s # $("
                .concat(var)
                .concat(")\n")
                .getBytes(StandardCharsets.UTF_8));
      }
      write(in, gz.toByteArray());
      await().atMost(Duration.ofSeconds(10)).until(() -> reloads.get() == 2);
      assertThat(Files.readString(out))
          .isEqualTo("global:\n  scrape_interval: 7s # " + value + "\n");

      // A rule file change reloads too; a failing reload is retried.
      failNext = 2;
      write(rules.resolve("a.yml"), "groups: []\n".getBytes(StandardCharsets.UTF_8));
      await().atMost(Duration.ofSeconds(10)).until(() -> reloads.get() == 3);
      assertThat(counter("reloads_failed")).isEqualTo(2);
      assertThat(counter("reloads")).isEqualTo(5);
      assertThat(counter("config_apply_operations")).isGreaterThanOrEqualTo(2);
      assertThat(counter("watch_events")).isGreaterThanOrEqualTo(2);

      // An unset variable after start-up is an apply error, not fatal.
      double applyErrors = counter("config_apply_operations_failed");
      write(in, "x: $(JTHANOS_RELOADER_TEST_UNSET_VARIABLE)\n".getBytes(StandardCharsets.UTF_8));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> counter("config_apply_operations_failed") > applyErrors);
      assertThat(t.isAlive()).isTrue();
      assertThat(reloads.get()).isEqualTo(3);
    } finally {
      r.interrupt(null);
      t.join(10_000);
    }
    assertThat(t.isAlive()).isFalse();
  }

  @Test
  void anUnsetVariableAtStartIsFatal() {
    Path in = dir.resolve("in.yml");
    Path out = dir.resolve("out.yml");
    try {
      Files.writeString(in, "x: $(JTHANOS_RELOADER_TEST_UNSET_VARIABLE)\n");
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
    Reloader r =
        new Reloader(
            new Reloader.Options(in, out, List.of(), Duration.ofMinutes(3), Duration.ofSeconds(5)),
            trigger,
            reg,
            Clock.systemUTC());
    assertThatThrownBy(r::run)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("JTHANOS_RELOADER_TEST_UNSET_VARIABLE");
  }

  @Test
  void nothingToWatchWaitsForStop() throws Exception {
    Reloader r =
        new Reloader(
            new Reloader.Options(
                null, null, List.of(), Duration.ofMinutes(3), Duration.ofSeconds(5)),
            trigger,
            reg,
            Clock.systemUTC());
    Thread t = start(r);
    t.join(100);
    assertThat(t.isAlive()).as("waits until stopped").isTrue();
    r.interrupt(null);
    t.join(5_000);
    assertThat(t.isAlive()).isFalse();
  }

  @Test
  void expandsEnvOnBytesKeepingOtherBytes() {
    byte[] in = {(byte) 0xff, 'a', '$', '(', 'X', ')', (byte) 0xc3, (byte) 0xa9};
    assertThatThrownBy(() -> Reloader.expandEnv(in)).isInstanceOf(ConfigException.class);
    byte[] plain = {(byte) 0xff, 'a', '$', 'X', (byte) 0xc3, (byte) 0xa9};
    assertThat(Reloader.expandEnv(plain)).isEqualTo(plain);
  }

  @Test
  void findsTheOneProcessByName() throws IOException {
    Path proc = dir.resolve("proc");
    for (Map.Entry<String, String> e :
        Map.of("1", "systemd", "42", "prometheus", "43", "sh", "self", "x").entrySet()) {
      Files.createDirectories(proc.resolve(e.getKey()));
      Files.writeString(proc.resolve(e.getKey()).resolve("comm"), e.getValue() + "\n");
    }
    assertThat(ReloadTrigger.findProcess(proc, "prometheus")).isEqualTo(42);
    assertThatThrownBy(() -> ReloadTrigger.findProcess(proc, "thanos"))
        .hasMessageContaining("failed to find process thanos");
    Files.createDirectories(proc.resolve("44"));
    Files.writeString(proc.resolve("44").resolve("comm"), "prometheus\n");
    assertThatThrownBy(() -> ReloadTrigger.findProcess(proc, "prometheus"))
        .hasMessageContaining("found 2 processes named prometheus");
  }
}
