package io.jthanos.testing.prometheus;

/** Outcome of running a peer command line tool. */
public record ToolResult(int exitCode, String stdout, String stderr) {
  public boolean ok() {
    return exitCode == 0;
  }

  /** Throws with the output when the tool failed. */
  public ToolResult orThrow(String what) {
    if (exitCode != 0) {
      throw new IllegalStateException(
          what
              + " failed with exit code "
              + exitCode
              + "\nstdout:\n"
              + stdout
              + "\nstderr:\n"
              + stderr);
    }
    return this;
  }
}
