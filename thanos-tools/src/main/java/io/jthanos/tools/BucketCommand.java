package io.jthanos.tools;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code thanos tools bucket}: commands working on a bucket of blocks. */
@Command(
    name = "bucket",
    description = "Bucket utility commands.",
    subcommands = {
      GenerateCommand.class,
      io.jthanos.tools.bucket.VerifyCommand.class,
      io.jthanos.tools.bucket.LsCommand.class,
      io.jthanos.tools.bucket.InspectCommand.class,
      io.jthanos.tools.bucket.WebCommand.class,
      io.jthanos.tools.bucket.ReplicateCommand.class,
      io.jthanos.tools.bucket.DownsampleCommand.class,
      io.jthanos.tools.bucket.CleanupCommand.class,
      io.jthanos.tools.bucket.MarkCommand.class,
      io.jthanos.tools.bucket.RewriteCommand.class,
      io.jthanos.tools.bucket.RetentionCommand.class,
      io.jthanos.tools.bucket.UploadBlocksCommand.class
    })
public final class BucketCommand {
  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show context-sensitive help.")
  boolean help;
}
