package io.jthanos.promql.parser;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs deeply recursive work (parsing, checking and evaluating deeply nested expressions) on a
 * helper thread with a large stack, so that queries up to the parser's depth limit work whatever
 * the caller's stack size. Interrupting the caller interrupts the helper. Internal to the engine.
 */
public final class DeepStack {
  /** Expressions deeper than this are evaluated on a big-stack thread. */
  public static final int THRESHOLD = 64;

  private static final long STACK_BYTES = 256L << 20;

  private DeepStack() {}

  /** Runs {@code body} on a platform thread with a 256 MiB stack and returns its result. */
  public static <T> T run(String name, Supplier<T> body) {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t =
        Thread.ofPlatform()
            .name(name)
            .daemon(true)
            .stackSize(STACK_BYTES)
            .unstarted(
                () -> {
                  try {
                    result.set(body.get());
                  } catch (Throwable e) {
                    failure.set(e);
                  }
                });
    t.start();
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
        t.interrupt();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable e = failure.get();
    if (e instanceof RuntimeException r) {
      throw r;
    }
    if (e instanceof Error err) {
      throw err;
    }
    if (e != null) {
      throw new IllegalStateException(e);
    }
    return result.get();
  }

  /** The depth of an expression tree (a leaf has depth 1), computed without recursion. */
  public static int depth(Expr root) {
    ArrayDeque<Object[]> stack = new ArrayDeque<>();
    stack.push(new Object[] {root, 1});
    int max = 0;
    while (!stack.isEmpty()) {
      Object[] top = stack.pop();
      Expr e = (Expr) top[0];
      int d = (Integer) top[1];
      max = Math.max(max, d);
      switch (e) {
        case MatrixSelector m -> stack.push(new Object[] {m.selector(), d + 1});
        case SubqueryExpr s -> stack.push(new Object[] {s.expr(), d + 1});
        case ParenExpr p -> stack.push(new Object[] {p.expr(), d + 1});
        case UnaryExpr u -> stack.push(new Object[] {u.expr(), d + 1});
        case BinaryExpr b -> {
          stack.push(new Object[] {b.lhs(), d + 1});
          stack.push(new Object[] {b.rhs(), d + 1});
        }
        case AggregateExpr a -> {
          stack.push(new Object[] {a.expr(), d + 1});
          if (a.param() != null) {
            stack.push(new Object[] {a.param(), d + 1});
          }
        }
        case Call c -> {
          for (Expr arg : c.args()) {
            stack.push(new Object[] {arg, d + 1});
          }
        }
        default -> {}
      }
    }
    return max;
  }
}
