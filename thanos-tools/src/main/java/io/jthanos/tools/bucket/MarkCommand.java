package io.jthanos.tools.bucket;

import io.jthanos.block.Blocks;
import io.jthanos.block.metadata.MarkerType;
import io.jthanos.block.metadata.NoCompactMark;
import io.jthanos.config.ConfigException;
import io.jthanos.objstore.Bucket;
import io.jthanos.server.Component;
import io.jthanos.server.flags.ObjstoreOptions;
import io.jthanos.tsdb.block.Ulid;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code thanos tools bucket mark}: writes (or removes) a marker on blocks. */
@Command(
    name = "mark",
    description =
        "Mark block for deletion or no-compact in a safe way. NOTE: If the compactor is currently"
            + " running compacting same block, this operation would be potentially a noop.")
public final class MarkCommand extends ToolCommand {
  private static final Logger LOG = LoggerFactory.getLogger(MarkCommand.class);

  @Mixin ObjstoreOptions objstore;

  @Option(
      names = "--id",
      required = true,
      paramLabel = "<ulid>",
      description = "ID (ULID) of the blocks to be marked for deletion (repeated flag)")
  List<String> ids = new ArrayList<>();

  @Option(
      names = "--marker",
      required = true,
      paramLabel = "<file>",
      description =
          "Marker to be put. One of deletion-mark.json, no-compact-mark.json,"
              + " no-downsample-mark.json.")
  String marker;

  @Option(
      names = "--details",
      defaultValue = "",
      paramLabel = "<text>",
      description = "Human readable details to be put into marker.")
  String details;

  @Option(
      names = "--remove",
      negatable = true,
      defaultValue = "false",
      fallbackValue = "true",
      description = "Remove the marker.")
  boolean remove;

  @Override
  protected String component() {
    return "mark";
  }

  @Override
  protected void compose(Component c) throws Exception {
    MarkerType type;
    try {
      type = MarkerType.ofFileName(marker);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "--marker must be one of deletion-mark.json, no-compact-mark.json,"
              + " no-downsample-mark.json, got '"
              + marker
              + "'",
          "marker");
    }
    List<Ulid> blocks = new ArrayList<>();
    for (String id : ids) {
      if (!Ulid.isValid(id)) {
        throw new ConfigException("block.id is not a valid UUID, got: " + id, "id");
      }
      blocks.add(Ulid.parse(id));
    }
    if (!remove && details.isEmpty()) {
      throw new ConfigException("required flag --details not provided", "details");
    }
    Bucket bkt = bucket(c, objstore, "mark");
    Clock clock = Clock.systemUTC();
    once(
        c,
        "mark",
        () -> {
          for (Ulid id : blocks) {
            if (remove) {
              Blocks.removeMark(bkt, id, type);
              continue;
            }
            switch (type) {
              case DELETION -> Blocks.markForDeletion(bkt, id, details, clock);
              case NO_COMPACT ->
                  Blocks.markForNoCompact(bkt, id, NoCompactMark.REASON_MANUAL, details, clock);
              case NO_DOWNSAMPLE -> Blocks.markForNoDownsample(bkt, id, "manual", details, clock);
            }
          }
          LOG.atInfo()
              .addKeyValue("marker", marker)
              .addKeyValue("IDs", String.join(",", ids))
              .log(remove ? "marker removed" : "marking done");
        });
  }
}
