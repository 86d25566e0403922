package io.jthanos.server;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Runs a component command with Thanos' exit codes: 0 after a clean shutdown, 2 for a flag that
 * does not parse (one line on stderr naming it), 1 for setup or runtime failures. A component's
 * main is one line: {@code ComponentMain.main(new SidecarCommand(), args);}
 */
public final class ComponentMain {
  private ComponentMain() {}

  public static void main(ComponentCommand command, String[] args) {
    System.exit(execute(command, args));
  }

  /** Parses and runs; returns the exit code. */
  public static int execute(ComponentCommand command, String[] args) {
    CommandLine cl = commandLine(command);
    return cl.execute(args);
  }

  /** The configured picocli command line (also used to render {@code --help} for docs). */
  public static CommandLine commandLine(ComponentCommand command) {
    CommandLine cl = new CommandLine(command);
    cl.setCaseInsensitiveEnumValuesAllowed(false);
    // Thanos' boolean flags are negated as --no-<name>, dotted names included
    // (--no-query.partial-response); picocli's default transformer only knows [\w-] names.
    cl.setNegatableOptionTransformer(
        new CommandLine.RegexTransformer.Builder()
            .addPattern("^--no-([\\w][\\w.-]*)$", "--$1", "--[no-]$1")
            .addPattern("^--([\\w][\\w.-]*)$", "--no-$1", "--[no-]$1")
            .build());
    cl.setUsageHelpWidth(120);
    cl.setUsageHelpLongOptionsMaxWidth(45);
    cl.getCommandSpec().usageMessage().showDefaultValues(true);
    cl.getCommandSpec()
        .usageMessage()
        .customSynopsis("thanos " + cl.getCommandName() + " [<flags>]");
    cl.getCommandSpec()
        .versionProvider(() -> new String[] {BuildInfo.current().versionText("thanos")});
    cl.setParameterExceptionHandler(
        (ex, argv) -> {
          PrintWriter err = ex.getCommandLine().getErr();
          String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
          msg = msg.replace('\n', ' ').replace('\r', ' ').strip();
          err.println("Error parsing commandline arguments: " + msg + " (see --help)");
          err.flush();
          return 2;
        });
    cl.setExecutionExceptionHandler(
        (ex, c, parseResult) -> {
          c.getErr().println("running command failed: " + ex);
          c.getErr().flush();
          return 1;
        });
    return cl;
  }
}
