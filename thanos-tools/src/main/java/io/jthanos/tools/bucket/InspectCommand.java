package io.jthanos.tools.bucket;

import io.jthanos.block.downsample.Resolutions;
import io.jthanos.block.fetcher.MetaFetcher;
import io.jthanos.block.metadata.Meta;
import io.jthanos.config.ConfigException;
import io.jthanos.config.Durations;
import io.jthanos.objstore.Bucket;
import io.jthanos.server.Component;
import io.jthanos.server.flags.DurationConverter;
import io.jthanos.server.flags.ObjstoreOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code thanos tools bucket inspect}: a table of the blocks with Thanos' columns. */
@Command(
    name = "inspect",
    description = "Inspect all blocks in the bucket in detailed, table-like way.")
public final class InspectCommand extends ToolCommand {
  static final List<String> COLUMNS =
      List.of(
          "ULID",
          "FROM",
          "UNTIL",
          "RANGE",
          "UNTIL-DOWN",
          "#SERIES",
          "#SAMPLES",
          "#CHUNKS",
          "COMP-LEVEL",
          "COMP-FAILED",
          "LABELS",
          "RESOLUTION",
          "SOURCE");

  @Mixin ObjstoreOptions objstore;

  @Option(
      names = {"-l", "--selector"},
      paramLabel = "<name>=\\\"<value>\\\"",
      description =
          "Selects blocks based on label, e.g. '-l key1=\\\"value1\\\" -l key2=\\\"value2\\\"'. All"
              + " key value pairs must match.")
  List<String> selector = new ArrayList<>();

  @Option(
      names = "--sort-by",
      defaultValue = "FROM,UNTIL",
      split = ",",
      paramLabel = "<column>",
      description =
          "Sort by columns. It's also possible to sort by multiple columns, e.g. '--sort-by FROM"
              + " --sort-by UNTIL'. I.e., if the 'FROM' value is equal the rows are then further"
              + " sorted by the 'UNTIL' value.")
  List<String> sortBy;

  @Option(
      names = "--timeout",
      defaultValue = "5m",
      converter = DurationConverter.class,
      paramLabel = "<duration>",
      description = "Timeout to download metadata from remote storage")
  Duration timeout;

  @Option(
      names = "--output",
      defaultValue = "table",
      paramLabel = "<format>",
      description = "Output format for result. Currently supports table, cvs, tsv.")
  String output;

  @Override
  protected String component() {
    return "bucket";
  }

  @Override
  protected void compose(Component c) throws Exception {
    if (!List.of("table", "tsv", "csv").contains(output)) {
      throw new ConfigException(
          "--output must be one of table, tsv, csv, got \"" + output + "\"", "output");
    }
    List<String> sort = List.copyOf(sortBy);
    for (String col : sort) {
      if (!COLUMNS.contains(col)) {
        throw new ConfigException(
            "--sort-by must be one of " + String.join(", ", COLUMNS) + ", got '" + col + "'",
            "sort-by");
      }
    }
    Map<String, String> sel;
    try {
      sel = Labels.parseFlagLabels(selector);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("error parsing selector flag: " + e.getMessage(), "selector");
    }
    Bucket bkt = bucket(c, objstore, "bucket");
    once(
        c,
        "inspect",
        () -> {
          var metas = MetaFetcher.builder(bkt).build().fetch().metasOrThrow().values();
          List<List<String>> rows = rows(metas, sel, sort);
          PrintWriter out = out();
          switch (output) {
            case "csv" -> Tables.separated(out, COLUMNS, rows, ',');
            case "tsv" -> Tables.separated(out, COLUMNS, rows, '\t');
            default -> Tables.table(out, COLUMNS, rows);
          }
          out.flush();
        });
  }

  /** The table rows for the blocks matching {@code selector}, sorted by {@code sortBy}. */
  static List<List<String>> rows(
      Iterable<Meta> metas, Map<String, String> selector, List<String> sortBy) {
    List<List<String>> rows = new ArrayList<>();
    for (Meta m : metas) {
      boolean match = true;
      for (Map.Entry<String, String> e : selector.entrySet()) {
        if (!e.getValue().equals(m.labels().get(e.getKey()))) {
          match = false;
          break;
        }
      }
      if (!match) {
        continue;
      }
      List<String> labels = new ArrayList<>();
      for (Map.Entry<String, String> e : new TreeMap<>(m.labels()).entrySet()) {
        labels.add(e.getKey() + "=" + e.getValue());
      }
      rows.add(
          List.of(
              m.ulid().toString(),
              LsCommand.RFC3339.format(Instant.ofEpochSecond(Math.floorDiv(m.minTime(), 1000))),
              LsCommand.RFC3339.format(Instant.ofEpochSecond(Math.floorDiv(m.maxTime(), 1000))),
              Durations.formatGo(Duration.ofMillis(m.maxTime() - m.minTime())),
              untilDown(m),
              thousands(m.block().stats().numSeries()),
              thousands(m.block().stats().numSamples()),
              thousands(m.block().stats().numChunks()),
              thousands(m.block().compaction().level()),
              Boolean.toString(m.block().compaction().failed()),
              String.join(",", labels),
              Durations.formatGo(Duration.ofMillis(m.resolution())),
              m.thanos().source()));
    }
    List<Integer> idx = sortBy.stream().map(COLUMNS::indexOf).toList();
    Comparator<List<String>> cmp =
        (a, b) -> {
          for (int i : idx) {
            if (!a.get(i).equals(b.get(i))) {
              return compare(a.get(i), b.get(i));
            }
          }
          return compare(a.get(0), b.get(0));
        };
    rows.sort(cmp);
    return rows;
  }

  /** Time until the block is big enough to be downsampled (negative when overdue), or "-". */
  static String untilDown(Meta m) {
    long range = m.maxTime() - m.minTime();
    if (m.resolution() == Resolutions.RAW) {
      return Durations.formatGo(Duration.ofMillis(Resolutions.DOWNSAMPLE_RANGE_5M - range));
    }
    if (m.resolution() == Resolutions.RES_5M) {
      return Durations.formatGo(Duration.ofMillis(Resolutions.DOWNSAMPLE_RANGE_1H - range));
    }
    return "-";
  }

  /** Go's {@code message.NewPrinter(language.English).Sprintf("%d")}: thousands with commas. */
  static String thousands(long n) {
    return String.format(Locale.ENGLISH, "%,d", n);
  }

  /** Thanos' comparison: as times, else durations, else integers (commas ignored), else text. */
  static int compare(String a, String b) {
    try {
      return OffsetDateTime.parse(a).compareTo(OffsetDateTime.parse(b));
    } catch (DateTimeParseException e) {
      // not times
    }
    try {
      return Durations.parseSigned(a).compareTo(Durations.parseSigned(b));
    } catch (IllegalArgumentException e) {
      // not durations
    }
    try {
      return Long.compareUnsigned(
          Long.parseUnsignedLong(a.replace(",", "")), Long.parseUnsignedLong(b.replace(",", "")));
    } catch (NumberFormatException e) {
      return a.compareTo(b);
    }
  }
}
