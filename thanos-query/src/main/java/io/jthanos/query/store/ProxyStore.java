package io.jthanos.query.store;

import com.google.protobuf.Any;
import io.grpc.Status;
import io.jthanos.proto.store.LabelNamesRequest;
import io.jthanos.proto.store.LabelValuesRequest;
import io.jthanos.proto.store.PartialResponseStrategy;
import io.jthanos.proto.store.SeriesRequest;
import io.jthanos.storeapi.SeriesMerger;
import io.jthanos.storeapi.SeriesStream;
import io.jthanos.storeapi.SeriesStreams;
import io.jthanos.storeapi.StoreApiException;
import io.jthanos.storeapi.StoreClient;
import io.jthanos.storeapi.StoreProtos;
import io.jthanos.storeapi.StoreSeries;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.LabelResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The StoreAPI fan-out (Thanos' proxy store): a request goes to every queryable endpoint whose time
 * range overlaps it, whose external label sets can match its matchers and which passes the
 * request's {@code storeMatch[]} selectors; the answers are merged by labels with identical chunks
 * dropped. A failing endpoint becomes a warning under the warn strategy and fails the request under
 * abort. {@code without_replica_labels} is sent to endpoints that support it; for the others the
 * labels are stripped here and their answer re-sorted.
 */
public final class ProxyStore {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyStore.class);

  private final Function<Void, List<Endpoint>> endpoints;
  private final Duration responseTimeout;
  private final ScheduledExecutorService timer;
  private volatile long seriesLimit;
  private volatile long chunksLimit;

  /**
   * @param responseTimeout per-store idle timeout while streaming ({@code
   *     --store.response-timeout}); zero disables it
   */
  public ProxyStore(EndpointSet set, Duration responseTimeout) {
    this(v -> set.queryable(), responseTimeout);
  }

  ProxyStore(Function<Void, List<Endpoint>> endpoints, Duration responseTimeout) {
    this.endpoints = endpoints;
    this.responseTimeout = responseTimeout == null ? Duration.ZERO : responseTimeout;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("store-response-timeout").factory());
  }

  /**
   * Limits per Series request ({@code --store.limits.request-series}, {@code
   * --store.limits.request-samples} counted as chunks of at most 120 samples); 0 = none.
   */
  public ProxyStore limits(long series, long samples) {
    this.seriesLimit = series;
    this.chunksLimit = samples <= 0 ? 0 : Math.max(1, samples / 120);
    return this;
  }

  /** A proxy over a fixed list of endpoints (for components and tests embedding the fan-out). */
  public static ProxyStore over(List<Endpoint> fixed, Duration responseTimeout) {
    return new ProxyStore(v -> fixed, responseTimeout);
  }

  /** The endpoints serving StoreAPI that this request would reach. */
  public List<Endpoint> matching(
      long mint, long maxt, List<Matcher> matchers, StoreRequestContext ctx) {
    List<Endpoint> out = new ArrayList<>();
    for (Endpoint e : endpoints.apply(null)) {
      if (!e.hasStoreApi()) {
        continue;
      }
      if (e.maxTime() < mint || e.minTime() > maxt) {
        continue;
      }
      if (!labelSetsMatch(matchers, e.labelSets())) {
        continue;
      }
      if (!storeMatches(ctx.storeMatchers(), e.address())) {
        continue;
      }
      out.add(e);
    }
    return out;
  }

  /** Whether some label set can match: matchers on labels it has must match their values. */
  static boolean labelSetsMatch(List<Matcher> matchers, List<Labels> sets) {
    if (sets.isEmpty()) {
      return true;
    }
    for (Labels ls : sets) {
      boolean ok = true;
      for (Matcher m : matchers) {
        if (!ls.has(m.name())) {
          continue;
        }
        if (!m.matches(ls.get(m.name()))) {
          ok = false;
          break;
        }
      }
      if (ok) {
        return true;
      }
    }
    return false;
  }

  static boolean storeMatches(List<List<Matcher>> storeMatchers, String address) {
    if (storeMatchers.isEmpty()) {
      return true;
    }
    Labels l = Labels.of("__address__", address);
    for (List<Matcher> ms : storeMatchers) {
      boolean all = true;
      for (Matcher m : ms) {
        if (!m.matches(l.get(m.name()))) {
          all = false;
          break;
        }
      }
      if (all) {
        return true;
      }
    }
    return false;
  }

  /** Starts the fan-out of a Series request; the merged stream owns the calls. */
  public SeriesStream series(SeriesRequest req, StoreRequestContext ctx) {
    boolean warn = req.getPartialResponseStrategy() == PartialResponseStrategy.WARN;
    List<Matcher> matchers = StoreProtos.matchers(req.getMatchersList());
    List<Endpoint> targets = matching(req.getMinTime(), req.getMaxTime(), matchers, ctx);
    if (targets.isEmpty()) {
      if (!warn && !hasAnyStore()) {
        throw new StoreApiException(Status.Code.UNAVAILABLE, "No StoreAPIs available");
      }
      LOG.atDebug().log("no storeapis matched for this query");
      return SeriesStreams.of(List.of(), List.of());
    }
    Set<String> without = new HashSet<>(req.getWithoutReplicaLabelsList());
    List<SeriesStream> streams = new ArrayList<>(targets.size());
    try {
      for (Endpoint e : targets) {
        SeriesRequest r = req;
        boolean strip = !without.isEmpty() && !e.supportsWithoutReplicaLabels();
        if (strip) {
          r = req.toBuilder().clearWithoutReplicaLabels().build();
        }
        SeriesStream s;
        try {
          s = client(e, ctx).series(r);
        } catch (RuntimeException ex) {
          s = failed(e, ex);
        }
        s = new Guarded(e.address(), s, warn, responseTimeout, timer);
        if (strip) {
          s = new LazyStrip(s, without);
        }
        streams.add(s);
      }
    } catch (RuntimeException ex) {
      for (SeriesStream s : streams) {
        s.close();
      }
      throw ex;
    }
    SeriesStream merged = SeriesMerger.merge(streams);
    return seriesLimit > 0 || chunksLimit > 0
        ? new Limited(merged, seriesLimit, chunksLimit)
        : merged;
  }

  /** Fails the request once it returned more series or chunks than allowed. */
  static final class Limited implements SeriesStream {
    private final SeriesStream in;
    private final long maxSeries;
    private final long maxChunks;
    private long series;
    private long chunks;

    Limited(SeriesStream in, long maxSeries, long maxChunks) {
      this.in = in;
      this.maxSeries = maxSeries;
      this.maxChunks = maxChunks;
    }

    @Override
    public boolean next() {
      if (!in.next()) {
        return false;
      }
      series++;
      chunks += in.at().chunks().size();
      if (maxSeries > 0 && series > maxSeries) {
        throw new StoreApiException(
            Status.Code.RESOURCE_EXHAUSTED,
            "exceeded series limit: limit " + maxSeries + " violated (got " + series + ")");
      }
      if (maxChunks > 0 && chunks > maxChunks) {
        throw new StoreApiException(
            Status.Code.RESOURCE_EXHAUSTED,
            "exceeded samples limit: limit "
                + maxChunks * 120
                + " violated (got at least "
                + chunks * 120
                + " samples in "
                + chunks
                + " chunks)");
      }
      return true;
    }

    @Override
    public StoreSeries at() {
      return in.at();
    }

    @Override
    public List<String> warnings() {
      return in.warnings();
    }

    @Override
    public List<Any> hints() {
      return in.hints();
    }

    @Override
    public void close() {
      in.close();
    }
  }

  private boolean hasAnyStore() {
    for (Endpoint e : endpoints.apply(null)) {
      if (e.hasStoreApi()) {
        return true;
      }
    }
    return false;
  }

  static StoreClient client(Endpoint e, StoreRequestContext ctx) {
    StoreClient c = e.client();
    if (!ctx.tenant().isEmpty()) {
      c = c.withTenant(ctx.tenant());
    }
    if (ctx.deadline() != null) {
      c = c.withDeadline(ctx.deadline());
    }
    return c;
  }

  private static SeriesStream failed(Endpoint e, RuntimeException ex) {
    return new SeriesStream() {
      @Override
      public boolean next() {
        throw ex;
      }

      @Override
      public StoreSeries at() {
        throw new IllegalStateException();
      }

      @Override
      public List<String> warnings() {
        return List.of();
      }

      @Override
      public List<Any> hints() {
        return List.of();
      }

      @Override
      public void close() {}
    };
  }

  /** LabelNames over every matching endpoint: sorted union; failures per strategy. */
  public LabelResult labelNames(LabelNamesRequest req, StoreRequestContext ctx) {
    boolean warn = req.getPartialResponseStrategy() == PartialResponseStrategy.WARN;
    List<Matcher> matchers = StoreProtos.matchers(req.getMatchersList());
    return gather(
        matching(req.getStart(), req.getEnd(), matchers, ctx),
        warn,
        "receive label names from ",
        e -> client(e, ctx).labelNames(req));
  }

  /** LabelValues over every matching endpoint: sorted union; failures per strategy. */
  public LabelResult labelValues(LabelValuesRequest req, StoreRequestContext ctx) {
    boolean warn = req.getPartialResponseStrategy() == PartialResponseStrategy.WARN;
    List<Matcher> matchers = StoreProtos.matchers(req.getMatchersList());
    return gather(
        matching(req.getStart(), req.getEnd(), matchers, ctx),
        warn,
        "receive label values from ",
        e -> client(e, ctx).labelValues(req));
  }

  private LabelResult gather(
      List<Endpoint> targets, boolean warn, String what, Function<Endpoint, LabelResult> call) {
    List<Thread> threads = new ArrayList<>();
    LabelResult[] results = new LabelResult[targets.size()];
    RuntimeException[] errors = new RuntimeException[targets.size()];
    for (int i = 0; i < targets.size(); i++) {
      int idx = i;
      Endpoint e = targets.get(i);
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      results[idx] = call.apply(e);
                    } catch (RuntimeException ex) {
                      errors[idx] = ex;
                    }
                  }));
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new StoreApiException(Status.Code.CANCELLED, "interrupted", ie);
      }
    }
    TreeSet<String> values = new TreeSet<>();
    List<String> warnings = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      if (errors[i] != null) {
        String msg = what + targets.get(i).address() + ": " + message(errors[i]);
        if (!warn) {
          throw new StoreApiException(code(errors[i]), msg, errors[i]);
        }
        warnings.add(msg);
        continue;
      }
      values.addAll(results[i].values());
      warnings.addAll(results[i].warnings());
    }
    return new LabelResult(new ArrayList<>(values), warnings);
  }

  static String message(Throwable t) {
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  static Status.Code code(Throwable t) {
    return t instanceof StoreApiException s ? s.code() : Status.Code.UNKNOWN;
  }

  /**
   * One endpoint's stream under the request's strategy: with warn, a failure ends the stream with a
   * warning; with abort it fails the merged stream naming the endpoint. With a response timeout, a
   * stream that delivers nothing for that long is cancelled.
   */
  static final class Guarded implements SeriesStream {
    private final String address;
    private final SeriesStream in;
    private final boolean warn;
    private final Duration timeout;
    private final ScheduledExecutorService timer;
    private final List<String> extra = new ArrayList<>();
    private volatile boolean timedOut;
    private boolean done;

    Guarded(
        String address,
        SeriesStream in,
        boolean warn,
        Duration timeout,
        ScheduledExecutorService timer) {
      this.address = address;
      this.in = in;
      this.warn = warn;
      this.timeout = timeout;
      this.timer = timer;
    }

    @Override
    public boolean next() {
      if (done) {
        return false;
      }
      ScheduledFuture<?> watchdog = null;
      if (!timeout.isZero()) {
        watchdog =
            timer.schedule(
                () -> {
                  timedOut = true;
                  in.close();
                },
                timeout.toMillis(),
                TimeUnit.MILLISECONDS);
      }
      try {
        boolean ok = in.next();
        if (!ok) {
          done = true;
        }
        return ok;
      } catch (RuntimeException e) {
        done = true;
        String msg =
            timedOut
                ? "receive series from "
                    + address
                    + ": failed to receive any data in "
                    + timeout.toMillis()
                    + "ms from "
                    + address
                : "receive series from " + address + ": " + message(e);
        if (warn) {
          extra.add(msg);
          return false;
        }
        throw new StoreApiException(timedOut ? Status.Code.DEADLINE_EXCEEDED : code(e), msg, e);
      } finally {
        if (watchdog != null) {
          watchdog.cancel(false);
        }
      }
    }

    @Override
    public StoreSeries at() {
      return in.at();
    }

    @Override
    public List<String> warnings() {
      if (extra.isEmpty()) {
        return in.warnings();
      }
      List<String> all = new ArrayList<>(in.warnings());
      all.addAll(extra);
      return all;
    }

    @Override
    public List<Any> hints() {
      return in.hints();
    }

    @Override
    public void close() {
      in.close();
    }
  }

  /** Strips replica labels and re-sorts, on first use (buffers that endpoint's answer). */
  static final class LazyStrip implements SeriesStream {
    private final SeriesStream in;
    private final Set<String> labels;
    private SeriesStream out;

    LazyStrip(SeriesStream in, Set<String> labels) {
      this.in = in;
      this.labels = labels;
    }

    private SeriesStream out() {
      if (out == null) {
        out = SeriesStreams.withoutLabels(in, labels);
      }
      return out;
    }

    @Override
    public boolean next() {
      return out().next();
    }

    @Override
    public StoreSeries at() {
      return out().at();
    }

    @Override
    public List<String> warnings() {
      return out == null ? in.warnings() : out.warnings();
    }

    @Override
    public List<Any> hints() {
      return out == null ? in.hints() : out.hints();
    }

    @Override
    public void close() {
      in.close();
    }
  }
}
