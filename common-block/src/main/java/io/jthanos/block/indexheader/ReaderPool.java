package io.jthanos.block.indexheader;

import io.jthanos.objstore.BucketReader;
import io.jthanos.tsdb.block.Ulid;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Creates the index-header readers of a store gateway's blocks (Thanos' {@code ReaderPool}): eager
 * readers map the index-header at once; with the lazy reader enabled the file is mapped on first
 * use and unmapped after {@code idleTimeout} without use, checked every tenth of it.
 */
public final class ReaderPool implements AutoCloseable {

  /** {@code --store.index-header-lazy-download-strategy}. */
  public enum DownloadStrategy {
    /** Build the index-header file when the block is loaded. */
    EAGER,
    /** Build the index-header file only when a query first needs it. */
    LAZY;

    public static DownloadStrategy parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "eager" -> EAGER;
        case "lazy" -> LAZY;
        default ->
            throw new IllegalArgumentException(
                "unknown index-header lazy download strategy \"" + s + "\" (eager, lazy)");
      };
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * @param dir where index-header files live ({@code <dir>/<ULID>/index-header}); null keeps them
   *     in memory ({@code --cache-index-header=false})
   * @param sampling postings offsets kept in memory (1 in N)
   * @param lazyReader map on first use, unmap when idle
   * @param idleTimeout idle time before unmapping (0: never)
   * @param strategy when the file is built with the lazy reader
   */
  public record Config(
      Path dir, int sampling, boolean lazyReader, Duration idleTimeout, DownloadStrategy strategy) {
    public Config {
      Objects.requireNonNull(idleTimeout, "idleTimeout");
      Objects.requireNonNull(strategy, "strategy");
      if (sampling <= 0) {
        throw new IllegalArgumentException("sampling must be positive");
      }
    }
  }

  private final BucketReader bkt;
  private final Config cfg;
  private final ReaderPoolMetrics metrics;
  private final Set<LazyIndexHeaderReader> lazy = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService idleChecker;

  public ReaderPool(BucketReader bkt, Config cfg, MeterRegistry registry) {
    this.bkt = bkt;
    this.cfg = cfg;
    this.metrics = new ReaderPoolMetrics(registry);
    if (cfg.lazyReader() && !cfg.idleTimeout().isZero()) {
      idleChecker =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "index-header-idle-check");
                t.setDaemon(true);
                return t;
              });
      long every = Math.max(10, cfg.idleTimeout().toMillis() / 10);
      idleChecker.scheduleWithFixedDelay(this::unloadIdle, every, every, TimeUnit.MILLISECONDS);
    } else {
      idleChecker = null;
    }
  }

  public ReaderPoolMetrics metrics() {
    return metrics;
  }

  /**
   * A reader for block {@code id}. Eager: built (when missing) and mapped now. Lazy: with the eager
   * download strategy the file is built now but mapped on first use.
   */
  public IndexHeaderReader open(Ulid id) throws IOException {
    if (!cfg.lazyReader()) {
      return IndexHeaders.open(bkt, cfg.dir(), id, cfg.sampling());
    }
    if (cfg.strategy() == DownloadStrategy.EAGER && cfg.dir() != null) {
      IndexHeaders.ensure(bkt, cfg.dir(), id, cfg.sampling());
    }
    LazyIndexHeaderReader r =
        new LazyIndexHeaderReader(
            () -> IndexHeaders.open(bkt, cfg.dir(), id, cfg.sampling()), metrics, System::nanoTime);
    lazy.add(r);
    return r;
  }

  /** Closes a reader obtained from {@link #open}. */
  public void close(IndexHeaderReader r) {
    if (r instanceof LazyIndexHeaderReader l) {
      lazy.remove(l);
    }
    r.close();
  }

  /** Unmaps lazy readers idle for the configured timeout; returns how many were unmapped. */
  public int unloadIdle() {
    long idle = cfg.idleTimeout().toNanos();
    int n = 0;
    for (LazyIndexHeaderReader r : lazy) {
      if (r.unloadIfIdle(idle)) {
        n++;
      }
    }
    return n;
  }

  /** Lazy readers currently mapped. */
  public int loadedLazyReaders() {
    int n = 0;
    for (LazyIndexHeaderReader r : lazy) {
      if (r.loaded()) {
        n++;
      }
    }
    return n;
  }

  @Override
  public void close() {
    if (idleChecker != null) {
      idleChecker.shutdownNow();
    }
    for (LazyIndexHeaderReader r : lazy) {
      r.close();
    }
    lazy.clear();
  }
}
