package io.jthanos.server.run;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services of one process, run together as Thanos' {@code run.Group}: every actor runs in its
 * own thread; when the first one returns (normally or by throwing), every actor is interrupted in
 * the order they were added and the group waits for all of them to return. {@link #run} then
 * returns or rethrows the first actor's outcome. A clean shutdown (SIGTERM) is an actor that
 * returns normally ({@link SignalActor}).
 */
public final class RunGroup {
  private static final Logger LOG = LoggerFactory.getLogger(RunGroup.class);

  /** One member of a group. */
  public interface Actor {
    /** Does the work; returns (or throws) when done or after {@link #interrupt}. */
    void run() throws Exception;

    /**
     * Makes {@link #run} return, honouring the actor's grace period. Called once, from another
     * thread, possibly before or while {@code run} is starting; must not throw.
     */
    void interrupt(Throwable cause);
  }

  private record Named(String name, Actor actor) {}

  private record Outcome(Named who, Throwable error) {}

  private final List<Named> actors = new ArrayList<>();

  public RunGroup add(String name, Actor actor) {
    actors.add(new Named(name, actor));
    return this;
  }

  /**
   * Runs all actors until the first returns, stops the others and waits for them.
   *
   * @throws Exception the first actor's failure, if it failed
   */
  public void run() throws Exception {
    if (actors.isEmpty()) {
      return;
    }
    BlockingQueue<Outcome> done = new ArrayBlockingQueue<>(actors.size());
    List<Thread> threads = new ArrayList<>(actors.size());
    for (Named n : actors) {
      Thread t =
          Thread.ofPlatform()
              .name("run-" + n.name())
              .start(
                  () -> {
                    Throwable err = null;
                    try {
                      n.actor().run();
                    } catch (Throwable e) {
                      err = e;
                    }
                    done.add(new Outcome(n, err));
                  });
      threads.add(t);
    }
    Outcome first = done.take();
    if (first.error() != null) {
      LOG.atDebug()
          .addKeyValue("actor", first.who().name())
          .setCause(first.error())
          .log("run group member failed, stopping all");
    }
    Throwable cause = first.error() != null ? first.error() : new InterruptedException("stopping");
    for (Named n : actors) {
      try {
        n.actor().interrupt(cause);
      } catch (RuntimeException e) {
        LOG.atWarn().addKeyValue("actor", n.name()).setCause(e).log("interrupting actor failed");
      }
    }
    for (int i = 1; i < actors.size(); i++) {
      Outcome o = done.take();
      if (o.error() != null && first.error() == null) {
        LOG.atWarn().addKeyValue("actor", o.who().name()).setCause(o.error()).log("actor failed");
      }
    }
    for (Thread t : threads) {
      t.join();
    }
    if (first.error() instanceof Exception e) {
      throw e;
    } else if (first.error() instanceof Error e) {
      throw e;
    } else if (first.error() != null) {
      throw new RuntimeException(first.error());
    }
  }
}
