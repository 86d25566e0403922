package io.jthanos.tools.bucket;

import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.Buckets;
import io.jthanos.server.Component;
import io.jthanos.server.ComponentCommand;
import io.jthanos.server.flags.ObjstoreOptions;
import io.jthanos.server.run.RunGroup;
import java.io.IOException;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of the {@code thanos tools bucket} leaves that run once and exit: output goes to the command
 * line's stdout (logs go to stderr), the work runs as the process's only actor, so the process ends
 * (0, or 1 on failure) when it returns.
 */
abstract class ToolCommand extends ComponentCommand {
  private static final Logger LOG = LoggerFactory.getLogger(ToolCommand.class);

  /** Work done once. */
  @FunctionalInterface
  interface Task {
    void run() throws Exception;
  }

  /** Where results are printed. */
  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Opens the bucket from {@code flags}; closed when the process ends. */
  static Bucket bucket(Component c, ObjstoreOptions flags, String component) throws IOException {
    Bucket bkt = Buckets.fromFlags(flags.config(), component, c.registry());
    c.onClose(() -> close(bkt));
    return bkt;
  }

  static void close(Bucket bkt) {
    try {
      bkt.close();
    } catch (IOException | RuntimeException e) {
      LOG.atWarn().setCause(e).log("closing bucket failed");
    }
  }

  /** Runs {@code t} as the process's work; its return ends the process. */
  static void once(Component c, String name, Task t) {
    c.add(
        name,
        new RunGroup.Actor() {
          private volatile Thread runner;

          @Override
          public void run() throws Exception {
            runner = Thread.currentThread();
            t.run();
          }

          @Override
          public void interrupt(Throwable cause) {
            Thread r = runner;
            if (r != null && r != Thread.currentThread()) {
              r.interrupt();
            }
          }
        });
  }
}
