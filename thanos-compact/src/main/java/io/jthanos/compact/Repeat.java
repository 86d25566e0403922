package io.jthanos.compact;

import io.jthanos.server.run.RunGroup;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A run-group actor that runs a task now and then every {@code interval} until interrupted, as
 * Thanos' {@code runutil.Repeat}. The task returning an error stops the actor (and the process);
 * the task decides what it tolerates.
 */
final class Repeat implements RunGroup.Actor {
  /** One run of the task. */
  @FunctionalInterface
  interface Task {
    void run() throws Exception;
  }

  private final Duration interval;
  private final Task task;
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile Thread runner;

  Repeat(Duration interval, Task task) {
    this.interval = interval;
    this.task = task;
  }

  /** Waits for {@code d} or until stopped; true when stopped. */
  boolean sleep(Duration d) throws InterruptedException {
    return stop.await(d.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Blocks until the actor is interrupted. */
  void awaitStop() throws InterruptedException {
    stop.await();
  }

  boolean stopped() {
    return stop.getCount() == 0;
  }

  @Override
  public void run() throws Exception {
    runner = Thread.currentThread();
    try {
      while (!stopped()) {
        try {
          task.run();
        } catch (InterruptedException | java.io.InterruptedIOException e) {
          if (stopped()) {
            return;
          }
          throw e;
        } catch (Exception e) {
          if (stopped()) {
            return;
          }
          throw e;
        }
        if (sleep(interval)) {
          return;
        }
      }
    } finally {
      runner = null;
    }
  }

  @Override
  public void interrupt(Throwable cause) {
    stop.countDown();
    Thread t = runner;
    if (t != null) {
      t.interrupt();
    }
  }
}
