package io.jthanos.server.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class RunGroupTest {

  /** Blocks until interrupted; records the interrupt order. */
  private static final class Blocking implements RunGroup.Actor {
    final String name;
    final List<String> order;
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch stop = new CountDownLatch(1);

    Blocking(String name, List<String> order) {
      this.name = name;
      this.order = order;
    }

    @Override
    public void run() throws InterruptedException {
      started.countDown();
      stop.await();
    }

    @Override
    public void interrupt(Throwable cause) {
      order.add(name);
      stop.countDown();
    }
  }

  @Test
  void firstFailureStopsAllInOrderAndIsRethrown() throws Exception {
    List<String> order = new CopyOnWriteArrayList<>();
    Blocking a = new Blocking("a", order);
    Blocking b = new Blocking("b", order);
    CountDownLatch go = new CountDownLatch(1);
    RunGroup g = new RunGroup().add("a", a).add("b", b);
    g.add(
        "failing",
        new RunGroup.Actor() {
          @Override
          public void run() throws Exception {
            a.started.await();
            b.started.await();
            go.countDown();
            throw new IllegalStateException("boom");
          }

          @Override
          public void interrupt(Throwable cause) {
            order.add("failing");
          }
        });
    assertThatThrownBy(g::run).isInstanceOf(IllegalStateException.class).hasMessage("boom");
    assertThat(order).containsExactly("a", "b", "failing");
  }

  @Test
  void normalReturnStopsOthersWithoutError() throws Exception {
    List<String> order = new CopyOnWriteArrayList<>();
    Blocking a = new Blocking("a", order);
    RunGroup g = new RunGroup().add("a", a);
    g.add(
        "done",
        new RunGroup.Actor() {
          @Override
          public void run() throws InterruptedException {
            a.started.await();
          }

          @Override
          public void interrupt(Throwable cause) {}
        });
    g.run();
    assertThat(order).containsExactly("a");
  }
}
