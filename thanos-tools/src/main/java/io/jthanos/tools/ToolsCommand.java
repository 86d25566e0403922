package io.jthanos.tools;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code thanos tools}: the root of the tools command tree. It only groups subcommands; each group
 * ({@link BucketCommand}) lists its own, and the leaves are {@link
 * io.jthanos.server.ComponentCommand}s. Add a subcommand by listing its class in the group's {@code
 * subcommands}.
 */
@Command(
    name = "tools",
    description = "Tools utility commands.",
    subcommands = {BucketCommand.class, io.jthanos.tools.rules.RulesCheckCommand.class})
public final class ToolsCommand {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show context-sensitive help.")
  boolean help;

  @Option(names = "--version", versionHelp = true, description = "Show application version.")
  boolean version;
}
