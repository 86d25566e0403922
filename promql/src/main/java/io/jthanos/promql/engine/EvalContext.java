package io.jthanos.promql.engine;

import io.jthanos.promql.EngineOptions;
import io.jthanos.promql.ErrorType;
import io.jthanos.promql.PromqlException;
import io.jthanos.promql.PromqlSemantics;
import io.jthanos.promql.parser.PosRange;
import io.jthanos.tsdb.storage.Querier;
import io.jthanos.tsdb.storage.Queryable;
import io.jthanos.tsdb.storage.StorageException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Per-query state: the storage, settings, cancellation and deadline, the in-memory samples budget
 * and the collected annotations and storage warnings.
 */
final class EvalContext implements AutoCloseable {
  final EngineOptions opts;
  final PromqlSemantics semantics;
  final boolean v2;
  final long lookbackMs;
  final boolean delayedNameRemoval;
  final long queryStart;
  final long queryEnd;
  final long queryInterval;
  final String query;

  private final Queryable queryable;
  private final long mint;
  private final long maxt;
  private Querier querier;

  private final QueryControl control;
  private final long maxSamples;
  private long currentSamples;
  private long peakSamples;
  private long totalSamplesLoaded;

  private record Anno(String message, PosRange pos, boolean info) {}

  private final Map<String, Anno> annotations = new LinkedHashMap<>();
  private final Set<String> storageWarnings = new LinkedHashSet<>();

  EvalContext(
      EngineOptions opts,
      long lookbackMs,
      Queryable queryable,
      long mint,
      long maxt,
      long queryStart,
      long queryEnd,
      long queryInterval,
      String query,
      QueryControl control) {
    this.opts = opts;
    this.semantics = opts.semantics();
    this.v2 = semantics == PromqlSemantics.PROMETHEUS_2;
    this.lookbackMs = lookbackMs;
    this.delayedNameRemoval = opts.delayedNameRemoval() && !v2;
    this.queryable = queryable;
    this.mint = mint;
    this.maxt = maxt;
    this.queryStart = queryStart;
    this.queryEnd = queryEnd;
    this.queryInterval = queryInterval;
    this.query = query;
    this.control = control;
    this.maxSamples = opts.maxSamples();
  }

  Querier querier() {
    if (querier == null) {
      try {
        querier = queryable.querier(mint, maxt);
      } catch (StorageException e) {
        throw storageError(e);
      }
    }
    return querier;
  }

  /**
   * An error while reading series. As in Prometheus, a failing storage (a store that could not
   * answer, with partial responses disabled) is an execution error ({@code expanding series: ...},
   * 422); anything else is internal.
   */
  static PromqlException storageError(RuntimeException e) {
    if (e instanceof PromqlException p) {
      return p;
    }
    String msg = e.getMessage() == null ? e.toString() : e.getMessage();
    if (e instanceof StorageException) {
      return new PromqlException(ErrorType.EXECUTION, "expanding series: " + msg, e);
    }
    return new PromqlException(ErrorType.INTERNAL, msg, e);
  }

  /** Throws when the query was canceled or ran out of time. */
  void check() {
    control.check();
  }

  // --- samples budget ---------------------------------------------------------------------------

  void addSamples(long n) {
    currentSamples += n;
    if (currentSamples > peakSamples) {
      peakSamples = currentSamples;
    }
    if (currentSamples > maxSamples) {
      throw new PromqlException(
          ErrorType.EXECUTION,
          "query processing would load too many samples into memory in query execution");
    }
  }

  void releaseSamples(long n) {
    currentSamples -= n;
  }

  void countLoaded(long n) {
    totalSamplesLoaded += n;
  }

  long totalSamplesLoaded() {
    return totalSamplesLoaded;
  }

  long peakSamples() {
    return peakSamples;
  }

  // --- annotations ------------------------------------------------------------------------------

  void warn(String message, PosRange pos) {
    annotations.put(message, new Anno(message, pos, false));
  }

  void info(String message, PosRange pos) {
    annotations.put(message, new Anno(message, pos, true));
  }

  void storageWarnings(List<String> ws) {
    storageWarnings.addAll(ws);
  }

  List<String> warnings() {
    List<String> out = new ArrayList<>(storageWarnings);
    for (Anno a : annotations.values()) {
      if (!a.info) {
        out.add(render(a));
      }
    }
    return out;
  }

  List<String> infos() {
    List<String> out = new ArrayList<>();
    for (Anno a : annotations.values()) {
      if (a.info) {
        out.add(render(a));
      }
    }
    return out;
  }

  private String render(Anno a) {
    if (a.pos == null || query == null) {
      return a.message;
    }
    return a.message + " (" + a.pos.startPosInput(query) + ")";
  }

  @Override
  public void close() {
    if (querier != null) {
      try {
        querier.close();
      } catch (RuntimeException e) {
        // closing must not hide the query's own outcome
      }
      querier = null;
    }
  }
}
