package io.jthanos.storeapi;

import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.jthanos.proto.hints.Block;
import io.jthanos.proto.hints.LabelNamesRequestHints;
import io.jthanos.proto.hints.LabelNamesResponseHints;
import io.jthanos.proto.hints.LabelValuesRequestHints;
import io.jthanos.proto.hints.LabelValuesResponseHints;
import io.jthanos.proto.hints.SeriesRequestHints;
import io.jthanos.proto.hints.SeriesResponseHints;
import io.jthanos.proto.info.StoreInfo;
import io.jthanos.proto.info.TSDBInfo;
import io.jthanos.proto.store.Aggr;
import io.jthanos.proto.store.LabelNamesRequest;
import io.jthanos.proto.store.LabelNamesResponse;
import io.jthanos.proto.store.LabelValuesRequest;
import io.jthanos.proto.store.LabelValuesResponse;
import io.jthanos.proto.store.SeriesRequest;
import io.jthanos.proto.store.SeriesResponse;
import io.jthanos.proto.store.StoreGrpc;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.ChunkMeta;
import io.jthanos.tsdb.storage.ChunkQuerier;
import io.jthanos.tsdb.storage.ChunkQueryable;
import io.jthanos.tsdb.storage.ChunkSeries;
import io.jthanos.tsdb.storage.ChunkSeriesSet;
import io.jthanos.tsdb.storage.LabelHints;
import io.jthanos.tsdb.storage.LabelResult;
import io.jthanos.tsdb.storage.SelectHints;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves any {@link ChunkQueryable} as Thanos' {@code thanos.Store} gRPC service (spec 1.2, 1.8).
 *
 * <p>Series: external-label matchers are decided locally (cannot match: empty stream; satisfied:
 * dropped; nothing left: {@code INVALID_ARGUMENT}); series leave sorted by their full label set
 * with the external labels merged in (external wins); {@code without_replica_labels} is honoured
 * (advertised in {@link #storeInfo()}); {@code shard_info} filters by label hash; {@code
 * skip_chunks} sends labels only; chunks overlapping the time range pass through as stored (no
 * re-encoding, no copy until the transport buffer), aggregate (0xFF) chunks are split into the
 * requested aggregates; frames stay under ~1 MiB of chunk data per series part and are grouped in
 * {@code SeriesBatch} frames when {@code response_batch_size > 1}; storage warnings become warning
 * frames; limits answer {@code RESOURCE_EXHAUSTED}; client cancellation and deadlines stop the
 * work. Sending honours gRPC flow control: a slow client slows the producer instead of buffering.
 *
 * <p>Each Series call runs on its own thread from the {@link Builder#executor} (virtual threads by
 * default) so that waiting for flow control never blocks gRPC's threads. LabelNames and LabelValues
 * run on the calling gRPC thread.
 */
public final class StoreServer implements BindableService, StoreGrpc.AsyncService {
  private static final Logger log = LoggerFactory.getLogger(StoreServer.class);

  /** Thanos' remote-read frame budget: a series' chunks are split into frames of about 1 MiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 1 << 20;

  private final ChunkQueryable source;
  private final Supplier<Labels> externalLabels;
  private final LongSupplier minTime;
  private final LongSupplier maxTime;
  private final StoreLimits limits;
  private final boolean chunkHashes;
  private final int maxFrameBytes;
  private final int maxPendingRequests;
  private final Executor executor;
  private final AtomicInteger pending = new AtomicInteger();
  private final Counter droppedSeries;
  private final Counter droppedChunks;
  private final Counter droppedBytes;
  private final Counter droppedPending;

  private StoreServer(Builder b) {
    this.source = b.source;
    this.externalLabels = b.externalLabels;
    this.minTime = b.minTime;
    this.maxTime = b.maxTime;
    this.limits = b.limits;
    this.chunkHashes = b.chunkHashes;
    this.maxFrameBytes = b.maxFrameBytes;
    this.maxPendingRequests = b.maxPendingRequests;
    this.executor = b.executor != null ? b.executor : StoreServer::startVirtual;
    MeterRegistry reg = b.registry;
    this.droppedSeries = dropped(reg, "series");
    this.droppedChunks = dropped(reg, "chunks");
    this.droppedBytes = dropped(reg, "bytes");
    this.droppedPending =
        reg == null
            ? null
            : Counter.builder("thanos_store_server_hit_max_pending_series_requests")
                .description(
                    "Number of pending series requests that hit the max pending request limit")
                .register(reg);
    if (reg != null) {
      io.micrometer.core.instrument.Gauge.builder(
              "thanos_store_server_pending_series_requests", pending, AtomicInteger::get)
          .description("Number of pending series requests")
          .register(reg);
    }
  }

  private static Counter dropped(MeterRegistry reg, String reason) {
    if (reg == null) {
      return null;
    }
    return Counter.builder("thanos_store_selects_dropped")
        .description("Number of select queries that were dropped due to configured limits.")
        .tag("reason", reason)
        .register(reg);
  }

  private static void startVirtual(Runnable r) {
    Thread.ofVirtual().name("storeapi-series").start(r);
  }

  public static Builder builder(ChunkQueryable source) {
    return new Builder(source);
  }

  /** The external labels now (they may change, e.g. when Prometheus' config is reloaded). */
  public Labels externalLabels() {
    return externalLabels.get();
  }

  public long minTime() {
    return minTime.getAsLong();
  }

  public long maxTime() {
    return maxTime.getAsLong();
  }

  /** Info label sets: the external label set, or none when it is empty (as Thanos' TSDB store). */
  public List<Labels> labelSets() {
    Labels ext = externalLabels.get();
    return ext.isEmpty() ? List.of() : List.of(ext);
  }

  /**
   * {@code StoreInfo} for the Info service: time range, sharding and without_replica_labels
   * support, one TSDB info per label set.
   */
  public StoreInfo storeInfo() {
    long min = minTime();
    long max = maxTime();
    StoreInfo.Builder b =
        StoreInfo.newBuilder()
            .setMinTime(min)
            .setMaxTime(max)
            .setSupportsSharding(true)
            .setSupportsWithoutReplicaLabels(true);
    for (Labels ls : labelSets()) {
      b.addTsdbInfos(
          TSDBInfo.newBuilder()
              .setLabels(StoreProtos.toLabelSet(ls))
              .setMinTime(min)
              .setMaxTime(max)
              .build());
    }
    return b.build();
  }

  // --- Series --------------------------------------------------------------------------------

  /**
   * The Series call for callers holding a plain {@code SeriesResponse} observer. The gRPC service
   * bound by {@link #bindService()} does not go through here: it sends hand-encoded frames.
   */
  @Override
  public void series(SeriesRequest req, StreamObserver<SeriesResponse> responseObserver) {
    seriesCall(req, new DecodingObserver(responseObserver));
  }

  /**
   * The {@code thanos.Store} service with Series answered by hand-encoded frames ({@link
   * SeriesFrame}): chunk bytes go from the storage buffers into the transport without protobuf
   * message objects. LabelNames and LabelValues are the generated handlers.
   */
  @Override
  public ServerServiceDefinition bindService() {
    ServerServiceDefinition generated = StoreGrpc.bindService(this);
    MethodDescriptor<SeriesRequest, Object> seriesMethod =
        MethodDescriptor.<SeriesRequest, Object>newBuilder()
            .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
            .setFullMethodName(StoreGrpc.getSeriesMethod().getFullMethodName())
            .setSampledToLocalTracing(true)
            .setRequestMarshaller(ProtoUtils.marshaller(SeriesRequest.getDefaultInstance()))
            .setResponseMarshaller(new FrameMarshaller())
            .setSchemaDescriptor(StoreGrpc.getSeriesMethod().getSchemaDescriptor())
            .build();
    ServiceDescriptor sd =
        ServiceDescriptor.newBuilder(StoreGrpc.SERVICE_NAME)
            .setSchemaDescriptor(StoreGrpc.getServiceDescriptor().getSchemaDescriptor())
            .addMethod(seriesMethod)
            .addMethod(StoreGrpc.getLabelNamesMethod())
            .addMethod(StoreGrpc.getLabelValuesMethod())
            .build();
    return ServerServiceDefinition.builder(sd)
        .addMethod(
            seriesMethod,
            ServerCalls.asyncServerStreamingCall(
                (req, obs) -> seriesCall(req, (ServerCallStreamObserver<Object>) obs)))
        .addMethod(generated.getMethod(StoreGrpc.getLabelNamesMethod().getFullMethodName()))
        .addMethod(generated.getMethod(StoreGrpc.getLabelValuesMethod().getFullMethodName()))
        .build();
  }

  /** Series frames are {@link SeriesFrame}s; warnings and hints are {@code SeriesResponse}s. */
  private static final class FrameMarshaller implements MethodDescriptor.Marshaller<Object> {
    private final MethodDescriptor.Marshaller<SeriesResponse> proto =
        ProtoUtils.marshaller(SeriesResponse.getDefaultInstance());

    @Override
    public InputStream stream(Object value) {
      return value instanceof SeriesFrame f ? f : proto.stream((SeriesResponse) value);
    }

    @Override
    public Object parse(InputStream stream) {
      return proto.parse(stream);
    }
  }

  private void seriesCall(SeriesRequest req, ServerCallStreamObserver<Object> obs) {
    Flow flow = new Flow(obs);
    int now = pending.incrementAndGet();
    if (maxPendingRequests > 0) {
      if (now > maxPendingRequests) {
        pending.decrementAndGet();
        inc(droppedPending);
        obs.onError(
            Status.RESOURCE_EXHAUSTED
                .withDescription(
                    "too many pending series requests: " + (now - 1) + " >= " + maxPendingRequests)
                .asRuntimeException());
        return;
      }
    }
    Plan plan;
    try {
      plan = plan(req);
    } catch (StatusRuntimeException e) {
      release();
      obs.onError(e);
      return;
    } catch (StoreApiException e) {
      release();
      obs.onError(e.toStatus());
      return;
    }
    if (plan == null) {
      release();
      obs.onCompleted();
      return;
    }
    Runnable work =
        Context.current()
            .wrap(
                () -> {
                  try {
                    produce(plan, obs, flow);
                  } catch (Throwable t) {
                    log.atError().setCause(t).log("series request failed");
                    fail(
                        obs,
                        Status.INTERNAL
                            .withDescription("series: " + t)
                            .withCause(t)
                            .asRuntimeException());
                  } finally {
                    release();
                  }
                });
    try {
      executor.execute(work);
    } catch (RuntimeException e) {
      release();
      obs.onError(Status.UNAVAILABLE.withDescription("series executor: " + e).asRuntimeException());
    }
  }

  private void release() {
    pending.decrementAndGet();
  }

  /** Everything decided before touching storage; null = empty answer. */
  private record Plan(
      SeriesRequest req,
      long mint,
      long maxt,
      List<Matcher> matchers,
      Labels external,
      Set<String> removed,
      ShardMatcher shard,
      RequestHints hints,
      SelectHints selectHints) {}

  private Plan plan(SeriesRequest req) {
    List<Matcher> matchers;
    try {
      matchers = StoreProtos.matchers(req.getMatchersList());
    } catch (IllegalArgumentException e) {
      throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
    }
    Labels ext = externalLabels.get();
    ExternalLabels.Resolution r = ExternalLabels.resolve(matchers, ext);
    if (!r.matches()) {
      return null;
    }
    if (r.remaining().isEmpty()) {
      throw Status.INVALID_ARGUMENT
          .withDescription("no matchers specified (excluding external labels)")
          .asRuntimeException();
    }
    RequestHints hints = null;
    if (source instanceof HintsAwareQueryable) {
      List<Matcher> blockMatchers = List.of();
      boolean stats = false;
      if (req.hasHints()) {
        SeriesRequestHints h =
            StoreProtos.unpack(req.getHints(), SeriesRequestHints.class, "series request hints");
        blockMatchers = blockMatchers(h.getBlockMatchersList());
        stats = h.getEnableQueryStats();
      }
      hints = new RequestHints(blockMatchers, stats, Tenancy.current(), req);
    }
    long mint = Math.max(req.getMinTime(), minTime());
    long maxt = Math.min(req.getMaxTime(), maxTime());
    if (mint > maxt) {
      return null;
    }
    Set<String> removed = Set.copyOf(req.getWithoutReplicaLabelsList());
    Labels finalExt = removed.isEmpty() ? ext : ext.without(removed);
    return new Plan(
        req,
        mint,
        maxt,
        r.remaining(),
        finalExt,
        removed,
        ShardMatcher.of(req.hasShardInfo() ? req.getShardInfo() : null),
        hints,
        selectHints(req, mint, maxt));
  }

  private static List<Matcher> blockMatchers(List<io.jthanos.proto.store.LabelMatcher> proto) {
    try {
      return StoreProtos.matchers(proto);
    } catch (IllegalArgumentException e) {
      throw Status.INVALID_ARGUMENT
          .withDescription("block matchers: " + e.getMessage())
          .asRuntimeException();
    }
  }

  private static SelectHints selectHints(SeriesRequest req, long mint, long maxt) {
    String func = "";
    long step = req.getStep();
    long range = req.getRange();
    List<String> grouping = List.of();
    boolean by = false;
    if (req.hasQueryHints()) {
      var qh = req.getQueryHints();
      if (qh.hasFunc()) {
        func = qh.getFunc().getName();
      }
      if (qh.getStepMillis() != 0) {
        step = qh.getStepMillis();
      }
      if (qh.hasRange()) {
        range = qh.getRange().getMillis();
      }
      if (qh.hasGrouping()) {
        by = qh.getGrouping().getBy();
        grouping = qh.getGrouping().getLabelsList();
      }
    }
    if (req.getSkipChunks()) {
      func = "series";
    }
    return new SelectHints(mint, maxt, step, func, range, grouping, by, req.getLimit(), 0, 0, true);
  }

  private ChunkQuerier open(long mint, long maxt, RequestHints hints) {
    if (hints != null) {
      return ((HintsAwareQueryable) source).chunkQuerier(mint, maxt, hints);
    }
    return source.chunkQuerier(mint, maxt);
  }

  private void produce(Plan plan, ServerCallStreamObserver<Object> obs, Flow flow) {
    Writer w = new Writer(plan, obs, flow);
    try (ChunkQuerier q = open(plan.mint(), plan.maxt(), plan.hints())) {
      SeriesOrdering.Mode mode = SeriesOrdering.Mode.DIRECT;
      if (!plan.external().isEmpty() || !plan.removed().isEmpty()) {
        LabelResult names = q.labelNames(LabelHints.NONE, List.of());
        mode = SeriesOrdering.mode(names.values(), plan.external(), plan.removed());
      }
      SeriesOrdering<List<ChunkMeta>> ordering =
          switch (mode) {
            case DIRECT -> SeriesOrdering.direct(w::send);
            case STACKED ->
                SeriesOrdering.stacked(plan.external().name(plan.external().size() - 1), w::send);
            case RESORT -> SeriesOrdering.resorting(w::send);
          };
      if (mode == SeriesOrdering.Mode.RESORT) {
        log.atDebug()
            .addKeyValue("without_replica_labels", plan.removed())
            .log("storage holds external or replica label names, resorting series");
      }
      List<String> warnings;
      try (ChunkSeriesSet set = q.select(true, plan.selectHints(), plan.matchers())) {
        while (!w.done() && set.next()) {
          flow.checkCancelled();
          ChunkSeries cs = set.at();
          Labels out = ExternalLabels.merge(cs.labels(), plan.external(), plan.removed());
          if (!plan.shard().matches(out)) {
            continue;
          }
          List<ChunkMeta> chunks = w.prepare(out, cs);
          if (chunks == null) {
            continue;
          }
          ordering.accept(new SeriesOrdering.Item<>(cs.labels(), out, chunks));
        }
        ordering.finish();
        warnings = set.warnings();
      }
      w.flushBatch();
      for (String warning : warnings) {
        w.emit(SeriesResponse.newBuilder().setWarning(warning).build());
      }
      if (plan.hints() != null) {
        w.emit(SeriesResponse.newBuilder().setHints(StoreProtos.pack(responseHints(plan))).build());
      }
      obs.onCompleted();
    } catch (Cancelled e) {
      log.atDebug().log("series request cancelled by the client");
    } catch (StoreLimitException e) {
      inc(
          switch (e.reason()) {
            case "series" -> droppedSeries;
            case "chunks" -> droppedChunks;
            default -> droppedBytes;
          });
      fail(obs, e.toStatus());
    } catch (StoreApiException e) {
      fail(obs, e.toStatus());
    } catch (StatusRuntimeException e) {
      fail(obs, e);
    } catch (RuntimeException e) {
      if (Context.current().isCancelled() || obs.isCancelled()) {
        log.atDebug().setCause(e).log("series request failed after cancellation");
        return;
      }
      log.atWarn().setCause(e).log("series request failed");
      fail(
          obs,
          Status.INTERNAL.withDescription(String.valueOf(e.getMessage())).asRuntimeException());
    }
  }

  private static void fail(ServerCallStreamObserver<Object> obs, StatusRuntimeException e) {
    try {
      obs.onError(e);
    } catch (RuntimeException ignored) {
      // The call is already closed (cancelled); nothing to tell.
    }
  }

  private static SeriesResponseHints responseHints(Plan plan) {
    SeriesResponseHints.Builder b = SeriesResponseHints.newBuilder();
    for (String id : plan.hints().queriedBlocks()) {
      b.addQueriedBlocks(Block.newBuilder().setId(id));
    }
    if (plan.hints().enableQueryStats() && plan.hints().queryStats() != null) {
      b.setQueryStats(plan.hints().queryStats());
    }
    return b.build();
  }

  private static void inc(Counter c) {
    if (c != null) {
      c.increment();
    }
  }

  /** Thrown inside the producer when the client went away. */
  private static final class Cancelled extends RuntimeException {
    Cancelled() {
      super("cancelled", null, false, false);
    }
  }

  /** Waits for transport readiness (gRPC flow control) and notices cancellation. */
  private static final class Flow {
    private final ServerCallStreamObserver<?> obs;
    private final Context ctx = Context.current();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile boolean cancelled;

    Flow(ServerCallStreamObserver<?> obs) {
      this.obs = obs;
      obs.setOnReadyHandler(this::signal);
      obs.setOnCancelHandler(
          () -> {
            cancelled = true;
            signal();
          });
    }

    private void signal() {
      lock.lock();
      try {
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    void checkCancelled() {
      if (cancelled || ctx.isCancelled()) {
        throw new Cancelled();
      }
    }

    void awaitReady() {
      checkCancelled();
      if (obs.isReady()) {
        return;
      }
      lock.lock();
      try {
        while (!obs.isReady()) {
          checkCancelled();
          // The timeout only guards against a missed signal; readiness is signalled by gRPC.
          changed.await(100, TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Cancelled();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Limits, frame building, batching and sending for one Series call. */
  private final class Writer {
    private final Plan plan;
    private final ServerCallStreamObserver<Object> obs;
    private final Flow flow;
    private final boolean skipChunks;
    private final int batchSize;
    private final long seriesLimit;
    private final List<Aggr> aggregates;
    private final List<SeriesFrame.FrameSeries> batch = new ArrayList<>();
    private long series;
    private long chunks;
    private long bytes;
    private long sent;

    Writer(Plan plan, ServerCallStreamObserver<Object> obs, Flow flow) {
      this.plan = plan;
      this.obs = obs;
      this.flow = flow;
      this.skipChunks = plan.req().getSkipChunks();
      this.batchSize = (int) Math.min(Integer.MAX_VALUE, plan.req().getResponseBatchSize());
      this.seriesLimit = plan.req().getLimit();
      this.aggregates = plan.req().getAggregatesList();
    }

    /** The request's own series limit is reached: stop reading. */
    boolean done() {
      return seriesLimit > 0 && sent >= seriesLimit;
    }

    /**
     * Reads a series' chunk metas overlapping the time range and charges the limits; null when the
     * series has no data in range (it is not sent).
     */
    List<ChunkMeta> prepare(Labels out, ChunkSeries cs) {
      boolean countBytes = limits.bytes() > 0;
      List<ChunkMeta> kept;
      long dataBytes = 0;
      if (skipChunks) {
        kept = List.of();
      } else {
        kept = new ArrayList<>();
        Iterator<ChunkMeta> it = cs.chunks();
        while (it.hasNext()) {
          ChunkMeta m = it.next();
          if (m.maxTime() < plan.mint() || m.minTime() > plan.maxt()) {
            continue;
          }
          kept.add(m);
          if (countBytes) {
            dataBytes += m.chunk().data().remaining();
          }
        }
        if (kept.isEmpty()) {
          return null;
        }
      }
      series++;
      if (limits.series() > 0 && series > limits.series()) {
        throw StoreLimitException.exceeded("series", limits.series(), series);
      }
      chunks += kept.size();
      long chunkLimit = limits.chunks();
      if (chunkLimit > 0 && chunks > chunkLimit) {
        throw StoreLimitException.exceeded("chunks", chunkLimit, chunks);
      }
      if (countBytes) {
        bytes += dataBytes + labelBytes(out);
      }
      if (countBytes && bytes > limits.bytes()) {
        throw StoreLimitException.exceeded("bytes", limits.bytes(), bytes);
      }
      return kept;
    }

    void send(SeriesOrdering.Item<List<ChunkMeta>> item) {
      if (done()) {
        return;
      }
      flow.checkCancelled();
      byte[][] labels = SeriesFrame.labels(item.out());
      sent++;
      if (skipChunks) {
        add(new SeriesFrame.FrameSeries(labels, List.of()));
        return;
      }
      List<ChunkMeta> metas = item.payload();
      List<SeriesFrame.FrameChunk> frame = new ArrayList<>(metas.size());
      long frameBytes = 0;
      for (int i = 0; i < metas.size(); i++) {
        SeriesFrame.FrameChunk c = frameChunk(metas.get(i));
        frame.add(c);
        frameBytes += c.computeSize();
        if (frameBytes >= maxFrameBytes && i < metas.size() - 1) {
          add(new SeriesFrame.FrameSeries(labels, frame));
          frame = new ArrayList<>(metas.size() - i - 1);
          frameBytes = 0;
        }
      }
      add(new SeriesFrame.FrameSeries(labels, frame));
    }

    private SeriesFrame.FrameChunk frameChunk(ChunkMeta m) {
      SeriesFrame.FrameChunk c = new SeriesFrame.FrameChunk(m.minTime(), m.maxTime());
      ChunkEncoding enc = m.chunk().encoding();
      ByteBuffer data = m.chunk().data();
      if (enc != ChunkEncoding.AGGREGATE) {
        c.members[0] = part(enc, data);
        return c;
      }
      AggrChunks.SubChunk[] parts = AggrChunks.splitBuffers(data);
      for (Aggr a : aggregates) {
        int i = AggrChunks.index(a);
        if (i < 0) {
          continue;
        }
        AggrChunks.SubChunk p = parts[i];
        if (p == null) {
          throw new StoreApiException(
              Status.Code.INTERNAL, "aggregate " + a.name().toLowerCase() + " does not exist");
        }
        // AggrChunk members: raw=3, count=4, sum=5, min=6, max=7, counter=8 (payload order + 1).
        c.members[i + 1] = part(p.encoding(), p.data());
      }
      return c;
    }

    private SeriesFrame.Part part(ChunkEncoding enc, ByteBuffer data) {
      return new SeriesFrame.Part(
          StoreProtos.toProto(enc).getNumber(), data, chunkHashes ? Hashes.xxhash(data) : 0);
    }

    private void add(SeriesFrame.FrameSeries s) {
      if (batchSize <= 1) {
        emit(new SeriesFrame(SeriesFrame.list(s), false));
        return;
      }
      batch.add(s);
      if (batch.size() >= batchSize) {
        flushBatch();
      }
    }

    void flushBatch() {
      if (batch.isEmpty()) {
        return;
      }
      SeriesFrame f = new SeriesFrame(new ArrayList<>(batch), true);
      batch.clear();
      emit(f);
    }

    void emit(Object r) {
      if (r instanceof SeriesResponse) {
        flushBatch();
      }
      flow.awaitReady();
      obs.onNext(r);
    }

    private static long labelBytes(Labels l) {
      long n = 0;
      for (int i = 0; i < l.size(); i++) {
        n += l.name(i).length() + l.value(i).length();
      }
      return n;
    }
  }

  // --- LabelNames / LabelValues --------------------------------------------------------------

  @Override
  public void labelNames(LabelNamesRequest req, StreamObserver<LabelNamesResponse> out) {
    try {
      out.onNext(labelNames(req));
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      out.onError(e);
    } catch (StoreApiException e) {
      out.onError(e.toStatus());
    } catch (RuntimeException e) {
      log.atWarn().setCause(e).log("label names request failed");
      out.onError(
          Status.INTERNAL.withDescription(String.valueOf(e.getMessage())).asRuntimeException());
    }
  }

  private LabelNamesResponse labelNames(LabelNamesRequest req) {
    List<Matcher> matchers = parse(req.getMatchersList());
    Labels ext = externalLabels.get();
    ExternalLabels.Resolution r = ExternalLabels.resolve(matchers, ext);
    if (!r.matches()) {
      return LabelNamesResponse.getDefaultInstance();
    }
    RequestHints hints = null;
    if (source instanceof HintsAwareQueryable) {
      List<Matcher> bm = List.of();
      if (req.hasHints()) {
        bm =
            blockMatchers(
                StoreProtos.unpack(
                        req.getHints(), LabelNamesRequestHints.class, "label names request hints")
                    .getBlockMatchersList());
      }
      hints = new RequestHints(bm, false, Tenancy.current(), req);
    }
    long mint = Math.max(req.getStart(), minTime());
    long maxt = Math.min(req.getEnd(), maxTime());
    LabelNamesResponse.Builder resp = LabelNamesResponse.newBuilder();
    if (mint <= maxt) {
      LabelResult res;
      try (ChunkQuerier q = open(mint, maxt, hints)) {
        res = q.labelNames(new LabelHints(req.getLimit()), r.remaining());
      }
      Set<String> removed = Set.copyOf(req.getWithoutReplicaLabelsList());
      TreeSet<String> names = new TreeSet<>(Labels::compareStrings);
      for (String n : res.values()) {
        if (!removed.contains(n)) {
          names.add(n);
        }
      }
      if (!res.values().isEmpty()) {
        for (int i = 0; i < ext.size(); i++) {
          if (!removed.contains(ext.name(i))) {
            names.add(ext.name(i));
          }
        }
      }
      List<String> list = new ArrayList<>(names);
      if (req.getLimit() > 0 && list.size() > req.getLimit()) {
        list = list.subList(0, (int) req.getLimit());
      }
      resp.addAllNames(list).addAllWarnings(res.warnings());
    }
    if (hints != null) {
      LabelNamesResponseHints.Builder h = LabelNamesResponseHints.newBuilder();
      for (String id : hints.queriedBlocks()) {
        h.addQueriedBlocks(Block.newBuilder().setId(id));
      }
      resp.setHints(StoreProtos.pack(h.build()));
    }
    return resp.build();
  }

  @Override
  public void labelValues(LabelValuesRequest req, StreamObserver<LabelValuesResponse> out) {
    try {
      out.onNext(labelValues(req));
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      out.onError(e);
    } catch (StoreApiException e) {
      out.onError(e.toStatus());
    } catch (RuntimeException e) {
      log.atWarn().setCause(e).log("label values request failed");
      out.onError(
          Status.INTERNAL.withDescription(String.valueOf(e.getMessage())).asRuntimeException());
    }
  }

  private LabelValuesResponse labelValues(LabelValuesRequest req) {
    if (req.getLabel().isEmpty()) {
      throw Status.INVALID_ARGUMENT
          .withDescription("label name parameter cannot be empty")
          .asRuntimeException();
    }
    if (req.getWithoutReplicaLabelsList().contains(req.getLabel())) {
      return LabelValuesResponse.getDefaultInstance();
    }
    List<Matcher> matchers = parse(req.getMatchersList());
    Labels ext = externalLabels.get();
    ExternalLabels.Resolution r = ExternalLabels.resolve(matchers, ext);
    if (!r.matches()) {
      return LabelValuesResponse.getDefaultInstance();
    }
    String extValue = ext.get(req.getLabel());
    if (!extValue.isEmpty()) {
      return LabelValuesResponse.newBuilder().addValues(extValue).build();
    }
    RequestHints hints = null;
    if (source instanceof HintsAwareQueryable) {
      List<Matcher> bm = List.of();
      if (req.hasHints()) {
        bm =
            blockMatchers(
                StoreProtos.unpack(
                        req.getHints(), LabelValuesRequestHints.class, "label values request hints")
                    .getBlockMatchersList());
      }
      hints = new RequestHints(bm, false, Tenancy.current(), req);
    }
    long mint = Math.max(req.getStart(), minTime());
    long maxt = Math.min(req.getEnd(), maxTime());
    LabelValuesResponse.Builder resp = LabelValuesResponse.newBuilder();
    if (mint <= maxt) {
      LabelResult res;
      try (ChunkQuerier q = open(mint, maxt, hints)) {
        res = q.labelValues(req.getLabel(), new LabelHints(req.getLimit()), r.remaining());
      }
      List<String> values = res.values();
      if (req.getLimit() > 0 && values.size() > req.getLimit()) {
        values = values.subList(0, (int) req.getLimit());
      }
      resp.addAllValues(values).addAllWarnings(res.warnings());
    }
    if (hints != null) {
      LabelValuesResponseHints.Builder h = LabelValuesResponseHints.newBuilder();
      for (String id : hints.queriedBlocks()) {
        h.addQueriedBlocks(Block.newBuilder().setId(id));
      }
      resp.setHints(StoreProtos.pack(h.build()));
    }
    return resp.build();
  }

  private static List<Matcher> parse(List<io.jthanos.proto.store.LabelMatcher> proto) {
    try {
      return StoreProtos.matchers(proto);
    } catch (IllegalArgumentException e) {
      throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
    }
  }

  /**
   * Adapts a {@code SeriesResponse} observer to the frame-producing code: frames are decoded back
   * into messages (only for direct callers of {@link #series(SeriesRequest, StreamObserver)}).
   */
  private static final class DecodingObserver extends ServerCallStreamObserver<Object> {
    private final StreamObserver<SeriesResponse> out;
    private final ServerCallStreamObserver<SeriesResponse> call;

    DecodingObserver(StreamObserver<SeriesResponse> out) {
      this.out = out;
      this.call = out instanceof ServerCallStreamObserver<SeriesResponse> c ? c : null;
    }

    @Override
    public void onNext(Object value) {
      if (value instanceof SeriesFrame f) {
        try {
          out.onNext(SeriesResponse.parseFrom(f.toByteArray()));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          throw new IllegalStateException("re-decoding an encoded frame", e);
        }
      } else {
        out.onNext((SeriesResponse) value);
      }
    }

    @Override
    public void onError(Throwable t) {
      out.onError(t);
    }

    @Override
    public void onCompleted() {
      out.onCompleted();
    }

    @Override
    public boolean isCancelled() {
      return call != null && call.isCancelled();
    }

    @Override
    public void setOnCancelHandler(Runnable r) {
      if (call != null) {
        call.setOnCancelHandler(r);
      }
    }

    @Override
    public void setCompression(String compression) {
      if (call != null) {
        call.setCompression(compression);
      }
    }

    @Override
    public boolean isReady() {
      return call == null || call.isReady();
    }

    @Override
    public void setOnReadyHandler(Runnable r) {
      if (call != null) {
        call.setOnReadyHandler(r);
      }
    }

    @Override
    public void disableAutoInboundFlowControl() {
      if (call != null) {
        call.disableAutoInboundFlowControl();
      }
    }

    @Override
    public void request(int count) {
      if (call != null) {
        call.request(count);
      }
    }

    @Override
    public void setMessageCompression(boolean enable) {
      if (call != null) {
        call.setMessageCompression(enable);
      }
    }
  }

  // --- builder -------------------------------------------------------------------------------

  /** Configures a {@link StoreServer}. */
  public static final class Builder {
    private final ChunkQueryable source;
    private Supplier<Labels> externalLabels = Labels::empty;
    private LongSupplier minTime = () -> Long.MIN_VALUE;
    private LongSupplier maxTime = () -> Long.MAX_VALUE;
    private StoreLimits limits = StoreLimits.NONE;
    private boolean chunkHashes = true;
    private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
    private int maxPendingRequests;
    private Executor executor;
    private MeterRegistry registry;

    private Builder(ChunkQueryable source) {
      this.source = Objects.requireNonNull(source, "source");
    }

    public Builder externalLabels(Labels labels) {
      Objects.requireNonNull(labels, "labels");
      this.externalLabels = () -> labels;
      return this;
    }

    /** External labels read on every request (they may change at runtime). */
    public Builder externalLabels(Supplier<Labels> labels) {
      this.externalLabels = Objects.requireNonNull(labels, "labels");
      return this;
    }

    /**
     * The time range served, read on every request and reported by Info; requests are clamped to
     * it. Default: unbounded.
     */
    public Builder timeRange(LongSupplier minTime, LongSupplier maxTime) {
      this.minTime = Objects.requireNonNull(minTime, "minTime");
      this.maxTime = Objects.requireNonNull(maxTime, "maxTime");
      return this;
    }

    public Builder limits(StoreLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** Whether to send the xxhash64 of each chunk (default true, as Thanos' stores). */
    public Builder chunkHashes(boolean enabled) {
      this.chunkHashes = enabled;
      return this;
    }

    /** Chunk bytes per Series frame before a series continues in the next frame (1 MiB). */
    public Builder maxFrameBytes(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxFrameBytes must be positive");
      }
      this.maxFrameBytes = bytes;
      return this;
    }

    /**
     * Rejects Series calls with {@code RESOURCE_EXHAUSTED} while this many are running, as Thanos'
     * {@code --store.limits.pending-requests}; 0 = no limit.
     */
    public Builder maxPendingRequests(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("maxPendingRequests must not be negative");
      }
      this.maxPendingRequests = n;
      return this;
    }

    /** Runs each Series call's producer; default: a new virtual thread per call. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Registers {@code thanos_store_selects_dropped_total{reason}}, {@code
     * thanos_store_server_hit_max_pending_series_requests_total} and {@code
     * thanos_store_server_pending_series_requests}.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    public StoreServer build() {
      return new StoreServer(this);
    }
  }
}
