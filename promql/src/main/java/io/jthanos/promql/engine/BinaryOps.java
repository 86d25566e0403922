package io.jthanos.promql.engine;

import io.jthanos.promql.PromqlException;
import io.jthanos.promql.parser.BinaryExpr;
import io.jthanos.promql.parser.TokenType;
import io.jthanos.promql.parser.ValueType;
import io.jthanos.promql.parser.VectorMatching;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.LabelsBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Binary operators between scalars and vectors, with Prometheus' vector matching rules. */
final class BinaryOps {
  private BinaryOps() {}

  static double scalarOp(TokenType op, double l, double r) {
    return switch (op) {
      case ADD -> l + r;
      case SUB -> l - r;
      case MUL -> l * r;
      case DIV -> l / r;
      case POW -> GoMath.pow(l, r);
      case MOD -> l % r;
      case EQLC -> l == r ? 1 : 0;
      case NEQ -> l != r ? 1 : 0;
      case GTR -> l > r ? 1 : 0;
      case LSS -> l < r ? 1 : 0;
      case GTE -> l >= r ? 1 : 0;
      case LTE -> l <= r ? 1 : 0;
      case ATAN2 -> Math.atan2(l, r);
      default -> throw new IllegalStateException("operator " + op + " not allowed for scalars");
    };
  }

  /** Arithmetic result, or for comparisons the left value (keep decided by {@link #compare}). */
  static double arith(TokenType op, double l, double r) {
    return switch (op) {
      case ADD -> l + r;
      case SUB -> l - r;
      case MUL -> l * r;
      case DIV -> l / r;
      case POW -> GoMath.pow(l, r);
      case MOD -> l % r;
      case ATAN2 -> Math.atan2(l, r);
      default -> l;
    };
  }

  static boolean compare(TokenType op, double l, double r) {
    return switch (op) {
      case EQLC -> l == r;
      case NEQ -> l != r;
      case GTR -> l > r;
      case LSS -> l < r;
      case GTE -> l >= r;
      case LTE -> l <= r;
      default -> true;
    };
  }

  /** Whether the operator's result loses the metric name (2.x keeps it for {@code atan2}). */
  static boolean dropsName(TokenType op, boolean v2) {
    return switch (op) {
      case ADD, SUB, DIV, MUL, POW, MOD -> true;
      case ATAN2 -> !v2;
      default -> false;
    };
  }

  static SeriesStream vector(Evaluator ev, BinaryExpr b, Steps s, SelectionPath p) {
    ValueType lt = b.lhs().type();
    ValueType rt = b.rhs().type();
    EvalContext ctx = ev.ctx;
    TokenType op = b.op();
    if (lt == ValueType.VECTOR && rt == ValueType.VECTOR) {
      if (op.isSetOperator()) {
        return setOp(ev, b, s);
      }
      return vectorOp(ev, b, s);
    }
    boolean swap = lt == ValueType.SCALAR;
    double[] scalar = ev.scalar(swap ? b.lhs() : b.rhs(), s, SelectionPath.NONE);
    SeriesStream in = ev.vector(swap ? b.rhs() : b.lhs(), s, SelectionPath.NONE);
    boolean comparison = op.isComparisonOperator();
    boolean returnBool = b.returnBool();
    return new MapStream(
        ctx,
        in,
        series -> {
          double[] v = series.values;
          for (int i = series.nextSet(0); i >= 0; i = series.nextSet(i + 1)) {
            double x = v[i];
            double l = swap ? scalar[i] : x;
            double r = swap ? x : scalar[i];
            if (comparison) {
              boolean keep = compare(op, l, r);
              if (returnBool) {
                v[i] = keep ? 1 : 0;
              } else if (!keep) {
                series.clear(i);
              }
            } else {
              v[i] = arith(op, l, r);
            }
          }
        },
        dropsName(op, ctx.v2) || returnBool,
        MapStream.Check.PER_STEP);
  }

  private static Labels signature(Labels l, VectorMatching m, Set<String> names) {
    return m.on() ? l.keep(names) : l.without(names);
  }

  private static Set<String> sigNames(VectorMatching m) {
    Set<String> names = new HashSet<>(m.matchingLabels());
    if (!m.on()) {
      names.add(Labels.METRIC_NAME);
    }
    return names;
  }

  // --- and, or, unless --------------------------------------------------------------------------

  private static SeriesStream setOp(Evaluator ev, BinaryExpr b, Steps s) {
    EvalContext ctx = ev.ctx;
    VectorMatching m = b.matching();
    Set<String> names = sigNames(m);
    Collector lc = new Collector(ctx);
    Collector rc = new Collector(ctx);
    lc.addAll(ev.vector(b.lhs(), s, SelectionPath.NONE));
    rc.addAll(ev.vector(b.rhs(), s, SelectionPath.NONE));
    List<StepSeries> lhs = lc.list();
    List<StepSeries> rhs = rc.list();
    List<StepSeries> out = new ArrayList<>();
    int words = (s.count() + 63) >>> 6;
    switch (b.op()) {
      case LAND, LUNLESS -> {
        Map<Labels, long[]> rightSigs = union(rhs, m, names, words);
        boolean and = b.op() == TokenType.LAND;
        for (StepSeries l : lhs) {
          long[] r = rightSigs.get(signature(l.labels, m, names));
          for (int w = 0; w < words; w++) {
            long rb = r == null ? 0 : r[w];
            l.bits[w] &= and ? rb : ~rb;
          }
          if (!l.isEmpty()) {
            out.add(l);
          }
        }
      }
      case LOR -> {
        Map<Labels, long[]> leftSigs = union(lhs, m, names, words);
        for (StepSeries l : lhs) {
          out.add(l);
        }
        for (StepSeries r : rhs) {
          long[] lb = leftSigs.get(signature(r.labels, m, names));
          if (lb != null) {
            for (int w = 0; w < words; w++) {
              r.bits[w] &= ~lb[w];
            }
          }
          if (!r.isEmpty()) {
            out.add(r);
          }
        }
      }
      default -> throw new IllegalStateException(b.op().name());
    }
    lc.close();
    rc.close();
    StepCollisionTracker tracker = new StepCollisionTracker();
    for (StepSeries o : out) {
      tracker.check(o);
    }
    return SeriesStream.of(out);
  }

  private static Map<Labels, long[]> union(
      List<StepSeries> list, VectorMatching m, Set<String> names, int words) {
    Map<Labels, long[]> sigs = new HashMap<>();
    for (StepSeries x : list) {
      long[] u = sigs.computeIfAbsent(signature(x.labels, m, names), k -> new long[words]);
      for (int w = 0; w < words; w++) {
        u[w] |= x.bits[w];
      }
    }
    return sigs;
  }

  // --- arithmetic and comparison between vectors ------------------------------------------------

  private static SeriesStream vectorOp(Evaluator ev, BinaryExpr b, Steps s) {
    EvalContext ctx = ev.ctx;
    VectorMatching m = b.matching();
    TokenType op = b.op();
    Set<String> names = sigNames(m);
    Collector lc = new Collector(ctx);
    Collector rc = new Collector(ctx);
    lc.addAll(ev.vector(b.lhs(), s, SelectionPath.NONE));
    rc.addAll(ev.vector(b.rhs(), s, SelectionPath.NONE));
    boolean swapped = m.card() == VectorMatching.Card.ONE_TO_MANY;
    List<StepSeries> many = swapped ? rc.list() : lc.list();
    List<StepSeries> one = swapped ? lc.list() : rc.list();
    int n = s.count();
    int words = (n + 63) >>> 6;

    // The "one" side grouped by signature; two of them at one step is many-to-many.
    Map<Labels, List<StepSeries>> oneBySig = new HashMap<>();
    List<Labels> oneSigs = new ArrayList<>(one.size());
    for (StepSeries r : one) {
      Labels sig = signature(r.labels, m, names);
      oneSigs.add(sig);
      oneBySig.computeIfAbsent(sig, k -> new ArrayList<>(1)).add(r);
    }
    // Prometheus skips a step when either side has no samples at all (nothing can match), so
    // duplicates on the "one" side only matter at steps where the other side has samples.
    long[] manyPresent = new long[words];
    for (StepSeries l : many) {
      for (int w = 0; w < words; w++) {
        manyPresent[w] |= l.bits[w];
      }
    }
    checkOneSideUnique(one, oneSigs, oneBySig, manyPresent, swapped);

    boolean returnBool = b.returnBool();
    boolean comparison = op.isComparisonOperator();
    boolean dropName = dropsName(op, ctx.v2);
    Set<String> matching = new HashSet<>(m.matchingLabels());
    Map<Labels, long[]> matchedOneToOne = new HashMap<>();
    Map<Labels, Map<Labels, long[]>> matchedManyToOne = new HashMap<>();
    Map<Labels, StepSeries> out = new LinkedHashMap<>();
    Map<Labels, Labels> resultCache = new HashMap<>();
    for (StepSeries l : many) {
      ctx.check();
      Labels sig = signature(l.labels, m, names);
      List<StepSeries> candidates = oneBySig.get(sig);
      if (candidates == null) {
        continue;
      }
      for (int i = l.nextSet(0); i >= 0; i = l.nextSet(i + 1)) {
        StepSeries r = null;
        for (StepSeries c : candidates) {
          if (c.has(i)) {
            r = c;
            break;
          }
        }
        if (r == null) {
          continue;
        }
        double vl = l.values[i];
        double vr = r.values[i];
        if (swapped) {
          double t = vl;
          vl = vr;
          vr = t;
        }
        double value = arith(op, vl, vr);
        boolean keep = !comparison || compare(op, vl, vr);
        if (returnBool) {
          value = keep ? 1 : 0;
        } else if (!keep && ctx.v2) {
          // 2.x checks matching errors only for samples that survive the filter.
          continue;
        }
        Labels outLabels = resultMetric(l.labels, r.labels, op, m, matching, dropName, resultCache);
        if (returnBool && !ctx.delayedNameRemoval) {
          outLabels = outLabels.withoutMetricName();
        }
        if (m.card() == VectorMatching.Card.ONE_TO_ONE) {
          long[] bits = matchedOneToOne.computeIfAbsent(sig, k -> new long[words]);
          if ((bits[i >>> 6] & (1L << i)) != 0) {
            throw PromqlException.execution(
                "multiple matches for labels: many-to-one matching must be explicit"
                    + " (group_left/group_right)");
          }
          bits[i >>> 6] |= 1L << i;
        } else {
          long[] bits =
              matchedManyToOne
                  .computeIfAbsent(sig, k -> new HashMap<>())
                  .computeIfAbsent(outLabels, k -> new long[words]);
          if ((bits[i >>> 6] & (1L << i)) != 0) {
            throw PromqlException.execution(
                "multiple matches for labels: grouping labels must ensure unique matches");
          }
          bits[i >>> 6] |= 1L << i;
        }
        if (!keep && !returnBool) {
          continue;
        }
        StepSeries o = out.get(outLabels);
        if (o == null) {
          o = new StepSeries(n);
          o.reset(outLabels);
          o.dropName = returnBool && ctx.delayedNameRemoval;
          out.put(outLabels, o);
          ctx.addSamples(1);
        } else if (o.has(i)) {
          throw Collector.duplicateLabelset();
        }
        o.set(i, value);
      }
    }
    lc.close();
    rc.close();
    return SeriesStream.of(new ArrayList<>(out.values()));
  }

  private static void checkOneSideUnique(
      List<StepSeries> one,
      List<Labels> oneSigs,
      Map<Labels, List<StepSeries>> oneBySig,
      long[] manyPresent,
      boolean swapped) {
    int words = manyPresent.length;
    int earliest = Integer.MAX_VALUE;
    for (List<StepSeries> group : oneBySig.values()) {
      if (group.size() < 2) {
        continue;
      }
      long[] acc = new long[words];
      for (StepSeries r : group) {
        for (int w = 0; w < words; w++) {
          long dup = acc[w] & r.bits[w] & manyPresent[w];
          if (dup != 0) {
            earliest = Math.min(earliest, (w << 6) + Long.numberOfTrailingZeros(dup));
          }
          acc[w] |= r.bits[w];
        }
      }
    }
    if (earliest == Integer.MAX_VALUE) {
      return;
    }
    int i = earliest;
    Map<Labels, StepSeries> seen = new HashMap<>();
    for (int k = 0; k < one.size(); k++) {
      StepSeries r = one.get(k);
      if (!r.has(i)) {
        continue;
      }
      Labels sig = oneSigs.get(k);
      StepSeries prev = seen.putIfAbsent(sig, r);
      if (prev != null) {
        throw PromqlException.execution(
            "found duplicate series for the match group "
                + sig
                + " on the "
                + (swapped ? "left" : "right")
                + " hand-side of the operation: ["
                + r.labels
                + ", "
                + prev.labels
                + "];many-to-many matching not allowed: matching labels must be unique on one"
                + " side");
      }
    }
  }

  private static Labels resultMetric(
      Labels many,
      Labels one,
      TokenType op,
      VectorMatching m,
      Set<String> matching,
      boolean dropName,
      Map<Labels, Labels> cache) {
    boolean cacheable = m.include().isEmpty();
    if (cacheable) {
      Labels hit = cache.get(many);
      if (hit != null) {
        return hit;
      }
    }
    Labels l = dropName ? many.withoutMetricName() : many;
    if (m.card() == VectorMatching.Card.ONE_TO_ONE) {
      l = m.on() ? l.keep(matching) : l.without(matching);
    }
    if (!m.include().isEmpty()) {
      LabelsBuilder bld = l.toBuilder();
      for (String ln : m.include()) {
        String v = one.get(ln);
        if (!v.isEmpty()) {
          bld.set(ln, v);
        } else {
          bld.delete(ln);
        }
      }
      l = bld.build();
    }
    if (cacheable) {
      cache.put(many, l);
    }
    return l;
  }
}
