package io.jthanos.promql.engine;

import io.jthanos.promql.PromqlException;
import io.jthanos.promql.parser.PosRange;
import io.jthanos.promql.text.GoFloat;
import io.jthanos.promql.text.GoStrings;
import io.jthanos.tsdb.labels.Labels;
import java.util.Arrays;

/**
 * Functions over range vectors ({@code rate}, {@code *_over_time}, ...): per series, per step, the
 * kernel sees the samples inside the step's window as a slice {@code [lo, hi)} of primitive arrays.
 * Window bounds move forward monotonically, so each series costs O(samples + steps).
 */
final class RangeFunctionStream implements SeriesStream {
  enum Fn {
    RATE,
    INCREASE,
    DELTA,
    IRATE,
    IDELTA,
    DERIV,
    PREDICT_LINEAR,
    HOLT_WINTERS,
    AVG,
    SUM,
    COUNT,
    MIN,
    MAX,
    LAST,
    FIRST,
    PRESENT,
    STDDEV,
    STDVAR,
    QUANTILE,
    CHANGES,
    RESETS,
    MAD,
    TS_FIRST,
    TS_LAST,
    TS_MIN,
    TS_MAX
  }

  private final EvalContext ctx;
  private final RangeSource src;
  private final Steps steps;
  private final Fn fn;
  private final double[] p0;
  private final double[] p1;
  private final PosRange argPos;
  private final PosRange paramPos;
  private final boolean dropName;
  private final boolean v3;
  private final StepSeries out;
  private WholeSeriesTracker tracker;
  private final double[] scratch = new double[1];
  private double[] sortBuf = new double[16];
  private int[] resets = new int[16];

  /**
   * @param p0 first scalar parameter per step (quantile, prediction duration, smoothing factor)
   * @param p1 second scalar parameter per step (trend factor)
   */
  RangeFunctionStream(
      EvalContext ctx,
      RangeSource src,
      Steps steps,
      Fn fn,
      double[] p0,
      double[] p1,
      PosRange argPos,
      PosRange paramPos) {
    this.ctx = ctx;
    this.src = src;
    this.steps = steps;
    this.fn = fn;
    this.p0 = p0;
    this.p1 = p1;
    this.argPos = argPos;
    this.paramPos = paramPos;
    this.dropName = fn != Fn.LAST && !(fn == Fn.FIRST && !ctx.v2);
    this.v3 = !ctx.v2;
    this.out = new StepSeries(steps.count());
    this.tracker = dropName && !ctx.delayedNameRemoval ? new WholeSeriesTracker() : null;
  }

  /** Turns off the duplicate-labelset check (absent_over_time only needs presence). */
  RangeFunctionStream presenceOnly() {
    this.tracker = null;
    return this;
  }

  @Override
  public StepSeries next() {
    RawSeries rs;
    while ((rs = src.next()) != null) {
      ctx.check();
      Labels in = rs.labels;
      Labels labels = in;
      boolean markDrop = false;
      if (dropName) {
        if (ctx.delayedNameRemoval) {
          markDrop = true;
        } else {
          labels = in.withoutMetricName();
        }
      }
      out.reset(labels);
      out.dropName = markDrop || rs.dropName;
      boolean any = compute(rs);
      if (!any) {
        continue;
      }
      if ((fn == Fn.RATE || fn == Fn.INCREASE) && v3) {
        String name = in.metricName();
        if (!name.isEmpty()
            && !name.endsWith("_total")
            && !name.endsWith("_sum")
            && !name.endsWith("_count")
            && !name.endsWith("_bucket")) {
          ctx.info(
              "PromQL info: metric might not be a counter, name does not end in"
                  + " _total/_sum/_count/_bucket: "
                  + GoStrings.quote(name),
              argPos);
        }
      }
      if (tracker != null) {
        tracker.check(labels, in);
      }
      return out;
    }
    return null;
  }

  private boolean compute(RawSeries rs) {
    long[] t = rs.t;
    double[] v = rs.v;
    int n = rs.n;
    int lo = 0;
    int hi = 0;
    long range = src.rangeMs();
    boolean v2 = ctx.v2;
    boolean any = false;
    if (fn == Fn.RATE || fn == Fn.INCREASE) {
      countResets(v, n);
    }
    int steps = this.steps.count();
    boolean atUnsafe = v2 && fn == Fn.PREDICT_LINEAR;
    for (int i = 0; i < steps; i++) {
      long ref = atUnsafe ? src.refAtUnsafe(i) : src.ref(i);
      long start = ref - range;
      if (v2) {
        while (lo < n && t[lo] < start) {
          lo++;
        }
      } else {
        while (lo < n && t[lo] <= start) {
          lo++;
        }
      }
      if (hi < lo) {
        hi = lo;
      }
      while (hi < n && t[hi] <= ref) {
        hi++;
      }
      if (hi <= lo) {
        continue;
      }
      if (kernel(t, v, lo, hi, i, start, ref, range)) {
        out.set(i, scratch[0]);
        any = true;
      }
    }
    return any;
  }

  /**
   * resets[i] = number of counter resets (a value lower than the one before) at indices 1..i, so
   * that windows without resets skip the correction loop: dense steps over long windows stay O(1)
   * per step, and the sum is still added in sample order where there are resets.
   */
  private void countResets(double[] v, int n) {
    if (resets.length < n) {
      resets = new int[Math.max(n, resets.length * 2)];
    }
    int c = 0;
    if (n > 0) {
      resets[0] = 0;
    }
    for (int j = 1; j < n; j++) {
      if (v[j] < v[j - 1]) {
        c++;
      }
      resets[j] = c;
    }
  }

  private boolean kernel(
      long[] t, double[] v, int lo, int hi, int step, long rangeStart, long rangeEnd, long range) {
    int n = hi - lo;
    double r;
    switch (fn) {
      case RATE, INCREASE, DELTA -> {
        if (n < 2) {
          return false;
        }
        r =
            extrapolatedRate(
                t, v, lo, hi, rangeStart, rangeEnd, range, fn != Fn.DELTA, fn == Fn.RATE);
      }
      case IRATE, IDELTA -> {
        if (n < 2) {
          return false;
        }
        double last = v[hi - 1];
        double prev = v[hi - 2];
        long interval = t[hi - 1] - t[hi - 2];
        if (interval == 0) {
          return false;
        }
        if (fn == Fn.IRATE && last < prev) {
          r = last;
        } else {
          r = last - prev;
        }
        if (fn == Fn.IRATE) {
          r /= interval / 1000.0;
        }
      }
      case DERIV -> {
        if (n < 2) {
          return false;
        }
        linearRegression(t, v, lo, hi, t[lo]);
        r = slope;
      }
      case PREDICT_LINEAR -> {
        if (n < 2) {
          return false;
        }
        linearRegression(t, v, lo, hi, steps.time(step));
        r = slope * p0[step] + intercept;
      }
      case HOLT_WINTERS -> {
        double sf = p0[step];
        double tf = p1[step];
        if (sf <= 0 || sf >= 1) {
          throw PromqlException.execution(
              "invalid smoothing factor. Expected: 0 < sf < 1, got: " + GoFloat.formatFixed6(sf));
        }
        if (tf <= 0 || tf >= 1) {
          throw PromqlException.execution(
              "invalid trend factor. Expected: 0 < tf < 1, got: " + GoFloat.formatFixed6(tf));
        }
        if (n < 2) {
          return false;
        }
        double s0 = 0;
        double s1 = v[lo];
        double b = v[lo + 1] - v[lo];
        for (int i = 1; i < n; i++) {
          double x = sf * v[lo + i];
          if (i - 1 != 0) {
            b = tf * (s1 - s0) + (1 - tf) * b;
          }
          double y = (1 - sf) * (s1 + b);
          s0 = s1;
          s1 = x + y;
        }
        r = s1;
      }
      case AVG -> r = v3 ? avgV3(v, lo, hi) : avgV2(v, lo, hi);
      case SUM -> {
        double sum = 0;
        scratch[0] = 0;
        double[] c = cbuf;
        c[0] = 0;
        for (int i = lo; i < hi; i++) {
          sum = GoMath.kahanInc(v[i], sum, c, v3);
        }
        r = Double.isInfinite(sum) ? sum : sum + c[0];
      }
      case COUNT -> r = n;
      case MIN, MAX -> {
        double m = v[lo];
        boolean max = fn == Fn.MAX;
        for (int i = lo; i < hi; i++) {
          double cur = v[i];
          if ((max ? cur > m : cur < m) || Double.isNaN(m)) {
            m = cur;
          }
        }
        r = m;
      }
      case LAST -> r = v[hi - 1];
      case FIRST -> r = v[lo];
      case PRESENT -> r = 1;
      case STDDEV, STDVAR -> {
        double count = 0;
        double mean = 0;
        double aux = 0;
        double[] cMean = cbuf;
        double[] cAux = cbuf2;
        cMean[0] = 0;
        cAux[0] = 0;
        for (int i = lo; i < hi; i++) {
          double x = v[i];
          count++;
          double delta = x - (mean + cMean[0]);
          mean = GoMath.kahanInc(delta / count, mean, cMean, v3);
          aux = GoMath.kahanInc(delta * (x - (mean + cMean[0])), aux, cAux, v3);
        }
        double variance = (aux + cAux[0]) / count;
        r = fn == Fn.STDDEV ? Math.sqrt(variance) : variance;
      }
      case QUANTILE -> {
        double q = p0[step];
        if (v3 && (Double.isNaN(q) || q < 0 || q > 1)) {
          ctx.warn(
              "PromQL warning: quantile value should be between 0 and 1, got " + GoFloat.formatG(q),
              paramPos);
        }
        r = quantile(q, copyToSortBuf(v, lo, hi), n);
      }
      case MAD -> {
        for (int i = lo; i < hi; i++) {
          if (Double.isNaN(v[i])) {
            scratch[0] = Double.NaN;
            return true;
          }
        }
        double[] buf = copyToSortBuf(v, lo, hi);
        double median = quantile(0.5, buf, n);
        for (int i = 0; i < n; i++) {
          buf[i] = Math.abs(v[lo + i] - median);
        }
        r = quantile(0.5, buf, n);
      }
      case CHANGES -> {
        int changes = 0;
        double prev = v[lo];
        for (int i = lo + 1; i < hi; i++) {
          double cur = v[i];
          if (cur != prev && !(Double.isNaN(cur) && Double.isNaN(prev))) {
            changes++;
          }
          prev = cur;
        }
        r = changes;
      }
      case RESETS -> {
        int resets = 0;
        double prev = v[lo];
        for (int i = lo + 1; i < hi; i++) {
          double cur = v[i];
          if (cur < prev) {
            resets++;
          }
          prev = cur;
        }
        r = resets;
      }
      case TS_FIRST -> r = t[lo] / 1000.0;
      case TS_LAST -> r = t[hi - 1] / 1000.0;
      case TS_MIN, TS_MAX -> {
        double m = v[lo];
        long tm = t[lo];
        boolean max = fn == Fn.TS_MAX;
        for (int i = lo; i < hi; i++) {
          double cur = v[i];
          if ((max ? cur >= m : cur <= m) || Double.isNaN(m)) {
            m = cur;
            tm = t[i];
          }
        }
        r = tm / 1000.0;
      }
      default -> throw new IllegalStateException(fn.name());
    }
    scratch[0] = r;
    return true;
  }

  private final double[] cbuf = new double[1];
  private final double[] cbuf2 = new double[1];
  private final double[] cbuf3 = new double[1];
  private final double[] cbuf4 = new double[1];
  private double slope;
  private double intercept;

  private double extrapolatedRate(
      long[] t,
      double[] v,
      int lo,
      int hi,
      long rangeStart,
      long rangeEnd,
      long range,
      boolean isCounter,
      boolean isRate) {
    int first = lo;
    int last = hi - 1;
    double result = v[last] - v[first];
    if (isCounter && resets[last] != resets[first]) {
      double prev = v[first];
      for (int i = first + 1; i <= last; i++) {
        double cur = v[i];
        if (cur < prev) {
          result += prev;
        }
        prev = cur;
      }
    }
    double durationToStart = (t[first] - rangeStart) / 1000.0;
    double durationToEnd = (rangeEnd - t[last]) / 1000.0;
    double sampledInterval = (t[last] - t[first]) / 1000.0;
    double avg = sampledInterval / (hi - lo - 1);
    double threshold = avg * 1.1;
    double factor;
    if (ctx.v2) {
      if (isCounter && result > 0 && v[first] >= 0) {
        double durationToZero = sampledInterval * (v[first] / result);
        if (durationToZero < durationToStart) {
          durationToStart = durationToZero;
        }
      }
      double extrapolateToInterval = sampledInterval;
      extrapolateToInterval += durationToStart < threshold ? durationToStart : avg / 2;
      extrapolateToInterval += durationToEnd < threshold ? durationToEnd : avg / 2;
      factor = extrapolateToInterval / sampledInterval;
    } else {
      if (durationToStart >= threshold) {
        durationToStart = avg / 2;
      }
      if (isCounter) {
        double durationToZero = durationToStart;
        if (result > 0 && v[first] >= 0) {
          durationToZero = sampledInterval * (v[first] / result);
        }
        if (durationToZero < durationToStart) {
          durationToStart = durationToZero;
        }
      }
      if (durationToEnd >= threshold) {
        durationToEnd = avg / 2;
      }
      factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
    }
    if (isRate) {
      factor /= range / 1000.0;
    }
    return result * factor;
  }

  /** Least squares fit; sets {@link #slope} and {@link #intercept} (at {@code interceptTime}). */
  private void linearRegression(long[] t, double[] v, int lo, int hi, long interceptTime) {
    double n = 0;
    double sumX = 0;
    double sumY = 0;
    double sumXY = 0;
    double sumX2 = 0;
    double[] cX = cbuf;
    double[] cY = cbuf2;
    double[] cXY = cbuf3;
    double[] cX2 = cbuf4;
    cX[0] = 0;
    cY[0] = 0;
    cXY[0] = 0;
    cX2[0] = 0;
    double initY = v[lo];
    boolean constY = true;
    for (int i = lo; i < hi; i++) {
      double y = v[i];
      if (constY && i > lo && y != initY) {
        constY = false;
      }
      n += 1.0;
      double x = (t[i] - interceptTime) / 1e3;
      sumX = GoMath.kahanInc(x, sumX, cX, v3);
      sumY = GoMath.kahanInc(y, sumY, cY, v3);
      sumXY = GoMath.kahanInc(x * y, sumXY, cXY, v3);
      sumX2 = GoMath.kahanInc(x * x, sumX2, cX2, v3);
    }
    if (constY) {
      if (Double.isInfinite(initY)) {
        slope = Double.NaN;
        intercept = Double.NaN;
      } else {
        slope = 0;
        intercept = initY;
      }
      return;
    }
    sumX += cX[0];
    sumY += cY[0];
    sumXY += cXY[0];
    sumX2 += cX2[0];
    double covXY = sumXY - sumX * sumY / n;
    double varX = sumX2 - sumX * sumX / n;
    slope = covXY / varX;
    intercept = sumY / n - slope * sumX / n;
  }

  private double avgV2(double[] v, int lo, int hi) {
    double mean = 0;
    double count = 0;
    double[] c = cbuf;
    c[0] = 0;
    for (int i = lo; i < hi; i++) {
      double x = v[i];
      count++;
      if (Double.isInfinite(mean)) {
        if (Double.isInfinite(x) && (mean > 0) == (x > 0)) {
          continue;
        }
        if (!Double.isInfinite(x) && !Double.isNaN(x)) {
          continue;
        }
      }
      mean = GoMath.kahanInc(x / count - mean / count, mean, c, false);
    }
    if (Double.isInfinite(mean)) {
      return mean;
    }
    return mean + c[0];
  }

  private double avgV3(double[] v, int lo, int hi) {
    double sum = v[lo];
    double count = 1;
    double mean = 0;
    double[] c = cbuf;
    c[0] = 0;
    boolean incremental = false;
    for (int i = lo + 1; i < hi; i++) {
      double x = v[i];
      count = i - lo + 1;
      if (!incremental) {
        double[] c2 = cbuf2;
        c2[0] = c[0];
        double newSum = GoMath.kahanInc(x, sum, c2, true);
        if (!Double.isInfinite(newSum)) {
          sum = newSum;
          c[0] = c2[0];
          continue;
        }
        incremental = true;
        mean = sum / (count - 1);
        c[0] /= count - 1;
      }
      double q = (count - 1) / count;
      double[] c3 = cbuf3;
      c3[0] = q * c[0];
      mean = GoMath.kahanInc(x / count, q * mean, c3, true);
      c[0] = c3[0];
    }
    if (incremental) {
      return mean + c[0];
    }
    return sum / count + c[0] / count;
  }

  private double[] copyToSortBuf(double[] v, int lo, int hi) {
    int n = hi - lo;
    if (sortBuf.length < n) {
      sortBuf = new double[Math.max(n, sortBuf.length * 2)];
    }
    System.arraycopy(v, lo, sortBuf, 0, n);
    return sortBuf;
  }

  /**
   * Prometheus' {@code quantile}: sorts {@code vals[0..n)} (NaN first) and interpolates between the
   * two nearest ranks.
   */
  static double quantile(double q, double[] vals, int n) {
    if (n == 0 || Double.isNaN(q)) {
      return Double.NaN;
    }
    if (q < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (q > 1) {
      return Double.POSITIVE_INFINITY;
    }
    sortNaNFirst(vals, n);
    double rank = q * (n - 1);
    double lower = Math.max(0, Math.floor(rank));
    double upper = Math.min(n - 1, lower + 1);
    double weight = rank - Math.floor(rank);
    return vals[(int) lower] * (1 - weight) + vals[(int) upper] * weight;
  }

  static void sortNaNFirst(double[] vals, int n) {
    int nan = 0;
    for (int i = 0; i < n; i++) {
      if (Double.isNaN(vals[i])) {
        double tmp = vals[nan];
        vals[nan] = vals[i];
        vals[i] = tmp;
        nan++;
      }
    }
    Arrays.sort(vals, nan, n);
  }

  @Override
  public void close() {
    src.close();
  }
}
