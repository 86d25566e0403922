package io.jthanos.tools.bucket;

import io.jthanos.block.fetcher.IgnoreDeletionMarkFilter;
import io.jthanos.block.fetcher.MetaFetcher;
import io.jthanos.config.ConfigException;
import io.jthanos.config.PathOrContent;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.Buckets;
import io.jthanos.server.Component;
import io.jthanos.server.flags.DurationConverter;
import io.jthanos.server.flags.ObjstoreOptions;
import io.jthanos.tsdb.block.Ulid;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code thanos tools bucket verify}: checks (and repairs) known block issues. */
@Command(
    name = "verify",
    description =
        "Verify all blocks in the bucket against specified issues. NOTE: Depending on issue this"
            + " might take time and will need downloading all specified blocks to disk.")
public final class VerifyCommand extends ToolCommand {
  @Mixin ObjstoreOptions objstore;

  @Option(
      names = "--objstore-backup.config-file",
      defaultValue = "",
      paramLabel = "<file-path>",
      description =
          "Path to YAML file that contains object store-backup configuration. See format details:"
              + " https://thanos.io/tip/thanos/storage.md/#configuration Used for repair logic to"
              + " backup blocks before removal.")
  String backupFile;

  @Option(
      names = "--objstore-backup.config",
      defaultValue = "",
      paramLabel = "<content>",
      description =
          "Alternative to 'objstore-backup.config-file' flag (mutually exclusive). Content of YAML"
              + " file that contains object store-backup configuration. See format details:"
              + " https://thanos.io/tip/thanos/storage.md/#configuration Used for repair logic to"
              + " backup blocks before removal.")
  String backupContent;

  @Option(
      names = {"-r", "--repair"},
      negatable = true,
      defaultValue = "false",
      fallbackValue = "true",
      description = "Attempt to repair blocks for which issues were detected")
  boolean repair;

  @Option(
      names = {"-i", "--issues"},
      defaultValue = "index_known_issues,overlapped_blocks",
      split = ",",
      paramLabel = "<issue>",
      description =
          "Issues to verify (and optionally repair). Possible issue to verify, without repair:"
              + " [overlapped_blocks]; Possible issue to verify and repair: [index_known_issues"
              + " duplicated_compaction]")
  List<String> issues;

  @Option(
      names = "--id",
      paramLabel = "<ulid>",
      description =
          "Block IDs to verify (and optionally repair) only. If none is specified, all blocks will"
              + " be verified. Repeated field")
  List<String> ids = new ArrayList<>();

  @Option(
      names = "--delete-delay",
      defaultValue = "0s",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description =
          "Duration after which blocks marked for deletion would be deleted permanently from source"
              + " bucket by compactor component. If delete-delay is non zero, blocks will be marked"
              + " for deletion and compactor component is required to delete blocks from source"
              + " bucket. If delete-delay is 0, blocks will be deleted straight away. Use this if"
              + " you want to get rid of or move the block immediately. Note that deleting blocks"
              + " immediately can cause query failures, if store gateway still has the block"
              + " loaded, or compactor is ignoring the deletion because it's compacting the block"
              + " at the same time.")
  Duration deleteDelay;

  /** What the last run found, for tests. */
  Verifier.Report report;

  @Override
  protected String component() {
    return "bucket";
  }

  @Override
  protected void compose(Component c) throws Exception {
    for (String i : issues) {
      if (!Verifier.all().contains(i)) {
        throw new ConfigException("no such issue name " + i, "issues");
      }
    }
    Set<Ulid> idSet = new HashSet<>();
    for (String id : ids) {
      if (!Ulid.isValid(id)) {
        throw new ConfigException("invalid ULID found in --id flag: " + id, "id");
      }
      idSet.add(Ulid.parse(id));
    }
    PathOrContent backupFlags =
        new PathOrContent(
            "objstore-backup.config-file", "objstore-backup.config", backupFile, backupContent);
    boolean hasBackup = backupFlags.read().filter(s -> !s.isBlank()).isPresent();
    if (repair && !hasBackup) {
      throw new ConfigException(
          "repair is specified, so backup client is required", "objstore-backup.config");
    }
    Bucket bkt = bucket(c, objstore, "bucket");
    Bucket backup =
        hasBackup
            ? Buckets.fromFlags(
                backupFlags,
                "bucket",
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry())
            : null;
    if (backup != null) {
      c.onClose(() -> close(backup));
    }
    Predicate<Ulid> matcher = idSet.isEmpty() ? null : idSet::contains;
    once(
        c,
        "verify",
        () -> {
          Clock clock = Clock.systemUTC();
          var metas =
              MetaFetcher.builder(bkt)
                  .filters(List.of(new IgnoreDeletionMarkFilter(bkt, Duration.ZERO, 32, clock)))
                  .build()
                  .fetch()
                  .metasOrThrow();
          Path tmp = Files.createTempDirectory("thanos-verify-");
          try {
            report =
                new Verifier(bkt, backup, deleteDelay, tmp, clock)
                    .run(issues, metas, matcher, repair);
          } finally {
            io.jthanos.tsdb.block.BlockFiles.deleteRecursively(tmp);
          }
        });
  }
}
