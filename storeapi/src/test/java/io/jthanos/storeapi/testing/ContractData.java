package io.jthanos.storeapi.testing;

import io.jthanos.storeapi.testing.InMemoryChunkQueryable.StoredSeries;
import io.jthanos.testing.prometheus.OpenMetricsWriter;
import io.jthanos.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data set every StoreAPI server in the contract suite serves (before external labels): ten
 * dense series sampled every 30s over 2.5h crossing a 2h block boundary, series that are label
 * prefixes of one another (the case where merged external labels change the order), a series
 * without {@code job}, a series carrying the external label name {@code region} (external wins), a
 * UTF-8 label value, and two single-sample series exactly on the first and last timestamps.
 *
 * <p>Timestamps are whole seconds, so OpenMetrics text (for {@code promtool tsdb create-blocks-from
 * openmetrics}) round-trips exactly.
 */
public final class ContractData {
  /** A 2h block boundary (multiple of 7,200,000 ms). */
  public static final long BLOCK_BOUNDARY = 1_700_006_400_000L;

  /** First sample. */
  public static final long T0 = BLOCK_BOUNDARY - 3_600_000L;

  public static final long STEP = 30_000L;

  public static final int SAMPLES = 301;

  /** Last sample (2.5h after the first). */
  public static final long T_END = T0 + (SAMPLES - 1) * STEP;

  private ContractData() {}

  /** Series with their samples, sorted by labels. */
  public static List<ExpectedSeries> series() {
    List<ExpectedSeries> out = new ArrayList<>();
    dense(out, 0, "contract_up", "job", "api", "instance", "a");
    dense(out, 1, "contract_up", "job", "api", "instance", "b");
    dense(out, 2, "contract_up", "job", "db", "instance", "a");
    dense(out, 3, "contract_requests_total", "job", "api", "code", "200");
    dense(out, 4, "contract_requests_total", "job", "api", "code", "500");
    dense(out, 5, "contract_prefix", "a", "1");
    dense(out, 6, "contract_prefix", "a", "1", "b", "1");
    dense(out, 7, "contract_prefix", "a", "1", "zone", "x");
    dense(out, 8, "contract_nojob", "instance", "a");
    dense(out, 9, "contract_collide", "job", "api", "region", "local");
    dense(out, 10, "contract_unicode", "job", "\u00fc\u2713");
    out.add(
        new ExpectedSeries(
            Labels.of("__name__", "contract_edge", "edge", "first"),
            new long[] {T0},
            new double[] {1}));
    out.add(
        new ExpectedSeries(
            Labels.of("__name__", "contract_edge", "edge", "last"),
            new long[] {T_END},
            new double[] {2}));
    out.sort((a, b) -> Labels.compare(a.labels(), b.labels()));
    return out;
  }

  private static void dense(List<ExpectedSeries> out, int seed, String name, String... kv) {
    String[] all = new String[kv.length + 2];
    all[0] = "__name__";
    all[1] = name;
    System.arraycopy(kv, 0, all, 2, kv.length);
    long[] ts = new long[SAMPLES];
    double[] vs = new double[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      ts[i] = T0 + i * STEP;
      vs[i] = name.endsWith("_total") ? seed * 1000 + i * (seed + 1) : seed + (i % 7) * 0.25;
    }
    out.add(new ExpectedSeries(Labels.of(all), ts, vs));
  }

  /** OpenMetrics text of {@link #series()}, families contiguous. */
  public static String openMetrics() {
    Map<String, List<ExpectedSeries>> families = new LinkedHashMap<>();
    for (ExpectedSeries s : series()) {
      String metric = s.labels().metricName();
      String family = metric.endsWith("_total") ? metric.substring(0, metric.length() - 6) : metric;
      families.computeIfAbsent(family, k -> new ArrayList<>()).add(s);
    }
    OpenMetricsWriter w = new OpenMetricsWriter();
    for (Map.Entry<String, List<ExpectedSeries>> f : families.entrySet()) {
      boolean counter = f.getValue().getFirst().labels().metricName().endsWith("_total");
      w.family(f.getKey(), counter ? "counter" : "gauge");
      for (ExpectedSeries s : f.getValue()) {
        Map<String, String> labels = new LinkedHashMap<>(s.labels().withoutMetricName().toMap());
        for (int i = 0; i < s.ts().length; i++) {
          w.sample(s.labels().metricName(), labels, s.vs()[i], s.ts()[i]);
        }
      }
    }
    return w.finish();
  }

  /** The data set as in-memory XOR chunks of at most {@code perChunk} samples. */
  public static List<StoredSeries> inMemory(int perChunk) {
    List<StoredSeries> out = new ArrayList<>();
    for (ExpectedSeries s : series()) {
      out.add(InMemoryChunkQueryable.xorSeries(s.labels(), s.ts(), s.vs(), perChunk));
    }
    return out;
  }
}
