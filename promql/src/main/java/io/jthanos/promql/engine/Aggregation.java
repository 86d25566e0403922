package io.jthanos.promql.engine;

import io.jthanos.promql.PromqlException;
import io.jthanos.promql.parser.AggregateExpr;
import io.jthanos.promql.parser.StringLiteral;
import io.jthanos.promql.parser.TokenType;
import io.jthanos.promql.text.GoFloat;
import io.jthanos.promql.text.GoStrings;
import io.jthanos.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Aggregation operators. The input is streamed series by series into per-group, per-step
 * accumulators (primitive arrays); only quantile, topk/bottomk/limitk and count_values keep more
 * than one value per group and step.
 */
final class Aggregation {
  private final Evaluator ev;
  private final EvalContext ctx;
  private final AggregateExpr a;
  private final Steps steps;
  private final SelectionPath path;
  private final TokenType op;
  private final boolean v3;
  private final Set<String> grouping;
  private final Set<String> withoutSet;

  Aggregation(Evaluator ev, AggregateExpr a, Steps steps, SelectionPath path) {
    this.ev = ev;
    this.ctx = ev.ctx;
    this.a = a;
    this.steps = steps;
    this.path = path;
    this.op = a.op();
    this.v3 = !ctx.v2;
    this.grouping = new HashSet<>(a.grouping());
    Set<String> w = new HashSet<>(a.grouping());
    w.add(Labels.METRIC_NAME);
    this.withoutSet = w;
  }

  private SeriesStream input() {
    return ev.vector(a.expr(), steps, path.withAggregation(op.text(), a.grouping(), !a.without()));
  }

  private Labels groupLabels(Labels l) {
    if (a.without()) {
      return l.without(withoutSet);
    }
    if (grouping.isEmpty()) {
      return Labels.empty();
    }
    return l.keep(grouping);
  }

  SeriesStream stream() {
    return switch (op) {
      case TOPK, BOTTOMK, LIMITK, LIMIT_RATIO -> kAggregation();
      case COUNT_VALUES -> countValues();
      default -> simple();
    };
  }

  /** The numeric parameter, evaluated at every step. */
  private double[] param() {
    return ev.scalar(a.param(), steps, path.passThrough());
  }

  // --- sum, avg, count, group, min, max, stddev, stdvar, quantile ------------------------------

  private final class Group {
    final Labels labels;
    final long[] seen;
    final double[] value;
    double[] count;
    double[] kahan;
    double[] mean;
    long[] incremental;
    double[][] qvals;
    int[] qn;
    boolean dropName;

    Group(Labels labels, int n) {
      this.labels = labels;
      this.seen = new long[(n + 63) >>> 6];
      this.value = new double[n];
      switch (op) {
        case SUM -> kahan = new double[n];
        case AVG -> {
          count = new double[n];
          kahan = new double[n];
          mean = new double[n];
          incremental = new long[seen.length];
        }
        case COUNT -> count = new double[n];
        case STDDEV, STDVAR -> {
          count = new double[n];
          mean = new double[n];
        }
        case QUANTILE -> {
          qvals = new double[n][];
          qn = new int[n];
        }
        default -> {}
      }
    }
  }

  private SeriesStream simple() {
    double[] q = op == TokenType.QUANTILE ? param() : null;
    if (q != null && v3) {
      for (double p : q) {
        if (Double.isNaN(p) || p < 0 || p > 1) {
          ctx.warn(
              "PromQL warning: quantile value should be between 0 and 1, got " + GoFloat.formatG(p),
              a.param().pos());
        }
      }
    }
    int n = steps.count();
    Map<Labels, Group> groups = new LinkedHashMap<>();
    double[] c = new double[1];
    try (SeriesStream in = input()) {
      for (StepSeries s = in.next(); s != null; s = in.next()) {
        ctx.check();
        Labels key = groupLabels(s.labels);
        Group g = groups.get(key);
        if (g == null) {
          g = new Group(key, n);
          groups.put(key, g);
          ctx.addSamples(n);
        }
        g.dropName |= s.dropName;
        double[] vals = s.values;
        long[] bits = s.bits;
        for (int w = 0; w < bits.length; w++) {
          long word = bits[w];
          while (word != 0) {
            int i = (w << 6) + Long.numberOfTrailingZeros(word);
            word &= word - 1;
            accumulate(g, i, vals[i], c);
          }
        }
      }
    }
    List<StepSeries> out = new ArrayList<>(groups.size());
    for (Group g : groups.values()) {
      StepSeries s = new StepSeries(n);
      s.reset(g.labels);
      s.dropName = g.dropName;
      for (int w = 0; w < g.seen.length; w++) {
        long word = g.seen[w];
        while (word != 0) {
          int i = (w << 6) + Long.numberOfTrailingZeros(word);
          word &= word - 1;
          s.set(i, finish(g, i, q));
        }
      }
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    ctx.releaseSamples((long) groups.size() * n);
    return SeriesStream.of(out);
  }

  private void accumulate(Group g, int i, double f, double[] c) {
    long bit = 1L << i;
    int w = i >>> 6;
    if ((g.seen[w] & bit) == 0) {
      g.seen[w] |= bit;
      g.value[i] = f;
      switch (op) {
        case AVG -> {
          g.count[i] = 1;
          g.mean[i] = f;
          g.kahan[i] = 0;
        }
        case COUNT -> g.count[i] = 1;
        case STDDEV, STDVAR -> {
          g.count[i] = 1;
          g.mean[i] = f;
          g.value[i] = v3 && (Double.isNaN(f) || Double.isInfinite(f)) ? Double.NaN : 0;
        }
        case GROUP -> g.value[i] = 1;
        case QUANTILE -> {
          g.qvals[i] = new double[4];
          g.qvals[i][0] = f;
          g.qn[i] = 1;
        }
        default -> {}
      }
      return;
    }
    switch (op) {
      case SUM -> {
        if (v3) {
          c[0] = g.kahan[i];
          g.value[i] = GoMath.kahanInc(f, g.value[i], c, true);
          g.kahan[i] = c[0];
        } else {
          g.value[i] += f;
        }
      }
      case AVG -> {
        double count = ++g.count[i];
        if (v3) {
          boolean incr = (g.incremental[w] & bit) != 0;
          if (!incr) {
            c[0] = g.kahan[i];
            double nv = GoMath.kahanInc(f, g.value[i], c, true);
            if (!Double.isInfinite(nv)) {
              g.value[i] = nv;
              g.kahan[i] = c[0];
              return;
            }
            g.incremental[w] |= bit;
            g.mean[i] = g.value[i] / (count - 1);
            g.kahan[i] /= count - 1;
          }
          double mean = g.mean[i];
          if (Double.isInfinite(mean)) {
            if (Double.isInfinite(f) && (mean > 0) == (f > 0)) {
              return;
            }
            if (!Double.isInfinite(f) && !Double.isNaN(f)) {
              return;
            }
          }
          double currentMean = mean + g.kahan[i];
          c[0] = g.kahan[i];
          g.mean[i] = GoMath.kahanInc(f / count - currentMean / count, mean, c, true);
          g.kahan[i] = c[0];
        } else {
          double mean = g.mean[i];
          if (Double.isInfinite(mean)) {
            if (Double.isInfinite(f) && (mean > 0) == (f > 0)) {
              return;
            }
            if (!Double.isInfinite(f) && !Double.isNaN(f)) {
              return;
            }
          }
          g.mean[i] = mean + (f / count - mean / count);
        }
      }
      case COUNT -> g.count[i]++;
      case MAX -> {
        if (g.value[i] < f || Double.isNaN(g.value[i])) {
          g.value[i] = f;
        }
      }
      case MIN -> {
        if (g.value[i] > f || Double.isNaN(g.value[i])) {
          g.value[i] = f;
        }
      }
      case STDDEV, STDVAR -> {
        double count = ++g.count[i];
        double delta = f - g.mean[i];
        g.mean[i] += delta / count;
        g.value[i] += delta * (f - g.mean[i]);
      }
      case QUANTILE -> {
        int qn = g.qn[i];
        if (qn == g.qvals[i].length) {
          g.qvals[i] = Arrays.copyOf(g.qvals[i], qn * 2);
        }
        g.qvals[i][qn] = f;
        g.qn[i] = qn + 1;
      }
      default -> {}
    }
  }

  private double finish(Group g, int i, double[] q) {
    return switch (op) {
      case SUM -> v3 ? g.value[i] + g.kahan[i] : g.value[i];
      case AVG -> {
        if (!v3) {
          yield g.mean[i];
        }
        if ((g.incremental[i >>> 6] & (1L << i)) != 0) {
          yield g.mean[i] + g.kahan[i];
        }
        yield (g.value[i] + g.kahan[i]) / g.count[i];
      }
      case COUNT -> g.count[i];
      case STDVAR -> g.value[i] / g.count[i];
      case STDDEV -> Math.sqrt(g.value[i] / g.count[i]);
      case QUANTILE -> RangeFunctionStream.quantile(q[i], g.qvals[i], g.qn[i]);
      default -> g.value[i];
    };
  }

  // --- topk, bottomk, limitk, limit_ratio -------------------------------------------------------

  /** Go's container/heap over (value, series index) with Prometheus' orderings. */
  private static final class Heap {
    double[] v;
    int[] idx;
    int n;
    final boolean reverse;

    Heap(int cap, boolean reverse) {
      v = new double[Math.max(1, cap)];
      idx = new int[v.length];
      this.reverse = reverse;
    }

    boolean less(int i, int j) {
      double vi = v[i];
      double vj = v[j];
      if (Double.isNaN(vi)) {
        return true;
      }
      return reverse ? vi > vj : vi < vj;
    }

    void swap(int i, int j) {
      double tv = v[i];
      v[i] = v[j];
      v[j] = tv;
      int ti = idx[i];
      idx[i] = idx[j];
      idx[j] = ti;
    }

    void push(double val, int id) {
      if (n == v.length) {
        v = Arrays.copyOf(v, n * 2);
        idx = Arrays.copyOf(idx, n * 2);
      }
      v[n] = val;
      idx[n] = id;
      n++;
      up(n - 1);
    }

    void pop() {
      int last = n - 1;
      swap(0, last);
      down(0, last);
      n--;
    }

    void fix(int i) {
      if (!down(i, n)) {
        up(i);
      }
    }

    private void up(int j) {
      while (true) {
        int i = (j - 1) / 2;
        if (i == j || !less(j, i)) {
          break;
        }
        swap(i, j);
        j = i;
      }
    }

    private boolean down(int i0, int n) {
      int i = i0;
      while (true) {
        int j1 = 2 * i + 1;
        if (j1 >= n || j1 < 0) {
          break;
        }
        int j = j1;
        int j2 = j1 + 1;
        if (j2 < n && less(j2, j1)) {
          j = j2;
        }
        if (!less(j, i)) {
          break;
        }
        swap(i, j);
        i = j;
      }
      return i > i0;
    }
  }

  private SeriesStream kAggregation() {
    double[] p = param();
    int n = steps.count();
    if (n == 0) {
      try (SeriesStream in = input()) {
        while (in.next() != null) {
          // drain
        }
      }
      return SeriesStream.empty();
    }
    // Materialise the input: outputs are (a subset of) the input series.
    List<StepSeries> inputs;
    try (SeriesStream in = input()) {
      inputs = new ArrayList<>();
      for (StepSeries s = in.next(); s != null; s = in.next()) {
        ctx.check();
        ctx.addSamples(s.cardinality());
        inputs.add(s.copy());
      }
    }
    long[] k = new long[n];
    double[] ratio = new double[n];
    for (int i = 0; i < n; i++) {
      double f = p[i];
      switch (op) {
        case TOPK, BOTTOMK, LIMITK -> {
          if (v3 && Double.isNaN(f)) {
            throw PromqlException.execution("Parameter value is NaN");
          }
          if (!(f <= 0x1p63 && f >= -0x1p63)) {
            throw PromqlException.execution(
                "Scalar value " + GoFloat.formatG(f) + " overflows int64");
          }
          long kk = (long) f;
          if (v3 && kk > inputs.size()) {
            kk = inputs.size();
          }
          k[i] = kk;
        }
        case LIMIT_RATIO -> {
          if (Double.isNaN(f)) {
            throw PromqlException.execution("Ratio value is NaN");
          }
          double r = f;
          if (f < -1.0) {
            r = -1.0;
          } else if (f > 1.0) {
            r = 1.0;
          }
          if (r != f) {
            ctx.warn(
                "PromQL warning: ratio value should be between -1 and 1, got "
                    + GoFloat.formatG(f)
                    + ", capping to "
                    + GoFloat.formatG(r),
                a.param().pos());
          }
          ratio[i] = r;
        }
        default -> {}
      }
    }
    // Groups in first-seen order; members by input index.
    Map<Labels, List<Integer>> groups = new LinkedHashMap<>();
    for (int si = 0; si < inputs.size(); si++) {
      groups.computeIfAbsent(groupLabels(inputs.get(si).labels), x -> new ArrayList<>()).add(si);
    }
    double[] sampleOffsets = op == TokenType.LIMIT_RATIO ? ratioOffsets(inputs) : null;
    boolean instant = steps.isInstant();
    List<StepSeries> instantOut = new ArrayList<>();
    Map<Labels, StepSeries> rangeOut = new LinkedHashMap<>();
    boolean reverse = op == TokenType.BOTTOMK;
    for (int i = 0; i < n; i++) {
      ctx.check();
      if (op != TokenType.LIMIT_RATIO && k[i] < 1) {
        continue;
      }
      if (op == TokenType.LIMIT_RATIO && ratio[i] == 0) {
        continue;
      }
      for (List<Integer> members : groups.values()) {
        Heap h = new Heap(op == TokenType.LIMIT_RATIO ? 4 : (int) Math.min(k[i], 1 << 16), reverse);
        for (int si : members) {
          StepSeries s = inputs.get(si);
          if (!s.has(i)) {
            continue;
          }
          double f = s.values[i];
          switch (op) {
            case TOPK, BOTTOMK -> offerTopBottom(h, f, si, k[i], reverse);
            case LIMITK -> {
              if (h.n < k[i]) {
                h.push(f, si);
              }
            }
            case LIMIT_RATIO -> {
              double off = sampleOffsets[si];
              boolean add = ratio[i] >= 0 ? off < ratio[i] : off >= 1.0 + ratio[i];
              if (add) {
                h.push(f, si);
              }
            }
            default -> {}
          }
        }
        if (h.n == 0) {
          continue;
        }
        Integer[] order = new Integer[h.n];
        for (int j = 0; j < h.n; j++) {
          order[j] = j;
        }
        if (op == TokenType.TOPK || op == TokenType.BOTTOMK) {
          // sort.Reverse of the heap's ordering: best first, NaN last.
          Arrays.sort(order, (x, y) -> h.less(y, x) ? -1 : h.less(x, y) ? 1 : 0);
        }
        for (int j : order) {
          StepSeries src = inputs.get(h.idx[j]);
          if (instant) {
            StepSeries o = new StepSeries(n);
            o.reset(src.labels);
            o.dropName = src.dropName;
            o.set(i, h.v[j]);
            instantOut.add(o);
          } else {
            StepSeries o = rangeOut.get(src.labels);
            if (o == null) {
              o = new StepSeries(n);
              o.reset(src.labels);
              o.dropName = src.dropName;
              rangeOut.put(src.labels, o);
            }
            o.set(i, h.v[j]);
          }
        }
      }
    }
    for (StepSeries s : inputs) {
      ctx.releaseSamples(s.cardinality());
    }
    return SeriesStream.of(instant ? instantOut : new ArrayList<>(rangeOut.values()));
  }

  private void offerTopBottom(Heap h, double f, int si, long k, boolean reverse) {
    if (v3) {
      if (h.n < k) {
        h.push(f, si);
        return;
      }
      double top = h.v[0];
      boolean replace = (reverse ? top > f : top < f) || (Double.isNaN(top) && !Double.isNaN(f));
      if (replace) {
        h.v[0] = f;
        h.idx[0] = si;
        if (k > 1) {
          h.fix(0);
        }
      }
      return;
    }
    double top = h.n > 0 ? h.v[0] : 0;
    if (h.n < k || (reverse ? top > f : top < f) || Double.isNaN(top)) {
      if (h.n == k) {
        if (k == 1) {
          h.v[0] = f;
          h.idx[0] = si;
          return;
        }
        h.pop();
      }
      h.push(f, si);
    }
  }

  private static double[] ratioOffsets(List<StepSeries> inputs) {
    double[] out = new double[inputs.size()];
    double max = new java.math.BigDecimal("18446744073709551615").doubleValue();
    for (int i = 0; i < out.length; i++) {
      long h = inputs.get(i).labels.hash();
      double d = new java.math.BigDecimal(Long.toUnsignedString(h)).doubleValue();
      out[i] = d / max;
    }
    return out;
  }

  // --- count_values -----------------------------------------------------------------------------

  private SeriesStream countValues() {
    String label = ((StringLiteral) io.jthanos.promql.parser.Expr.unwrapParens(a.param())).value();
    boolean valid =
        ctx.v2
            ? Evaluator.legacyLabelName(label)
            : !label.isEmpty() && GoStrings.isValidUtf8(label);
    if (!valid) {
      throw PromqlException.execution("invalid label name " + GoStrings.quote(label));
    }
    int n = steps.count();
    Map<Labels, StepSeries> out = new LinkedHashMap<>();
    Set<String> by = new HashSet<>(grouping);
    by.add(label);
    try (SeriesStream in = input()) {
      for (StepSeries s = in.next(); s != null; s = in.next()) {
        ctx.check();
        for (int i = s.nextSet(0); i >= 0; i = s.nextSet(i + 1)) {
          Labels withValue = s.labels.with(label, GoFloat.format(s.values[i], 'f'));
          Labels key = a.without() ? withValue.without(withoutSet) : withValue.keep(by);
          StepSeries o = out.get(key);
          if (o == null) {
            o = new StepSeries(n);
            o.reset(key);
            out.put(key, o);
          }
          o.set(i, o.has(i) ? o.values[i] + 1 : 1);
        }
      }
    }
    return SeriesStream.of(new ArrayList<>(out.values()));
  }
}
