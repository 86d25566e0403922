package io.jthanos.tools.bucket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jthanos.block.Blocks;
import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.Sources;
import io.jthanos.config.ConfigException;
import io.jthanos.objstore.Bucket;
import io.jthanos.server.Component;
import io.jthanos.server.flags.ObjstoreOptions;
import io.jthanos.tsdb.block.BlockFiles;
import io.jthanos.tsdb.block.Ulid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code thanos tools bucket upload-blocks}: ships the blocks of a local TSDB directory as the
 * sidecar's shipper does: level-1 blocks not yet uploaded (per {@code thanos.shipper.json} and the
 * bucket) are staged with the given external labels and source {@code bucket.upload}, uploaded
 * (meta.json last) and recorded in {@code thanos.shipper.json}.
 */
@Command(
    name = "upload-blocks",
    description = "Upload blocks push blocks from the provided path to the object storage.")
public final class UploadBlocksCommand extends ToolCommand {
  private static final Logger LOG = LoggerFactory.getLogger(UploadBlocksCommand.class);
  static final String SHIPPER_FILE = "thanos.shipper.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin ObjstoreOptions objstore;

  @Option(
      names = "--path",
      defaultValue = "./data",
      paramLabel = "<dir>",
      description = "Path to the directory containing blocks to upload.")
  String path;

  @Option(
      names = "--label",
      paramLabel = "<key=\"value\">",
      description = "External labels to add to the uploaded blocks (repeated).")
  List<String> labels = new ArrayList<>();

  @Override
  protected String component() {
    return "upload";
  }

  @Override
  protected void compose(Component c) throws Exception {
    if (labels.isEmpty()) {
      throw new ConfigException(
          "no external labels configured, uniquely identifying external labels must be"
              + " configured; see https://thanos.io/tip/thanos/storage.md#external-labels for"
              + " details.",
          "label");
    }
    Map<String, String> lset;
    try {
      lset = Labels.parseFlagLabels(labels);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("unable to parse external labels: " + e.getMessage(), "label");
    }
    Path dir = Path.of(path);
    if (!Files.isDirectory(dir) || !Files.isReadable(dir)) {
      throw new ConfigException("unable to access path '" + path + "'", "path");
    }
    Bucket bkt = bucket(c, objstore, "upload");
    once(
        c,
        "upload",
        () -> {
          int n = sync(bkt, dir, lset);
          LOG.atInfo().addKeyValue("uploaded", n).log("synced blocks");
        });
  }

  /** Uploads what is missing; returns the number of blocks uploaded. */
  static int sync(Bucket bkt, Path dir, Map<String, String> labels) throws IOException {
    TreeSet<String> uploaded = readShipperFile(dir);
    List<Path> blocks = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> Files.isDirectory(p) && Ulid.isValid(p.getFileName().toString()))
          .sorted()
          .forEach(blocks::add);
    }
    int n = 0;
    TreeSet<String> present = new TreeSet<>();
    for (Path b : blocks) {
      String id = b.getFileName().toString();
      Meta m;
      try {
        m = Meta.read(b);
      } catch (NoSuchFileException e) {
        continue;
      }
      present.add(id);
      if (uploaded.contains(id)) {
        continue;
      }
      if (m.block().compaction().level() > 1) {
        LOG.atInfo().addKeyValue("block", id).log("block is compacted, skipping");
        continue;
      }
      if (bkt.exists(id + "/meta.json")) {
        uploaded.add(id);
        continue;
      }
      Path staging = dir.resolve("thanos").resolve("upload").resolve(id);
      BlockFiles.deleteRecursively(staging);
      copyLinked(b, staging);
      Meta staged =
          m.withThanos(
              m.thanos().withLabels(labels).withSource(Sources.BUCKET_UPLOAD).withResolution(0));
      staged.write(staging);
      try {
        Blocks.upload(bkt, staging, Blocks.UploadOptions.DEFAULT);
      } finally {
        BlockFiles.deleteRecursively(staging);
      }
      uploaded.add(id);
      n++;
      LOG.atInfo().addKeyValue("block", id).log("upload new block");
    }
    uploaded.retainAll(present);
    writeShipperFile(dir, uploaded);
    return n;
  }

  /** Hard-links the block's files (copying when links are not possible) into {@code dst}. */
  private static void copyLinked(Path src, Path dst) throws IOException {
    try (Stream<Path> s = Files.walk(src)) {
      for (Path p : s.toList()) {
        Path t = dst.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else if (!p.getFileName().toString().equals(Meta.FILE_NAME)) {
          try {
            Files.createLink(t, p);
          } catch (IOException | UnsupportedOperationException e) {
            Files.copy(p, t);
          }
        }
      }
    }
  }

  static TreeSet<String> readShipperFile(Path dir) {
    TreeSet<String> out = new TreeSet<>();
    try {
      JsonNode n = JSON.readTree(Files.readAllBytes(dir.resolve(SHIPPER_FILE)));
      for (JsonNode u : n.path("uploaded")) {
        out.add(u.asText());
      }
    } catch (IOException e) {
      // Missing or corrupt: the bucket's existence checks still prevent double uploads.
    }
    return out;
  }

  private static void writeShipperFile(Path dir, TreeSet<String> uploaded) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("version", 1);
    var a = n.putArray("uploaded");
    uploaded.forEach(a::add);
    Meta.writeAtomically(
        dir.resolve(SHIPPER_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
  }
}
