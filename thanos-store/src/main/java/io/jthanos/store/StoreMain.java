package io.jthanos.store;

import io.jthanos.server.ComponentMain;

/** Entry point of the {@code thanos store} runnable jar. */
public final class StoreMain {
  private StoreMain() {}

  public static void main(String[] args) {
    ComponentMain.main(new StoreCommand(), args);
  }
}
