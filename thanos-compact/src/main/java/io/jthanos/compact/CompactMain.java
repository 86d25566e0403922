package io.jthanos.compact;

import io.jthanos.server.ComponentMain;

/** Entry point of the {@code thanos compact} runnable jar. */
public final class CompactMain {
  private CompactMain() {}

  public static void main(String[] args) {
    ComponentMain.main(new CompactCommand(), args);
  }
}
