package io.jthanos.promql.engine;

import io.jthanos.promql.parser.AtModifier;

/** Evaluation-time arithmetic for selectors: per-step reference times with @ and offset. */
final class Windows {
  private Windows() {}

  /** The fixed evaluation time of an @ modifier, or null. */
  static Long at(EvalContext ctx, AtModifier at) {
    return at.resolve(ctx.queryStart, ctx.queryEnd);
  }

  static long ref(Steps s, int i, Long at, long offset) {
    return (at != null ? at : s.time(i)) - offset;
  }

  static long minRef(Steps s, Long at, long offset) {
    return (at != null ? at : s.start()) - offset;
  }

  static long maxRef(Steps s, Long at, long offset) {
    return (at != null ? at : s.end()) - offset;
  }
}
