package io.jthanos.compact;

import io.jthanos.block.compact.CompactionErrors;
import io.jthanos.block.compact.CompactorJob;
import io.jthanos.block.compact.CompactorMetrics;
import io.jthanos.block.fetcher.FetchResult;
import io.jthanos.block.fetcher.MetaFetcher;
import io.jthanos.objstore.Bucket;
import io.jthanos.server.Component;
import io.jthanos.server.api.ApiResult;
import io.jthanos.server.flags.HttpServerOptions;
import io.jthanos.server.http.Router;
import io.jthanos.server.run.RunGroup;
import io.jthanos.ui.blocks.BlocksApi;
import io.jthanos.ui.blocks.BlocksUi;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compactor process, composed as Thanos' {@code runCompact}: the HTTP server (metrics, probes,
 * and with {@code --wait} the block viewer and blocks API), the main loop (one pass without {@code
 * --wait}; with it, a pass every {@code --wait-interval}, retriable errors counted and retried, a
 * critical error halting compaction while the process keeps serving), and with {@code --wait} the
 * clean-up, progress and block viewer refresh loops.
 */
final class CompactService {
  private static final Logger LOG = LoggerFactory.getLogger(CompactService.class);

  private final Component c;
  private final Bucket bkt;
  private final CompactConfig cfg;
  private final CompactorJob job;
  private final CompactorMetrics metrics;
  private final Clock clock;
  private final Map<String, String> flags;

  CompactService(
      Component c,
      Bucket bkt,
      CompactConfig cfg,
      CompactorJob job,
      Clock clock,
      Map<String, String> flags) {
    this.c = c;
    this.bkt = bkt;
    this.cfg = cfg;
    this.job = job;
    this.metrics = job.metrics();
    this.clock = clock;
    this.flags = Map.copyOf(flags);
  }

  void start(HttpServerOptions http) throws Exception {
    if (cfg.waitForWork() && !cfg.webDisable()) {
      web();
    }
    c.http(http);
    if (cfg.waitForWork()) {
      c.add("compact", mainLoop());
      if (cfg.cleanupInterval().toMillis() > 0) {
        c.add("cleanup", new Repeat(cfg.cleanupInterval(), this::cleanup));
      }
      if (cfg.progressInterval().toMillis() > 0) {
        c.add("progress", new Repeat(cfg.progressInterval(), this::progress));
      }
    } else {
      c.add("compact", oneShot());
    }
    c.probes().ready();
  }

  private RunGroup.Actor oneShot() {
    return new RunGroup.Actor() {
      private volatile Thread runner;

      @Override
      public void run() throws Exception {
        runner = Thread.currentThread();
        job.iteration();
        LOG.atInfo().log("compaction iterations done");
      }

      @Override
      public void interrupt(Throwable cause) {
        Thread t = runner;
        if (t != null && t != Thread.currentThread()) {
          t.interrupt();
        }
      }
    };
  }

  private RunGroup.Actor mainLoop() {
    Repeat[] self = new Repeat[1];
    self[0] =
        new Repeat(
            cfg.waitInterval(),
            () -> {
              try {
                job.iteration();
                metrics.iterations.increment();
              } catch (Exception e) {
                if (self[0].stopped()) {
                  throw e;
                }
                if (CompactionErrors.isHalt(e)) {
                  if (!cfg.haltOnError()) {
                    throw new IllegalStateException(
                        "critical error detected: " + e.getMessage(), e);
                  }
                  LOG.atError()
                      .setCause(e)
                      .addKeyValue("err", e.getMessage())
                      .log("critical error detected; halting");
                  metrics.setHalted(true);
                  // Keep serving metrics and the UI; compaction stays stopped for investigation.
                  self[0].awaitStop();
                  return;
                }
                if (CompactionErrors.isRetry(e)) {
                  LOG.atError().addKeyValue("err", e.getMessage()).log("retriable error");
                  metrics.retries.increment();
                  return;
                }
                throw new IllegalStateException("error executing compaction: " + e.getMessage(), e);
              }
            });
    return self[0];
  }

  private void cleanup() throws Exception {
    try {
      job.cleanup();
    } catch (Exception e) {
      if (CompactionErrors.isRetry(e)) {
        LOG.atError().addKeyValue("err", e.getMessage()).log("retriable error");
        metrics.retries.increment();
        return;
      }
      throw e;
    }
  }

  private void progress() throws Exception {
    try {
      job.progress();
    } catch (Exception e) {
      if (CompactionErrors.isRetry(e)) {
        LOG.atError().addKeyValue("err", e.getMessage()).log("retriable error");
        metrics.retries.increment();
        return;
      }
      throw new IllegalStateException(
          "could not calculate compaction progress: " + e.getMessage(), e);
    }
  }

  /** The block viewer: /blocks (whole bucket, refreshed on its own loop) and /loaded. */
  private void web() throws Exception {
    BlocksApi api = new BlocksApi(cfg.bucketWebLabel(), bkt, cfg.disableAdminOperations(), clock);
    job.onSync((FetchResult r) -> api.setLoaded(r.metas().values(), r.error()));
    Router r = c.router();
    String prefix = cfg.routePrefix();
    api.register(r, c.api(), prefix);
    if (!prefix.isEmpty()) {
      r.get(
          prefix + "/api/v1/status/flags",
          "status_flags",
          c.api().wrap(req -> ApiResult.of(flags)));
      r.get(
          prefix + "/api/v1/status/buildinfo",
          "status_build_info",
          c.api().wrap(req -> ApiResult.of(c.buildInfo().apiData())));
    }
    new BlocksUi("compact", cfg.externalPrefix(), cfg.prefixHeader()).register(r, prefix);
    MetaFetcher global =
        MetaFetcher.builder(bkt)
            .concurrency(cfg.job().metaFetchConcurrency())
            .strategy(cfg.job().discovery())
            .build();
    global.onChange(res -> api.setGlobal(res.metas().values(), res.error()));
    c.add(
        "block-viewer",
        new Repeat(
            cfg.blockViewerSyncInterval(),
            () -> {
              try {
                global.fetch();
              } catch (java.io.IOException e) {
                api.setGlobal(List.of(), e);
                LOG.atWarn().setCause(e).log("global block viewer sync failed");
              }
            }));
  }
}
