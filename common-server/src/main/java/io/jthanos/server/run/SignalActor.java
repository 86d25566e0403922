package io.jthanos.server.run;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Returns normally when the process gets SIGTERM or SIGINT, so the run group shuts everything down
 * and the process exits 0, as Thanos does. Uses {@code sun.misc.Signal} (module jdk.unsupported)
 * rather than a shutdown hook so that the exit code stays ours.
 */
public final class SignalActor implements RunGroup.Actor {
  private static final Logger LOG = LoggerFactory.getLogger(SignalActor.class);

  private final CountDownLatch latch = new CountDownLatch(1);
  private final AtomicReference<String> caught = new AtomicReference<>();

  public SignalActor() {
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(
          new Signal(name),
          s -> {
            caught.compareAndSet(null, s.getName());
            latch.countDown();
          });
    }
  }

  @Override
  public void run() throws InterruptedException {
    latch.await();
    String s = caught.get();
    if (s != null) {
      LOG.atInfo()
          .addKeyValue("signal", s.equals("TERM") ? "terminated" : "interrupt")
          .log("caught signal. Exiting.");
    }
  }

  @Override
  public void interrupt(Throwable cause) {
    latch.countDown();
  }
}
