package io.jthanos.benchmarks.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The harness' flags, parsed once.
 *
 * @param size dataset size and query ranges
 * @param seed generator seed
 * @param cacheDir where generated datasets are kept, keyed by generator version, seed and size
 * @param workDir scratch space for the processes' data directories (deleted afterwards)
 * @param out the JSON result file
 * @param docs the markdown file whose marked section receives the table, or null for none
 * @param queries which queries of the mix to run (by name)
 * @param warmRuns timed repetitions after the cold run of each query
 * @param prometheus the Prometheus binary
 * @param coldRestart every cold run on freshly started processes (store gateway and querier, or
 *     Prometheus), all cold runs before the warm ones; otherwise the cold run is the query's first
 *     run in the processes' lifetime, right before its warm runs
 * @param settlePrometheus let Prometheus compact the raw blocks (and wait until it is done) before
 *     measuring; otherwise its compaction is disabled and it serves the 2h blocks
 * @param classpath the classpath of the store gateway and querier JVMs
 * @param storeJvm JVM flags of the store gateway
 * @param querierJvm JVM flags of the querier
 * @param command the command line to print in the report
 */
public record HarnessConfig(
    DatasetSize size,
    long seed,
    Path cacheDir,
    Path workDir,
    Path out,
    Path docs,
    java.util.regex.Pattern queries,
    int warmRuns,
    Path prometheus,
    boolean coldRestart,
    boolean settlePrometheus,
    String classpath,
    List<String> storeJvm,
    List<String> querierJvm,
    String command) {

  static final String USAGE =
      """
      usage: java -cp benchmarks.jar io.jthanos.benchmarks.e2e.Harness [flags]
        --size=tiny|small|medium     dataset and query ranges (default small)
        --seed=<n>                   generator seed (default 1)
        --cache-dir=<dir>            dataset cache (default ~/.cache/jthanos/datasets)
        --work-dir=<dir>             scratch directory (default: a new temporary directory)
        --out=<file>                 JSON result (default benchmarks/results/e2e-<size>.json)
        --docs=<file>|none           markdown receiving the table (default docs/benchmarks.md)
        --queries=<regex>            the queries of the mix to run, by name (default all)
        --warm=<n>                   warm repetitions per query (default 10)
        --cold=restart|first         restart: every cold run on freshly started processes
                                     (default); first: the query's first run in their lifetime
        --prometheus=<binary>        Prometheus binary (default prometheus on PATH)
        --prometheus-compaction=settle|off
                                     settle: let Prometheus compact the raw blocks first and wait
                                     until it is idle (default); off: it serves the 2h blocks
        --store-jvm='<flags>'        JVM flags of the store gateway (default -Xmx2g)
        --querier-jvm='<flags>'      JVM flags of the querier (default -Xmx2g)
      """;

  public static HarnessConfig parse(String[] args) {
    DatasetSize size = DatasetSize.SMALL;
    long seed = 1;
    String home = System.getProperty("user.home");
    Path cache = Path.of(home, ".cache", "jthanos", "datasets");
    Path work = null;
    Path out = null;
    String docs = "docs/benchmarks.md";
    int warm = 10;
    String queries = ".*";
    Path prom = Path.of("prometheus");
    boolean settle = true;
    boolean coldRestart = true;
    List<String> storeJvm = List.of("-Xmx2g");
    List<String> querierJvm = List.of("-Xmx2g");
    for (String a : args) {
      int eq = a.indexOf('=');
      if (!a.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("unknown argument \"" + a + "\"\n" + USAGE);
      }
      String k = a.substring(2, eq);
      String v = a.substring(eq + 1);
      switch (k) {
        case "size" -> size = DatasetSize.parse(v);
        case "seed" -> seed = Long.parseLong(v);
        case "cache-dir" -> cache = Path.of(v);
        case "work-dir" -> work = Path.of(v);
        case "out" -> out = Path.of(v);
        case "docs" -> docs = v;
        case "warm" -> warm = Integer.parseInt(v);
        case "queries" -> queries = v;
        case "prometheus" -> prom = Path.of(v);
        case "cold" ->
            coldRestart =
                switch (v) {
                  case "restart" -> true;
                  case "first" -> false;
                  default ->
                      throw new IllegalArgumentException(
                          "invalid --cold \"" + v + "\" (valid: restart, first)");
                };
        case "prometheus-compaction" ->
            settle =
                switch (v) {
                  case "settle" -> true;
                  case "off" -> false;
                  default ->
                      throw new IllegalArgumentException(
                          "invalid --prometheus-compaction \"" + v + "\" (valid: settle, off)");
                };
        case "store-jvm" -> storeJvm = flags(v);
        case "querier-jvm" -> querierJvm = flags(v);
        default -> throw new IllegalArgumentException("unknown flag --" + k + "\n" + USAGE);
      }
    }
    if (warm < 1) {
      throw new IllegalArgumentException("--warm must be at least 1");
    }
    if (out == null) {
      out = Path.of("benchmarks", "results", "e2e-" + size.name() + ".json");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add("java -cp benchmarks/target/benchmarks.jar io.jthanos.benchmarks.e2e.Harness");
    for (String a : args) {
      cmd.add(a.contains(" ") ? "'" + a + "'" : a);
    }
    return new HarnessConfig(
        size,
        seed,
        cache,
        work,
        out,
        docs.equals("none") ? null : Path.of(docs),
        java.util.regex.Pattern.compile(queries),
        warm,
        prom,
        coldRestart,
        settle,
        System.getProperty("java.class.path"),
        storeJvm,
        querierJvm,
        String.join(" ", cmd));
  }

  private static List<String> flags(String v) {
    return v.isBlank() ? List.of() : List.of(v.trim().split("\\s+"));
  }

  public HarnessConfig withClasspath(String cp) {
    return new HarnessConfig(
        size,
        seed,
        cacheDir,
        workDir,
        out,
        docs,
        queries,
        warmRuns,
        prometheus,
        coldRestart,
        settlePrometheus,
        cp,
        storeJvm,
        querierJvm,
        command);
  }
}
