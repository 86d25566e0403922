package io.jthanos.sidecar.reloader;

import io.jthanos.config.ConfigException;
import io.jthanos.config.EnvSubstitution;
import io.jthanos.server.run.RunGroup;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thanos' config reloader ({@code pkg/reloader}): watches the Prometheus config file and rule
 * directories and makes Prometheus reload when their content changes.
 *
 * <p>On every file-system event in a watched directory and at least every watch interval, it reads
 * the config file, un-gzips it when it starts with the gzip magic, substitutes {@code $(VAR)}
 * environment references (an unset variable is an error) and writes the result atomically to the
 * output file; then hashes the config file and every file under the rule directories (SHA-256 over
 * path and content). When a hash differs from the last successful reload, it triggers a reload,
 * retrying every retry interval until it succeeds or the watch interval has passed. The first apply
 * at start-up failing (e.g. an unset variable) is fatal, as in Thanos.
 *
 * <p>Metrics (prefixed {@code thanos_sidecar_}): {@code reloader_reloads_total}, {@code
 * reloader_reloads_failed_total}, {@code reloader_last_reload_successful}, {@code
 * reloader_last_reload_success_timestamp_seconds}, {@code reloader_config_apply_operations_total},
 * {@code reloader_config_apply_operations_failed_total}, {@code reloader_watches}, {@code
 * reloader_watch_events_total}, {@code reloader_watch_errors_total}.
 */
public final class Reloader implements RunGroup.Actor {
  private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);
  private static final byte[] GZIP_MAGIC = {0x1f, (byte) 0x8b, 0x08};

  /** What to watch and how often. */
  public record Options(
      Path cfgFile,
      Path cfgOutputFile,
      List<Path> watchedDirs,
      Duration watchInterval,
      Duration retryInterval) {
    public Options {
      watchedDirs = watchedDirs == null ? List.of() : List.copyOf(watchedDirs);
      Objects.requireNonNull(watchInterval, "watchInterval");
      Objects.requireNonNull(retryInterval, "retryInterval");
    }
  }

  private final Options opts;
  private final ReloadTrigger trigger;
  private final Clock clock;
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile WatchService watchService;
  private volatile boolean stopped;
  private byte[] lastCfgHash;
  private byte[] lastDirsHash;

  private final Counter reloads;
  private final Counter reloadErrors;
  private final AtomicLong lastReloadSuccess = new AtomicLong();
  private final AtomicLong lastReloadSuccessTimestamp = new AtomicLong();
  private final Counter configApply;
  private final Counter configApplyErrors;
  private final AtomicLong watches = new AtomicLong();
  private final Counter watchEvents;
  private final Counter watchErrors;

  public Reloader(Options opts, ReloadTrigger trigger, MeterRegistry reg, Clock clock) {
    this.opts = opts;
    this.trigger = trigger;
    this.clock = clock;
    String p = "thanos_sidecar_reloader_";
    reloads =
        Counter.builder(p + "reloads")
            .description("Total number of reload requests.")
            .register(reg);
    reloadErrors =
        Counter.builder(p + "reloads_failed")
            .description("Total number of reload requests that failed.")
            .register(reg);
    Gauge.builder(p + "last_reload_successful", lastReloadSuccess, AtomicLong::get)
        .description("Whether the last reload attempt was successful")
        .register(reg);
    Gauge.builder(
            p + "last_reload_success_timestamp_seconds",
            lastReloadSuccessTimestamp,
            v -> v.get() / 1000.0)
        .description("Timestamp of the last successful reload")
        .register(reg);
    configApply =
        Counter.builder(p + "config_apply_operations")
            .description("Total number of config apply operations.")
            .register(reg);
    configApplyErrors =
        Counter.builder(p + "config_apply_operations_failed")
            .description("Total number of config apply operations that failed.")
            .register(reg);
    Gauge.builder(p + "watches", watches, AtomicLong::get)
        .description("Number of resources watched by the reloader.")
        .register(reg);
    watchEvents =
        Counter.builder(p + "watch_events")
            .description("Total number of events received by the reloader from the watcher.")
            .register(reg);
    watchErrors =
        Counter.builder(p + "watch_errors")
            .description("Total number of errors received by the reloader from the watcher.")
            .register(reg);
  }

  @Override
  public void run() throws Exception {
    if (opts.cfgFile() == null && opts.watchedDirs().isEmpty()) {
      LOG.atInfo().log("nothing to be watched");
      stop.await();
      return;
    }
    try (WatchService ws = FileSystems.getDefault().newWatchService()) {
      watchService = ws;
      Set<Path> watched = new LinkedHashSet<>();
      if (opts.cfgFile() != null) {
        Path dir = opts.cfgFile().toAbsolutePath().getParent();
        register(ws, dir);
        watched.add(dir);
        watched.add(opts.cfgFile().toAbsolutePath());
        watches.set(watched.size());
        apply(clock.millis() + opts.watchInterval().toMillis());
      }
      if (opts.watchInterval().isZero()) {
        stop.await();
        return;
      }
      for (Path d : opts.watchedDirs()) {
        register(ws, d.toAbsolutePath());
        watched.add(d.toAbsolutePath());
      }
      watches.set(watched.size());
      LOG.atInfo()
          .addKeyValue("cfg", opts.cfgFile() == null ? "" : opts.cfgFile())
          .addKeyValue("out", opts.cfgOutputFile() == null ? "" : opts.cfgOutputFile())
          .addKeyValue(
              "dirs", String.join(",", opts.watchedDirs().stream().map(Path::toString).toList()))
          .log("started watching config file and directories for changes");
      long deadline = clock.millis() + opts.watchInterval().toMillis();
      while (!stopped) {
        long wait = Math.max(0, deadline - clock.millis());
        WatchKey key;
        try {
          key = ws.poll(wait, TimeUnit.MILLISECONDS);
        } catch (ClosedWatchServiceException e) {
          return;
        }
        if (stopped) {
          return;
        }
        if (key != null) {
          boolean relevant = drain(key);
          if (!relevant && clock.millis() < deadline) {
            continue;
          }
        } else if (clock.millis() < deadline) {
          continue;
        }
        deadline = clock.millis() + opts.watchInterval().toMillis();
        configApply.increment();
        try {
          apply(deadline);
        } catch (IOException | ConfigException e) {
          configApplyErrors.increment();
          LOG.atError().addKeyValue("err", e.getMessage()).log("apply error");
        }
      }
    } catch (ClosedWatchServiceException e) {
      // stopping
    } finally {
      watchService = null;
    }
  }

  @Override
  public void interrupt(Throwable cause) {
    stopped = true;
    stop.countDown();
    WatchService ws = watchService;
    if (ws != null) {
      try {
        ws.close();
      } catch (IOException e) {
        // closing
      }
    }
  }

  private static void register(WatchService ws, Path dir) throws IOException {
    try {
      dir.register(
          ws,
          StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
    } catch (IOException e) {
      throw new IOException("add directory " + dir + " to watcher: " + e.getMessage(), e);
    }
  }

  /** Counts the key's events; true when any may concern a watched file. */
  private boolean drain(WatchKey key) {
    boolean any = false;
    for (WatchEvent<?> ev : key.pollEvents()) {
      watchEvents.increment();
      if (ev.kind() == StandardWatchEventKinds.OVERFLOW) {
        watchErrors.increment();
        LOG.atError().addKeyValue("err", "event overflow").log("watch error");
      }
      any = true;
    }
    if (!key.reset()) {
      watchErrors.increment();
      LOG.atError()
          .addKeyValue("err", "watched directory is gone: " + key.watchable())
          .log("watch error");
    }
    return any;
  }

  /**
   * Writes the substituted config and triggers a reload when the config or the rule files changed,
   * retrying until {@code deadlineMillis}.
   */
  void apply(long deadlineMillis) throws IOException, InterruptedException {
    byte[] cfgHash = null;
    if (opts.cfgFile() != null) {
      byte[] raw = Files.readAllBytes(opts.cfgFile());
      MessageDigest h = sha256();
      hashFile(h, opts.cfgFile(), raw);
      cfgHash = h.digest();
      if (opts.cfgOutputFile() != null) {
        byte[] b = raw;
        if (b.length >= 3 && Arrays.equals(Arrays.copyOf(b, 3), GZIP_MAGIC)) {
          try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
            b = in.readAllBytes();
          } catch (IOException e) {
            throw new IOException("read compressed config file: " + e.getMessage(), e);
          }
        }
        b = expandEnv(b);
        Path out = opts.cfgOutputFile();
        // Rewritten only when different: the output often sits in the watched directory, and an
        // unconditional write would wake the watcher again and again.
        if (!Files.exists(out) || !Arrays.equals(Files.readAllBytes(out), b)) {
          Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
          try {
            Files.write(tmp, b);
            Files.move(
                tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          } finally {
            Files.deleteIfExists(tmp);
          }
        }
      }
    }
    byte[] dirsHash = null;
    if (!opts.watchedDirs().isEmpty()) {
      MessageDigest h = sha256();
      for (Path d : opts.watchedDirs()) {
        Path real = d.toRealPath();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(real)) {
          s.filter(Files::isRegularFile).forEach(files::add);
        }
        files.sort(Path::compareTo);
        for (Path f : files) {
          hashFile(h, f, Files.readAllBytes(f));
        }
      }
      dirsHash = h.digest();
    }
    if (Arrays.equals(lastCfgHash, cfgHash) && Arrays.equals(lastDirsHash, dirsHash)) {
      return;
    }
    IOException last = null;
    while (!stopped) {
      reloads.increment();
      try {
        trigger.reload();
        lastCfgHash = cfgHash;
        lastDirsHash = dirsHash;
        lastReloadSuccess.set(1);
        lastReloadSuccessTimestamp.set(clock.millis());
        LOG.atInfo()
            .addKeyValue("cfg_in", opts.cfgFile() == null ? "" : opts.cfgFile())
            .addKeyValue("cfg_out", opts.cfgOutputFile() == null ? "" : opts.cfgOutputFile())
            .addKeyValue(
                "watched_dirs",
                String.join(", ", opts.watchedDirs().stream().map(Path::toString).toList()))
            .log("Reload triggered");
        return;
      } catch (IOException e) {
        reloadErrors.increment();
        lastReloadSuccess.set(0);
        last = e;
        LOG.atWarn()
            .addKeyValue("err", "trigger reload: " + e.getMessage())
            .log("function failed. Retrying in next tick");
      }
      if (clock.millis() + opts.retryInterval().toMillis() > deadlineMillis
          || stop.await(opts.retryInterval().toMillis(), TimeUnit.MILLISECONDS)) {
        break;
      }
    }
    if (last != null) {
      LOG.atError()
          .addKeyValue("err", "trigger reload: " + last.getMessage())
          .log("Failed to trigger reload. Retrying.");
    }
  }

  /** {@code $(VAR)} substitution on bytes (other bytes pass through unchanged). */
  static byte[] expandEnv(byte[] b) {
    String latin = new String(b, StandardCharsets.ISO_8859_1);
    String out =
        EnvSubstitution.expand(
            latin,
            name -> {
              String v = System.getenv(name);
              return v == null
                  ? null
                  : new String(v.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            });
    return out.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static void hashFile(MessageDigest h, Path file, byte[] content) {
    h.update((byte) 0xff);
    h.update(file.toString().getBytes(StandardCharsets.UTF_8));
    h.update((byte) 0xff);
    h.update(content);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
