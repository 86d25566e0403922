package io.jthanos.benchmarks.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jthanos.benchmarks.e2e.Harness.Measurement;
import io.jthanos.benchmarks.e2e.Harness.ProcessMemory;
import io.jthanos.benchmarks.e2e.Harness.Result;
import io.jthanos.benchmarks.e2e.Harness.Row;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** The harness' outputs: the JSON result file and the markdown section of the docs page. */
public final class Report {
  public static final String BEGIN = "<!-- e2e-harness:begin -->";
  public static final String END = "<!-- e2e-harness:end -->";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Report() {}

  /** The result as JSON (no machine paths: the command, sizes, figures and environment). */
  public static ObjectNode json(Result r) {
    ObjectNode root = JSON.createObjectNode();
    root.put("command", r.config().command());
    ObjectNode ds = root.putObject("dataset");
    ds.put("size", r.config().size().name());
    ds.put("seed", r.generator().seed());
    ds.put("series", r.generator().series());
    ds.put("days", r.generator().days());
    ds.put("interval_seconds", r.generator().intervalMs() / 1000);
    ds.put("churn_per_day", r.generator().churn());
    ds.put("start_ms", r.generator().startMs());
    ds.put("end_ms", r.generator().endMs());
    ds.set("raw", r.rawDataset());
    ds.set("compacted", r.compactedDataset());
    ds.put("store_layout", r.storeLayout());
    root.putPOJO("environment", r.environment());
    root.putPOJO("prometheus_setup", r.prometheusSetup());
    ObjectNode procs = root.putObject("jvm_flags");
    procs.put("store", String.join(" ", r.config().storeJvm()));
    procs.put("querier", String.join(" ", r.config().querierJvm()));
    root.put("warm_runs", r.config().warmRuns());
    root.put("cold", r.config().coldRestart() ? "restart" : "first");
    root.put(
        "samples_note",
        "prometheus: totalQueryableSamples from stats=all; jthanos: the querier reports no sample"
            + " statistics, so chunks touched in the store gateway"
            + " (thanos_bucket_store_series_data_touched{data_type=\"chunks\"}) are given, and"
            + " series/points are counted from the answers");
    ArrayNode rows = root.putArray("queries");
    for (Row row : r.rows()) {
      ObjectNode o = rows.addObject();
      o.put("query", row.query());
      o.put("promql", row.promql());
      o.put("range", row.range());
      o.put("step_seconds", row.stepS());
      o.set("jthanos", measurement(row.jthanos()));
      o.set("prometheus", measurement(row.prometheus()));
      if (row.jthanosAuto() != null) {
        o.set("jthanos_auto_resolution", measurement(row.jthanosAuto()));
      }
      o.put("series_agree", row.jthanos().series() == row.prometheus().series());
      o.put("ratio_cold", round(row.jthanos().coldMs() / row.prometheus().coldMs()));
      o.put("ratio_p50", round(row.jthanos().p50Ms() / row.prometheus().p50Ms()));
      o.put("ratio_p99", round(row.jthanos().p99Ms() / row.prometheus().p99Ms()));
    }
    ArrayNode mem = root.putArray("processes");
    for (ProcessMemory m : r.processes()) {
      ObjectNode o = mem.addObject();
      o.put("name", m.name());
      o.put("idle_rss_kb", m.idleRssKb());
      o.put("peak_rss_kb", m.peakRssKb());
      o.put("end_rss_kb", m.endRssKb());
    }
    root.put("wall_seconds", Math.round(r.wallSeconds()));
    return root;
  }

  private static ObjectNode measurement(Measurement m) {
    ObjectNode o = JSON.createObjectNode();
    o.put("cold_ms", round(m.coldMs()));
    o.put("p50_ms", round(m.p50Ms()));
    o.put("p99_ms", round(m.p99Ms()));
    ArrayNode w = o.putArray("warm_ms");
    for (double v : m.warmMs()) {
      w.add(round(v));
    }
    o.put("series", m.series());
    o.put("points", m.points());
    if (m.samplesTouched() >= 0) {
      o.put("samples_touched", m.samplesTouched());
    }
    if (m.chunksTouched() >= 0) {
      o.put("store_chunks_touched", m.chunksTouched());
    }
    ObjectNode rss = o.putObject("peak_rss_kb");
    m.peakRssKb().forEach(rss::put);
    return o;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  static void writeJson(Result r, Path out) throws IOException {
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, JSON.writeValueAsString(json(r)) + "\n", StandardCharsets.UTF_8);
  }

  /** The markdown section (markers included). */
  public static String markdown(Result r) {
    StringBuilder b = new StringBuilder();
    Map<String, Object> env = r.environment();
    b.append(BEGIN).append('\n');
    b.append("Generated by the harness on ").append(env.get("date")).append(":\n\n");
    b.append("```\n");
    b.append("./mvnw -B -q -pl benchmarks -am package -DskipTests\n");
    b.append(r.config().command()).append('\n');
    b.append("```\n\n");
    var g = r.generator();
    long rawBlocks = r.rawDataset().path("blocks").asLong();
    long compBlocks = r.compactedDataset().path("blocks").asLong();
    b.append(
        fmt(
            "Dataset `%s` (seed %d): the generator's Kubernetes fleet mix, %d series alive at a"
                + " time (%,d series summed over the 2h blocks, pod churn %.1f/day), %d days at"
                + " %ds, %,d raw samples. The store gateway reads the compacted layout (%d blocks:"
                + " %s); Prometheus %s reads a copy of the %d raw 2h blocks (%s).\n\n",
            r.config().size().name(),
            g.seed(),
            g.series(),
            r.rawDataset().path("series").asLong(),
            g.churn(),
            g.days(),
            g.intervalMs() / 1000,
            r.rawDataset().path("raw_samples").asLong(),
            compBlocks,
            r.storeLayout(),
            env.get("prometheus"),
            rawBlocks,
            r.prometheusSetup().containsKey("blocks_after_compaction")
                ? "compacted by Prometheus itself into "
                    + r.prometheusSetup().get("blocks_after_compaction")
                    + " blocks before measuring, then restarted"
                : "its compaction disabled"));
    b.append(
        fmt(
            "Machine: %s CPUs, %.0f GiB, %s, JDK %s; shared with other builds: load average %s"
                + " before, %s after. Store gateway JVM `%s`, querier JVM `%s`. Run took %.0f"
                + " s.\n\n",
            env.get("cpus"),
            ((Number) env.get("mem_total_kb")).doubleValue() / 1024 / 1024,
            env.get("os"),
            env.get("jdk"),
            loadavg(env.get("loadavg_before")),
            loadavg(env.get("loadavg_after")),
            String.join(" ", r.config().storeJvm()),
            String.join(" ", r.config().querierJvm()),
            r.wallSeconds()));
    b.append(
        fmt(
            "Range queries ending at the end of the data, step ≈ range/250 rounded as Grafana"
                + " does. Cold: %s; p50/p99: nearest rank over %d warm runs. Ratio: jthanos /"
                + " Prometheus (lower"
                + " is better). Samples: Prometheus' `totalQueryableSamples` (`stats=all`); the"
                + " querier reports no sample statistics, so its column is the store gateway's"
                + " chunks touched (`thanos_bucket_store_series_data_touched{data_type=\"chunks\"}`"
                + " delta). Series: counted from each answer. auto: the querier with"
                + " `max_source_resolution=auto` (downsampled data where step/5 allows).\n\n",
            r.config().coldRestart()
                ? "the first run on freshly started processes (a new store gateway and querier,"
                    + " or a new Prometheus, before every cold run: empty process caches and"
                    + " JIT; the OS page cache stays warm); the warm runs follow all cold runs on"
                    + " one set of processes, after an untimed pass over the whole mix"
                : "the first run of that query (and range) in the processes' lifetime (page"
                    + " cache warm, earlier queries may have filled shared caches)",
            r.config().warmRuns()));
    b.append(
        "| range (step) | query | series jthanos / Prom | jthanos cold / p50 / p99 ms | Prometheus"
            + " cold / p50 / p99 ms | ratio cold / p50 | Prom samples | gateway chunks | auto p50 ms"
            + " (series) |\n");
    b.append("|---|---|---|---|---|---|---|---|---|\n");
    for (Row row : r.rows()) {
      Measurement j = row.jthanos();
      Measurement p = row.prometheus();
      Measurement a = row.jthanosAuto();
      b.append(
          fmt(
              "| %s (%s) | %s | %d / %d%s | %s / %s / %s | %s / %s / %s | %.2f / %.2f | %,d | %,d"
                  + " | %s |\n",
              row.range(),
              stepLabel(row.stepS()),
              row.query(),
              j.series(),
              p.series(),
              j.series() == p.series() ? "" : " ≠",
              ms(j.coldMs()),
              ms(j.p50Ms()),
              ms(j.p99Ms()),
              ms(p.coldMs()),
              ms(p.p50Ms()),
              ms(p.p99Ms()),
              j.coldMs() / p.coldMs(),
              j.p50Ms() / p.p50Ms(),
              p.samplesTouched(),
              j.chunksTouched(),
              a == null ? "—" : ms(a.p50Ms()) + " (" + a.series() + ")"));
    }
    b.append("\n| process | RSS idle after start | peak RSS (VmHWM) | RSS at end |\n");
    b.append("|---|---|---|---|\n");
    for (ProcessMemory m : r.processes()) {
      b.append(
          fmt(
              "| %s | %s | %s | %s |\n",
              m.name(), mib(m.idleRssKb()), mib(m.peakRssKb()), mib(m.endRssKb())));
    }
    b.append(END).append('\n');
    return b.toString();
  }

  /** Replaces the marked section of {@code docs} (appends it when the markers are absent). */
  public static void replaceSection(Path docs, String section) throws IOException {
    String text = Files.exists(docs) ? Files.readString(docs) : "";
    int b = text.indexOf(BEGIN);
    int e = text.indexOf(END);
    String out;
    if (b >= 0 && e > b) {
      int after = e + END.length();
      if (after < text.length() && text.charAt(after) == '\n') {
        after++;
      }
      out = text.substring(0, b) + section + text.substring(after);
    } else {
      out = text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n") + "\n" + section;
    }
    Files.writeString(docs, out, StandardCharsets.UTF_8);
  }

  private static String loadavg(Object v) {
    String[] f = String.valueOf(v).split(" ");
    return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : String.valueOf(v);
  }

  private static String ms(double v) {
    return v >= 100 ? fmt("%.0f", v) : fmt("%.1f", v);
  }

  private static String mib(long kb) {
    return fmt("%.0f MiB", kb / 1024.0);
  }

  private static String stepLabel(long s) {
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    return s % 60 == 0 ? s / 60 + "m" : s + "s";
  }

  private static String fmt(String f, Object... args) {
    return String.format(Locale.ROOT, f, args);
  }
}
