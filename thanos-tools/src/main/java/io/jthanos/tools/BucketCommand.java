package io.jthanos.tools;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code thanos tools bucket}: commands working on a bucket of blocks. */
@Command(
    name = "bucket",
    description = "Bucket utility commands.",
    subcommands = {GenerateCommand.class})
public final class BucketCommand {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show context-sensitive help.")
  boolean help;
}
