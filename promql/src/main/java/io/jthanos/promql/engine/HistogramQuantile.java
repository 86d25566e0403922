package io.jthanos.promql.engine;

import io.jthanos.promql.parser.Call;
import io.jthanos.promql.parser.Expr;
import io.jthanos.promql.text.GoFloat;
import io.jthanos.promql.text.GoNumbers;
import io.jthanos.promql.text.GoStrings;
import io.jthanos.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code histogram_quantile} over classic histograms ({@code _bucket} series with {@code le}). */
final class HistogramQuantile {
  private HistogramQuantile() {}

  private static final class Group {
    final Labels labels;
    final List<Double> uppers = new ArrayList<>();
    final List<StepSeries> buckets = new ArrayList<>();
    boolean dropName;

    Group(Labels labels) {
      this.labels = labels;
    }
  }

  static SeriesStream stream(Evaluator ev, Call c, Steps s, SelectionPath p) {
    EvalContext ctx = ev.ctx;
    boolean fraction = c.func().name().equals("histogram_fraction");
    Expr qArg = c.args().get(0);
    Expr vArg = c.args().get(fraction ? 2 : 1);
    double[] q = ev.scalar(qArg, s, p);
    double[] upper = fraction ? ev.scalar(c.args().get(1), s, p) : null;
    int n = s.count();
    boolean v3 = !ctx.v2;
    if (v3 && !fraction) {
      for (int i = 0; i < n; i++) {
        double x = q[i];
        if (Double.isNaN(x) || x < 0 || x > 1) {
          ctx.warn(
              "PromQL warning: quantile value should be between 0 and 1, got " + GoFloat.formatG(x),
              qArg.pos());
        }
      }
    }
    Map<Labels, Group> groups = new LinkedHashMap<>();
    long held = 0;
    try (SeriesStream in = ev.vector(vArg, s, p)) {
      for (StepSeries ss = in.next(); ss != null; ss = in.next()) {
        ctx.check();
        String le = ss.labels.get("le");
        double bound;
        try {
          bound = GoNumbers.parseFloat(le);
        } catch (IllegalArgumentException e) {
          if (v3) {
            String name = ss.labels.metricName();
            String msg =
                "PromQL warning: bucket label \"le\" is missing or has a malformed value of "
                    + GoStrings.quote(le);
            if (!name.isEmpty()) {
              msg += " for metric name " + GoStrings.quote(name);
            }
            ctx.warn(msg, vArg.pos());
          }
          continue;
        }
        Labels sig = ss.labels.without("le");
        Group g = groups.get(sig);
        if (g == null) {
          Labels out = ctx.delayedNameRemoval ? sig : sig.withoutMetricName();
          g = new Group(out);
          groups.put(sig, g);
        }
        g.dropName |= ctx.delayedNameRemoval;
        g.uppers.add(bound);
        g.buckets.add(ss.copy());
        int card = ss.cardinality();
        held += card;
        ctx.addSamples(card);
      }
    }
    List<StepSeries> out = new ArrayList<>();
    double[] ub = new double[16];
    double[] cnt = new double[16];
    boolean[] forced = new boolean[1];
    for (Group g : groups.values()) {
      StepSeries o = new StepSeries(n);
      o.reset(g.labels);
      o.dropName = g.dropName;
      int m = g.buckets.size();
      if (ub.length < m) {
        ub = new double[m];
        cnt = new double[m];
      }
      for (int i = 0; i < n; i++) {
        int k = 0;
        for (int j = 0; j < m; j++) {
          StepSeries b = g.buckets.get(j);
          if (b.has(i)) {
            ub[k] = g.uppers.get(j);
            cnt[k] = b.values[i];
            k++;
          }
        }
        if (k == 0) {
          continue;
        }
        forced[0] = false;
        double v =
            fraction
                ? bucketFraction(q[i], upper[i], ub, cnt, k)
                : bucketQuantile(q[i], ub, cnt, k, v3, forced);
        if (forced[0]) {
          String msg =
              "PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see"
                  + " https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)";
          String name = ctx.delayedNameRemoval ? g.labels.metricName() : "";
          if (!name.isEmpty()) {
            msg += " for metric name " + GoStrings.quote(name);
          }
          ctx.info(msg, vArg.pos());
        }
        o.set(i, v);
      }
      if (!o.isEmpty()) {
        out.add(o);
      }
    }
    ctx.releaseSamples(held);
    if (!ctx.delayedNameRemoval) {
      StepCollisionTracker t = new StepCollisionTracker();
      for (StepSeries o : out) {
        t.check(o);
      }
    }
    return SeriesStream.of(out);
  }

  /**
   * Prometheus' {@code bucketQuantile}: sorts the k buckets, merges equal bounds, forces
   * monotonicity and interpolates linearly inside the bucket holding the rank.
   */
  static double bucketQuantile(
      double q, double[] ub, double[] cnt, int k, boolean v3, boolean[] forced) {
    if (Double.isNaN(q)) {
      return Double.NaN;
    }
    if (q < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (q > 1) {
      return Double.POSITIVE_INFINITY;
    }
    // Insertion sort by upper bound (stable; bucket counts are small).
    for (int i = 1; i < k; i++) {
      double u = ub[i];
      double c = cnt[i];
      int j = i - 1;
      while (j >= 0 && ub[j] > u) {
        ub[j + 1] = ub[j];
        cnt[j + 1] = cnt[j];
        j--;
      }
      ub[j + 1] = u;
      cnt[j + 1] = c;
    }
    if (ub[k - 1] != Double.POSITIVE_INFINITY) {
      return Double.NaN;
    }
    // Coalesce equal upper bounds.
    int m = 0;
    for (int i = 1; i < k; i++) {
      if (ub[i] == ub[m]) {
        cnt[m] += cnt[i];
      } else {
        m++;
        ub[m] = ub[i];
        cnt[m] = cnt[i];
      }
    }
    m++;
    if (v3) {
      double prev = cnt[0];
      for (int i = 1; i < m; i++) {
        double curr = cnt[i];
        double delta = Math.abs(curr - prev);
        if (delta == 0) {
          continue;
        }
        if (delta / curr <= 1e-12) {
          cnt[i] = prev;
        } else {
          prev = curr;
        }
      }
      double max = cnt[0];
      for (int i = 1; i < m; i++) {
        if (cnt[i] > max) {
          max = cnt[i];
        } else if (cnt[i] < max) {
          cnt[i] = max;
          forced[0] = true;
        }
      }
    } else {
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < m; i++) {
        if (cnt[i] > max) {
          max = cnt[i];
        } else if (cnt[i] < max) {
          cnt[i] = max;
        }
      }
    }
    if (m < 2) {
      return Double.NaN;
    }
    double observations = cnt[m - 1];
    if (observations == 0) {
      return Double.NaN;
    }
    double rank = q * observations;
    // sort.Search over the first m-1 buckets.
    int lo = 0;
    int hi = m - 1;
    while (lo < hi) {
      int h = (lo + hi) >>> 1;
      if (!(cnt[h] >= rank)) {
        lo = h + 1;
      } else {
        hi = h;
      }
    }
    int b = lo;
    if (b == m - 1) {
      return ub[m - 2];
    }
    if (b == 0 && ub[0] <= 0) {
      return ub[0];
    }
    double bucketStart = 0;
    double bucketEnd = ub[b];
    double count = cnt[b];
    if (b > 0) {
      bucketStart = ub[b - 1];
      count -= cnt[b - 1];
      rank -= cnt[b - 1];
    }
    return bucketStart + (bucketEnd - bucketStart) * (rank / count);
  }

  /** Sorts by upper bound and merges equal bounds; returns the new bucket count. */
  private static int sortAndCoalesce(double[] ub, double[] cnt, int k) {
    for (int i = 1; i < k; i++) {
      double u = ub[i];
      double c = cnt[i];
      int j = i - 1;
      while (j >= 0 && ub[j] > u) {
        ub[j + 1] = ub[j];
        cnt[j + 1] = cnt[j];
        j--;
      }
      ub[j + 1] = u;
      cnt[j + 1] = c;
    }
    int m = 0;
    for (int i = 1; i < k; i++) {
      if (ub[i] == ub[m]) {
        cnt[m] += cnt[i];
      } else {
        m++;
        ub[m] = ub[i];
        cnt[m] = cnt[i];
      }
    }
    return m + 1;
  }

  /**
   * The fraction of observations between lower and upper in classic buckets, interpolating linearly
   * inside buckets. The lowest bucket starts at 0 when its bound is positive, else at -Inf;
   * observations in a bucket of infinite width sit at its infinite end.
   */
  static double bucketFraction(double lower, double upper, double[] ub, double[] cnt, int k) {
    if (Double.isNaN(lower) || Double.isNaN(upper)) {
      return Double.NaN;
    }
    if (k == 0) {
      return Double.NaN;
    }
    int m = sortAndCoalesce(ub, cnt, k);
    if (ub[m - 1] != Double.POSITIVE_INFINITY) {
      return Double.NaN;
    }
    double max = cnt[0];
    for (int i = 1; i < m; i++) {
      if (cnt[i] > max) {
        max = cnt[i];
      } else if (cnt[i] < max) {
        cnt[i] = max;
      }
    }
    double total = cnt[m - 1];
    if (total == 0) {
      return Double.NaN;
    }
    if (lower >= upper) {
      return 0;
    }
    double rank = 0;
    double lowerRank = 0;
    double upperRank = 0;
    boolean lowerSet = false;
    boolean upperSet = false;
    for (int i = 0; i < m; i++) {
      double bUpper = ub[i];
      double bLower = i == 0 ? (bUpper > 0 ? 0 : Double.NEGATIVE_INFINITY) : ub[i - 1];
      double count = i == 0 ? cnt[0] : cnt[i] - cnt[i - 1];
      if (!lowerSet && bLower >= lower) {
        lowerRank = rank;
        lowerSet = true;
      }
      if (!upperSet && bLower >= upper) {
        upperRank = rank;
        upperSet = true;
      }
      if (lowerSet && upperSet) {
        break;
      }
      if (!lowerSet && bLower < lower && bUpper > lower) {
        lowerRank = rank + count * fractionBelow(lower, bLower, bUpper);
        lowerSet = true;
      }
      if (!upperSet && bLower < upper && bUpper > upper) {
        upperRank = rank + count * fractionBelow(upper, bLower, bUpper);
        upperSet = true;
      }
      if (lowerSet && upperSet) {
        break;
      }
      rank += count;
    }
    if (!lowerSet || lowerRank > total) {
      lowerRank = total;
    }
    if (!upperSet || upperRank > total) {
      upperRank = total;
    }
    return (upperRank - lowerRank) / total;
  }

  private static double fractionBelow(double x, double lo, double hi) {
    if (Double.isInfinite(lo)) {
      return 1;
    }
    if (Double.isInfinite(hi)) {
      return 0;
    }
    return (x - lo) / (hi - lo);
  }
}
