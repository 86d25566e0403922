package io.jthanos.promql.engine;

import io.jthanos.promql.ErrorType;
import io.jthanos.promql.PromqlException;
import io.jthanos.promql.parser.MatrixSelector;
import io.jthanos.promql.parser.VectorSelector;
import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.storage.SelectHints;
import io.jthanos.tsdb.storage.Series;
import io.jthanos.tsdb.storage.SeriesSet;
import io.jthanos.tsdb.storage.Values;

/**
 * A matrix selector as a {@link RangeSource}: per series, every non-stale sample that falls in any
 * step's window, read into one reused buffer.
 */
final class MatrixSource implements RangeSource {
  private final EvalContext ctx;
  private final MatrixSelector ms;
  private final Steps steps;
  private final SelectionPath path;
  private final Long at;
  private final long offset;
  private final RawSeries raw = new RawSeries();
  private SeriesSet set;
  private SampleIterator it;
  private boolean done;
  private long held;

  MatrixSource(EvalContext ctx, MatrixSelector ms, Steps steps, SelectionPath path) {
    this.ctx = ctx;
    this.ms = ms;
    this.steps = steps;
    this.path = path;
    this.at = Windows.at(ctx, ms.selector().at());
    this.offset = ms.selector().offsetMs();
  }

  @Override
  public long rangeMs() {
    return ms.rangeMs();
  }

  @Override
  public long ref(int step) {
    return Windows.ref(steps, step, at, offset);
  }

  @Override
  public long refAtUnsafe(int step) {
    return at == null ? ref(step) : at - offset + (steps.time(step) - steps.start());
  }

  @Override
  public VectorSelector selector() {
    return ms.selector();
  }

  @Override
  public RawSeries next() {
    if (done) {
      return null;
    }
    try {
      long lo = Windows.minRef(steps, at, offset) - ms.rangeMs();
      long hi = Windows.maxRef(steps, at, offset);
      if (set == null) {
        SelectHints hints =
            new SelectHints(
                lo,
                hi,
                ctx.queryInterval,
                path.func(),
                ms.rangeMs(),
                path.grouping(),
                path.by(),
                0,
                0,
                0,
                false);
        set = ctx.querier().select(false, hints, ms.selector().matchers());
      }
      while (set.next()) {
        ctx.check();
        Series s = set.at();
        raw.reset(s.labels());
        it = s.iterator(it);
        ValueType vt = it.seek(ctx.v2 ? lo : lo + 1);
        while (vt != ValueType.NONE) {
          if (vt != ValueType.FLOAT) {
            throw new PromqlException(
                ErrorType.EXECUTION,
                "native histograms are not supported by this PromQL engine yet (series "
                    + s.labels()
                    + ")");
          }
          long t = it.atT();
          if (t > hi) {
            break;
          }
          double v = it.atV();
          if (!Values.isStaleNaN(v)) {
            raw.add(t, v);
          }
          vt = it.next();
        }
        ctx.releaseSamples(held);
        held = raw.n;
        ctx.addSamples(held);
        ctx.countLoaded(raw.n);
        if (raw.n > 0) {
          return raw;
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

  private void finish() {
    if (!done) {
      done = true;
      ctx.releaseSamples(held);
      held = 0;
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
