package io.jthanos.tools.bucket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jthanos.block.Blocks;
import io.jthanos.block.compact.BlockRewriter;
import io.jthanos.block.metadata.DeletionRequest;
import io.jthanos.block.metadata.HashFunc;
import io.jthanos.block.relabel.RelabelConfig;
import io.jthanos.block.relabel.RelabelConfigs;
import io.jthanos.config.ConfigException;
import io.jthanos.config.PathOrContent;
import io.jthanos.objstore.Bucket;
import io.jthanos.promql.parser.Parser;
import io.jthanos.promql.parser.ParserOptions;
import io.jthanos.server.Component;
import io.jthanos.server.flags.ObjstoreOptions;
import io.jthanos.tsdb.block.BlockFiles;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.block.UlidGenerator;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.tombstones.Interval;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code thanos tools bucket rewrite}: series deletion and relabelling in stored blocks. */
@Command(
    name = "rewrite",
    description =
        "Rewrite chosen blocks in the bucket, while deleting or modifying series Resulted block has"
            + " modified stats in meta.json. Additionally compaction.sources are altered to not"
            + " confuse readers of meta.json. Instead thanos.rewrite section is added with useful"
            + " info like old sources and deletion requests. NOTE: It's recommended to turn off"
            + " compactor while doing this operation. If the compactor is running and touching"
            + " exactly same block that is being rewritten, the resulted rewritten block might only"
            + " cause overlap (mitigated by marking overlapping block manually for deletion) and"
            + " the data you wanted to rewrite could already part of bigger block. Use FILESYSTEM"
            + " type of bucket to rewrite block on disk (suitable for vanilla Prometheus) After"
            + " rewrite, it's caller responsibility to delete or mark source block for deletion to"
            + " avoid overlaps. WARNING: This procedure is *IRREVERSIBLE* after certain time"
            + " (delete delay), so do backup your blocks first.")
public final class RewriteCommand extends ToolCommand {
  private static final Logger LOG = LoggerFactory.getLogger(RewriteCommand.class);
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Mixin ObjstoreOptions objstore;

  @Option(
      names = "--id",
      required = true,
      paramLabel = "<ulid>",
      description = "ID (ULID) of the blocks for rewrite (repeated flag).")
  List<String> ids = new ArrayList<>();

  @Option(
      names = "--tmp.dir",
      defaultValue = "${java.io.tmpdir}/thanos-rewrite",
      paramLabel = "<dir>",
      description = "Working directory for temporary files")
  String tmpDir;

  @Option(
      names = "--dry-run",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Prints the series changes instead of doing them. Defaults to true, for user to double"
              + " check. (: Pass --no-dry-run to skip this.")
  boolean dryRun;

  @Option(
      names = "--prom-blocks",
      negatable = true,
      defaultValue = "false",
      fallbackValue = "true",
      description =
          "If specified, we assume the blocks to be uploaded are only used with Prometheus so we"
              + " don't check external labels in this case.")
  boolean promBlocks;

  @Option(
      names = "--delete-blocks",
      negatable = true,
      defaultValue = "false",
      fallbackValue = "true",
      description =
          "Whether to delete the original blocks after rewriting blocks successfully. Available in"
              + " non dry-run mode only.")
  boolean deleteBlocks;

  @Option(
      names = "--hash-func",
      defaultValue = "",
      paramLabel = "<func>",
      description =
          "Specify which hash function to use when calculating the hashes of produced files. If no"
              + " function has been specified, it does not happen. This permits avoiding"
              + " downloading some files twice albeit at some performance cost. Possible values"
              + " are: \"\", \"SHA256\".")
  String hashFunc;

  @Option(
      names = "--rewrite.to-delete-config-file",
      defaultValue = "",
      paramLabel = "<file-path>",
      description =
          "Path to YAML file that contains []metadata.DeletionRequest that will be applied to"
              + " blocks")
  String deleteFile;

  @Option(
      names = "--rewrite.to-delete-config",
      defaultValue = "",
      paramLabel = "<content>",
      description =
          "Alternative to 'rewrite.to-delete-config-file' flag (mutually exclusive). Content of"
              + " YAML file that contains []metadata.DeletionRequest that will be applied to"
              + " blocks")
  String deleteContent;

  @Option(
      names = "--rewrite.to-relabel-config-file",
      defaultValue = "",
      paramLabel = "<file-path>",
      description =
          "Path to YAML file that contains relabel configs that will be applied to blocks")
  String relabelFile;

  @Option(
      names = "--rewrite.to-relabel-config",
      defaultValue = "",
      paramLabel = "<content>",
      description =
          "Alternative to 'rewrite.to-relabel-config-file' flag (mutually exclusive). Content of"
              + " YAML file that contains relabel configs that will be applied to blocks")
  String relabelContent;

  @Option(
      names = "--rewrite.add-change-log",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "If specified, all modifications are written to new block directory. Disable if latency"
              + " is to high.")
  boolean addChangeLog;

  /** Where the dry run prints the changes (stderr). */
  OutputStream changes = System.err;

  @Override
  protected String component() {
    return "rewrite";
  }

  @Override
  protected void compose(Component c) throws Exception {
    HashFunc hf = DownsampleCommand.hashFunc(hashFunc);
    String relabelYaml =
        new PathOrContent(
                "rewrite.to-relabel-config-file",
                "rewrite.to-relabel-config",
                relabelFile,
                relabelContent)
            .read()
            .orElse("");
    List<RelabelConfig> relabels = List.of();
    List<JsonNode> relabelsJson = List.of();
    if (!relabelYaml.isBlank()) {
      relabels = RelabelConfigs.parse(relabelYaml, null, "--rewrite.to-relabel-config");
      relabelsJson = relabelJson(relabels);
    }
    String deleteYaml =
        new PathOrContent(
                "rewrite.to-delete-config-file",
                "rewrite.to-delete-config",
                deleteFile,
                deleteContent)
            .read()
            .orElse("");
    List<BlockRewriter.Deletion> deletions =
        deleteYaml.isBlank() ? List.of() : deletions(deleteYaml);
    if (relabels.isEmpty() && deletions.isEmpty()) {
      throw new ConfigException(
          "rewrite configuration should be provided", "rewrite.to-delete-config");
    }
    List<Ulid> blocks = new ArrayList<>();
    for (String id : ids) {
      if (!Ulid.isValid(id)) {
        throw new ConfigException("id is not a valid block ULID, got: " + id, "id");
      }
      blocks.add(Ulid.parse(id));
    }
    Bucket bkt = bucket(c, objstore, "rewrite");
    Path tmp = Path.of(tmpDir);
    List<RelabelConfig> rl = relabels;
    List<JsonNode> rj = relabelsJson;
    once(
        c,
        "rewrite",
        () -> {
          BlockFiles.deleteRecursively(tmp);
          Files.createDirectories(tmp);
          for (Ulid id : blocks) {
            LOG.atInfo().addKeyValue("source", id).log("downloading block");
            Path src = tmp.resolve(id.toString());
            Blocks.download(bkt, id, src);
            Ulid newId = UlidGenerator.defaultGenerator().next();
            Files.createDirectories(tmp.resolve(newId.toString()));
            PrintWriter log;
            if (dryRun) {
              log = new PrintWriter(changes, true, StandardCharsets.UTF_8);
            } else if (addChangeLog) {
              log =
                  new PrintWriter(Files.newBufferedWriter(tmp.resolve("change-" + newId + ".log")));
            } else {
              log = new PrintWriter(OutputStream.nullOutputStream());
            }
            LOG.atInfo()
                .addKeyValue("source", id)
                .addKeyValue("new", newId)
                .addKeyValue("toDelete", deleteYaml)
                .addKeyValue("toRelabel", relabelYaml)
                .log("starting rewrite for block");
            BlockRewriter.Result r;
            try {
              BlockFiles.deleteRecursively(tmp.resolve(newId.toString()));
              r = BlockRewriter.rewrite(src, tmp, newId, rl, rj, deletions, dryRun, log);
            } finally {
              if (!dryRun) {
                log.close();
              }
            }
            if (dryRun) {
              LOG.atInfo()
                  .addKeyValue("Block ID", id)
                  .log("dry run finished. Changes should be printed to stderr");
              continue;
            }
            Path newDir = tmp.resolve(newId.toString());
            if (addChangeLog) {
              Files.move(tmp.resolve("change-" + newId + ".log"), newDir.resolve("change.log"));
            }
            LOG.atInfo()
                .addKeyValue("source", id)
                .addKeyValue("new", newId)
                .addKeyValue("series_deleted", r.seriesDeleted())
                .addKeyValue("series_relabelled", r.seriesRelabelled())
                .log("wrote new block after modifications; uploading");
            Blocks.UploadOptions opts = Blocks.UploadOptions.DEFAULT.withHashFunc(hf);
            if (promBlocks) {
              opts = opts.withoutExternalLabelCheck();
            }
            Blocks.upload(bkt, newDir, opts);
            LOG.atInfo().addKeyValue("source", id).addKeyValue("new", newId).log("uploaded");
            if (deleteBlocks) {
              try {
                Blocks.markForDeletion(bkt, id, "block rewritten", Clock.systemUTC());
              } catch (Exception e) {
                LOG.atError()
                    .setCause(e)
                    .addKeyValue("id", id)
                    .log("failed to mark block for deletion");
              }
            }
          }
          LOG.atInfo().addKeyValue("IDs", String.join(",", ids)).log("rewrite done");
        });
  }

  /** Parses {@code []metadata.DeletionRequest} YAML ({@code matchers}, {@code intervals}). */
  static List<BlockRewriter.Deletion> deletions(String yaml) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (Exception e) {
      throw new ConfigException(
          "parse --rewrite.to-delete-config: " + e.getMessage(), "rewrite.to-delete-config");
    }
    if (root == null || !root.isArray()) {
      throw new ConfigException(
          "--rewrite.to-delete-config must be a list of deletion requests",
          "rewrite.to-delete-config");
    }
    List<BlockRewriter.Deletion> out = new ArrayList<>();
    JsonNodeFactory f = JsonNodeFactory.instance;
    for (JsonNode n : root) {
      String sel = n.path("matchers").asText("");
      List<Matcher> ms;
      try {
        ms = Parser.parseMetricSelector(sel, ParserOptions.DEFAULT);
      } catch (RuntimeException e) {
        throw new ConfigException(
            "parse metric selector " + sel + ": " + e.getMessage(), "rewrite.to-delete-config");
      }
      List<Interval> iv = new ArrayList<>();
      for (JsonNode i : n.path("intervals")) {
        iv.add(new Interval(i.path("mint").asLong(), i.path("maxt").asLong()));
      }
      ArrayNode mj = f.arrayNode();
      for (Matcher m : ms) {
        ObjectNode o = mj.addObject();
        o.put("Type", m.type().ordinal());
        o.put("Name", m.name());
        o.put("Value", m.value());
      }
      out.add(
          new BlockRewriter.Deletion(
              ms, iv, new DeletionRequest(mj, iv, n.path("request_id").asText(""))));
    }
    return out;
  }

  /** Relabel configs as Go's JSON encoding of {@code relabel.Config}. */
  static List<JsonNode> relabelJson(List<RelabelConfig> configs) {
    List<JsonNode> out = new ArrayList<>();
    for (RelabelConfig c : configs) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      ArrayNode sl = o.putArray("source_labels");
      c.sourceLabels().forEach(sl::add);
      o.put("separator", c.separator());
      o.put("regex", c.regex());
      o.put("modulus", c.modulus());
      o.put("target_label", c.targetLabel());
      o.put("replacement", c.replacement());
      o.put("action", c.action().id());
      out.add(o);
    }
    return out;
  }
}
