package io.jthanos.testing.prometheus;

import io.jthanos.testing.Peers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives the real {@code promtool} (Debian's 2.42 here): backfill blocks from OpenMetrics text,
 * dump samples, analyze blocks. {@link #locate()} skips the calling test with an install hint when
 * promtool is missing (fails under {@code JTHANOS_REQUIRE_PEERS=1}).
 */
public final class Promtool {
  private final Path binary;
  private long timeoutSeconds = 300;

  private Promtool(Path binary) {
    this.binary = binary;
  }

  /** The promtool on PATH, or the calling test is skipped. */
  public static Promtool locate() {
    return new Promtool(Peers.promtool());
  }

  public static Promtool at(Path binary) {
    return new Promtool(binary);
  }

  public Path binary() {
    return binary;
  }

  public Promtool timeoutSeconds(long s) {
    this.timeoutSeconds = s;
    return this;
  }

  /** Runs promtool with arguments. */
  public ToolResult run(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary.toString());
    cmd.addAll(List.of(args));
    return Processes.run(cmd, null, timeoutSeconds);
  }

  /** {@code promtool --version} first line. */
  public String version() {
    return run("--version").orThrow("promtool --version").stdout().lines().findFirst().orElse("");
  }

  /**
   * {@code promtool tsdb create-blocks-from openmetrics <file> <outDir>}: writes 2h-aligned blocks
   * (longer with {@code maxBlockDuration}, e.g. "24h"; null for the default).
   */
  public ToolResult createBlocksFromOpenMetrics(
      Path openMetricsFile, Path outDir, String maxBlockDuration) {
    List<String> args = new ArrayList<>(List.of("tsdb", "create-blocks-from", "openmetrics"));
    if (maxBlockDuration != null) {
      args.add("--max-block-duration=" + maxBlockDuration);
    }
    args.add(openMetricsFile.toString());
    args.add(outDir.toString());
    return run(args.toArray(new String[0])).orThrow("promtool tsdb create-blocks-from openmetrics");
  }

  /**
   * {@code promtool tsdb dump} of a data directory (every block in it), parsed. Creates the empty
   * {@code wal/} directory promtool insists on.
   */
  public List<DumpSeries> dump(Path dataDir, long minTime, long maxTime) {
    ensureWal(dataDir);
    ToolResult r =
        run("tsdb", "dump", "--min-time=" + minTime, "--max-time=" + maxTime, dataDir.toString())
            .orThrow("promtool tsdb dump");
    return PromtoolDump.parse(r.stdout());
  }

  public List<DumpSeries> dump(Path dataDir) {
    return dump(dataDir, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /** {@code promtool tsdb analyze <dataDir> <blockId>}; check {@link ToolResult#ok()}. */
  public ToolResult analyze(Path dataDir, String blockId) {
    ensureWal(dataDir);
    return run("tsdb", "analyze", dataDir.toString(), blockId);
  }

  /** {@code promtool tsdb list <dataDir>}. */
  public ToolResult list(Path dataDir) {
    ensureWal(dataDir);
    return run("tsdb", "list", dataDir.toString());
  }

  private static void ensureWal(Path dataDir) {
    try {
      Files.createDirectories(dataDir.resolve("wal"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
