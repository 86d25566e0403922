package io.jthanos.promql.engine;

import io.jthanos.promql.ErrorType;
import io.jthanos.promql.PromqlException;
import io.jthanos.promql.parser.VectorSelector;
import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.storage.SelectHints;
import io.jthanos.tsdb.storage.Series;
import io.jthanos.tsdb.storage.SeriesSet;
import io.jthanos.tsdb.storage.Values;

/**
 * An instant vector selector: per series, the newest sample in each step's lookback window
 * (left-open in 3.x, closed in 2.x) unless it is a staleness marker. Series are streamed from the
 * querier one at a time; samples are read straight off the iterator, skipping ahead with seek.
 */
final class SelectorStream implements SeriesStream {
  private final EvalContext ctx;
  private final VectorSelector vs;
  private final Steps steps;
  private final SelectionPath path;
  private final boolean timestamps;
  private final Long at;
  private final long offset;
  private final StepSeries out;
  private SeriesSet set;
  private SampleIterator it;
  private boolean done;

  /**
   * @param timestamps when true the value is the sample's timestamp in seconds ({@code
   *     timestamp(selector)})
   */
  SelectorStream(
      EvalContext ctx, VectorSelector vs, Steps steps, SelectionPath path, boolean timestamps) {
    this.ctx = ctx;
    this.vs = vs;
    this.steps = steps;
    this.path = path;
    this.timestamps = timestamps;
    this.at = Windows.at(ctx, vs.at());
    this.offset = vs.offsetMs();
    this.out = new StepSeries(steps.count());
  }

  @Override
  public StepSeries next() {
    if (done) {
      return null;
    }
    try {
      if (set == null) {
        long lo = Windows.minRef(steps, at, offset) - ctx.lookbackMs;
        long hi = Windows.maxRef(steps, at, offset);
        SelectHints hints =
            new SelectHints(
                lo,
                hi,
                ctx.queryInterval,
                path.func(),
                0,
                path.grouping(),
                path.by(),
                0,
                0,
                0,
                false);
        set = ctx.querier().select(false, hints, vs.matchers());
      }
      while (set.next()) {
        ctx.check();
        if (fill(set.at())) {
          return out;
        }
      }
      finish();
      return null;
    } catch (PromqlException e) {
      throw e;
    } catch (RuntimeException e) {
      throw EvalContext.storageError(e);
    }
  }

  private boolean fill(Series s) {
    out.reset(s.labels());
    it = s.iterator(it);
    int n = steps.count();
    long lookback = ctx.lookbackMs;
    boolean v2 = ctx.v2;
    long first = Windows.ref(steps, 0, at, offset) - lookback;
    ValueType vt = it.seek(v2 ? first : first + 1);
    long ct = 0;
    double cv = 0;
    if (vt != ValueType.NONE) {
      checkFloat(vt, s);
      ct = it.atT();
      cv = it.atV();
    }
    boolean haveLast = false;
    long lt = 0;
    double lv = 0;
    boolean any = false;
    long loaded = 0;
    for (int i = 0; i < n; i++) {
      long ref = Windows.ref(steps, i, at, offset);
      long lo = ref - lookback;
      if (vt != ValueType.NONE && ct < lo) {
        // Jump over samples no window needs.
        haveLast = false;
        vt = it.seek(lo);
        if (vt != ValueType.NONE) {
          checkFloat(vt, s);
          ct = it.atT();
          cv = it.atV();
        }
      }
      while (vt != ValueType.NONE && ct <= ref) {
        haveLast = true;
        lt = ct;
        lv = cv;
        loaded++;
        vt = it.next();
        if (vt != ValueType.NONE) {
          checkFloat(vt, s);
          ct = it.atT();
          cv = it.atV();
        }
      }
      if (haveLast && (v2 ? lt >= lo : lt > lo) && !Values.isStaleNaN(lv)) {
        out.set(i, timestamps ? lt / 1000.0 : lv);
        any = true;
      }
    }
    ctx.countLoaded(loaded);
    return any;
  }

  private static void checkFloat(ValueType vt, Series s) {
    if (vt != ValueType.FLOAT) {
      throw new PromqlException(
          ErrorType.EXECUTION,
          "native histograms are not supported by this PromQL engine yet (series "
              + s.labels()
              + ")");
    }
  }

  private void finish() {
    if (!done) {
      done = true;
      if (set != null) {
        ctx.storageWarnings(set.warnings());
        set.close();
      }
    }
  }

  @Override
  public void close() {
    finish();
  }
}
