package io.jthanos.query;

import io.jthanos.server.ComponentMain;

/** Entry point of the {@code thanos query} runnable jar. */
public final class QueryMain {
  private QueryMain() {}

  public static void main(String[] args) {
    ComponentMain.main(new QueryCommand(), args);
  }
}
