package io.jthanos.tools;

import io.jthanos.server.ComponentMain;

/** Entry point of the {@code thanos tools} runnable jar. */
public final class ToolsMain {
  private ToolsMain() {}

  public static void main(String[] args) {
    ComponentMain.mainTree(new ToolsCommand(), args);
  }
}
