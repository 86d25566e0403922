package io.jthanos.tools.bucket;

import io.jthanos.block.fetcher.FetchResult;
import io.jthanos.block.fetcher.IgnoreDeletionMarkFilter;
import io.jthanos.block.fetcher.MetaFetcher;
import io.jthanos.block.fetcher.MetaFilter;
import io.jthanos.block.metadata.Meta;
import io.jthanos.config.ConfigException;
import io.jthanos.config.Durations;
import io.jthanos.objstore.Bucket;
import io.jthanos.server.Component;
import io.jthanos.server.flags.ObjstoreOptions;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code thanos tools bucket ls}: lists the blocks of a bucket. */
@Command(name = "ls", description = "List all blocks in the bucket.")
public final class LsCommand extends ToolCommand {
  private static final Logger LOG = LoggerFactory.getLogger(LsCommand.class);

  /** Go's {@code time.RFC3339} in the local zone, as Thanos prints times. */
  static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX").withZone(ZoneId.systemDefault());

  @Mixin ObjstoreOptions objstore;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "",
      paramLabel = "<format>",
      description =
          "Optional format in which to print each block's information. Options are 'json', 'wide'"
              + " or a custom template.")
  String output;

  @Option(
      names = "--exclude-delete",
      negatable = true,
      defaultValue = "false",
      fallbackValue = "true",
      description = "Exclude blocks marked for deletion.")
  boolean excludeDelete;

  @Override
  protected String component() {
    return "bucket";
  }

  @Override
  protected void compose(Component c) throws Exception {
    GoTemplate template = null;
    if (!output.isEmpty() && !output.equals("json") && !output.equals("wide")) {
      try {
        template = GoTemplate.parse(output);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("invalid template: " + e.getMessage(), "output");
      }
    }
    Bucket bkt = bucket(c, objstore, "bucket");
    GoTemplate tmpl = template;
    once(
        c,
        "ls",
        () -> {
          List<MetaFilter> filters =
              excludeDelete
                  ? List.of(new IgnoreDeletionMarkFilter(bkt, Duration.ZERO, 32, Clock.systemUTC()))
                  : List.of();
          FetchResult r = MetaFetcher.builder(bkt).filters(filters).build().fetch();
          PrintWriter out = out();
          int n = 0;
          for (Meta m : r.metasOrThrow().values()) {
            n++;
            if (output.isEmpty()) {
              out.println(m.ulid());
            } else if (output.equals("wide")) {
              out.println(wide(m));
            } else if (output.equals("json")) {
              out.print(m.toJson());
            } else {
              String s;
              try {
                s = tmpl.execute(GoTemplate.meta(m));
              } catch (IllegalArgumentException e) {
                throw new IllegalStateException("iter: execute template: " + e.getMessage(), e);
              }
              out.println(s);
            }
          }
          out.flush();
          LOG.atInfo().addKeyValue("objects", n).log("ls done");
        });
  }

  /** {@code <ULID> -- <from> - <until> Diff: <range>, Compaction: <level>, ...}, as Thanos. */
  static String wide(Meta m) {
    Instant min = Instant.ofEpochSecond(Math.floorDiv(m.minTime(), 1000));
    Instant max = Instant.ofEpochSecond(Math.floorDiv(m.maxTime(), 1000));
    return m.ulid()
        + " -- "
        + RFC3339.format(min)
        + " - "
        + RFC3339.format(max)
        + " Diff: "
        + Durations.formatGo(Duration.between(min, max))
        + ", Compaction: "
        + m.block().compaction().level()
        + ", Downsample: "
        + m.resolution()
        + ", Source: "
        + m.thanos().source();
  }
}
