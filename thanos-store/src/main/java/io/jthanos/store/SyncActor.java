package io.jthanos.store;

import io.jthanos.server.Probes;
import io.jthanos.server.run.RunGroup;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store gateway's block sync loop: the initial sync (failing it stops the process, as Thanos'
 * {@code initial sync} error does), readiness once it is done, then a sync every {@code
 * --sync-block-duration}, failures logged and retried at the next tick.
 */
final class SyncActor implements RunGroup.Actor {
  private static final Logger log = LoggerFactory.getLogger(SyncActor.class);

  private final StoreGateway gw;
  private final Duration interval;
  private final Probes probes;
  private final CountDownLatch stop = new CountDownLatch(1);

  SyncActor(StoreGateway gw, Duration interval, Probes probes) {
    this.gw = gw;
    this.interval = interval;
    this.probes = probes;
  }

  @Override
  public void run() throws Exception {
    long start = System.nanoTime();
    try {
      gw.sync();
    } catch (Exception e) {
      throw new Exception("bucket store initial sync: " + e.getMessage(), e);
    }
    log.atInfo()
        .addKeyValue("duration", Duration.ofNanos(System.nanoTime() - start))
        .addKeyValue("blocks", gw.store().blockCount())
        .log("initial synchronization done");
    probes.ready();
    while (!stop.await(interval.toMillis(), TimeUnit.MILLISECONDS)) {
      try {
        gw.sync();
      } catch (Exception e) {
        log.atWarn().addKeyValue("err", e.getMessage()).log("syncing blocks failed");
      }
    }
  }

  @Override
  public void interrupt(Throwable cause) {
    stop.countDown();
  }
}
