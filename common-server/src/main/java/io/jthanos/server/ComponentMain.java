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

  /**
   * Runs a command tree such as {@code tools -> bucket -> generate}: the root and the inner nodes
   * are plain picocli commands grouping subcommands (invoked alone they fail with "Missing required
   * subcommand", exit 2), the leaves are {@link ComponentCommand}s.
   */
  public static void mainTree(Object root, String[] args) {
    System.exit(executeTree(root, args));
  }

  /** Parses and runs a command tree; returns the exit code. */
  public static int executeTree(Object root, String[] args) {
    return commandTree(root).execute(args);
  }

  /** The configured picocli command line of a command tree (see {@link #mainTree}). */
  public static CommandLine commandTree(Object root) {
    return configure(new CommandLine(root));
  }

  /** The configured picocli command line (also used to render {@code --help} for docs). */
  public static CommandLine commandLine(ComponentCommand command) {
    return configure(new CommandLine(command));
  }

  private static CommandLine configure(CommandLine cl) {
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
        .customSynopsis(
            "thanos "
                + cl.getCommandName()
                + (cl.getSubcommands().isEmpty() ? " [<flags>]" : " <command> [<flags>]"));
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
    configureSubcommands(cl);
    return cl;
  }

  private static void configureSubcommands(CommandLine parent) {
    for (CommandLine sub : parent.getSubcommands().values()) {
      sub.getCommandSpec().usageMessage().showDefaultValues(true);
      sub.getCommandSpec()
          .usageMessage()
          .customSynopsis(
              "thanos "
                  + sub.getCommandSpec().qualifiedName()
                  + (sub.getSubcommands().isEmpty() ? " [<flags>]" : " <command> [<flags>]"));
      sub.getCommandSpec()
          .versionProvider(() -> new String[] {BuildInfo.current().versionText("thanos")});
      configureSubcommands(sub);
    }
  }
}
