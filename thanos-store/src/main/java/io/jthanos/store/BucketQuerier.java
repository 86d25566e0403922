package io.jthanos.store;

import com.google.protobuf.Message;
import io.grpc.Status;
import io.jthanos.proto.store.LabelNamesRequest;
import io.jthanos.proto.store.LabelValuesRequest;
import io.jthanos.proto.store.PartialResponseStrategy;
import io.jthanos.proto.store.SeriesRequest;
import io.jthanos.storeapi.ExternalLabels;
import io.jthanos.storeapi.RequestHints;
import io.jthanos.storeapi.StoreApiException;
import io.jthanos.storeapi.StoreLimitException;
import io.jthanos.tsdb.index.IndexSeries;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.ChunkMeta;
import io.jthanos.tsdb.storage.ChunkQuerier;
import io.jthanos.tsdb.storage.ChunkSeries;
import io.jthanos.tsdb.storage.ChunkSeriesSet;
import io.jthanos.tsdb.storage.LabelHints;
import io.jthanos.tsdb.storage.LabelResult;
import io.jthanos.tsdb.storage.SelectHints;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One StoreAPI request over the bucket store. Series: for every block set whose external labels can
 * match, the matchers those labels decide are dropped, blocks are chosen by time and resolution,
 * and the per-block sorted streams are merged by label set (chunks of a series held by several
 * blocks are concatenated in time order, identical chunks once). LabelNames/LabelValues come from
 * the index-headers, or from the matching series when matchers are given. Series calls wait at the
 * {@code --store.grpc.series-max-concurrency} gate.
 */
final class BucketQuerier implements ChunkQuerier {
  private static final Logger log = LoggerFactory.getLogger(BucketQuerier.class);

  private final BucketStore store;
  private final long mint;
  private final long maxt;
  private final RequestHints hints;
  private final Message request;
  private final QueryContext ctx;
  private final List<BucketBlock> acquired = new ArrayList<>();
  private final List<AutoCloseable> open = new ArrayList<>();
  private boolean gated;

  BucketQuerier(BucketStore store, long mint, long maxt, RequestHints hints) {
    this.store = store;
    this.mint = mint;
    this.maxt = maxt;
    this.hints = hints;
    this.request = hints == null ? null : hints.request();
    this.ctx =
        new QueryContext(
            hints == null ? "" : hints.tenant(),
            new RequestLimiter(store.config().limits(), store.metrics()),
            new RequestStats(),
            store.chunkPool(),
            store.executor(),
            store.metrics(),
            new Canonicalizer(1 << 18));
  }

  private List<Matcher> blockMatchers() {
    return hints == null ? List.of() : hints.blockMatchers();
  }

  private Set<String> removed() {
    if (request instanceof SeriesRequest r) {
      return Set.copyOf(r.getWithoutReplicaLabelsList());
    }
    if (request instanceof LabelNamesRequest r) {
      return Set.copyOf(r.getWithoutReplicaLabelsList());
    }
    if (request instanceof LabelValuesRequest r) {
      return Set.copyOf(r.getWithoutReplicaLabelsList());
    }
    return Set.of();
  }

  private boolean partialResponse() {
    if (request instanceof SeriesRequest r) {
      return !r.getPartialResponseDisabled()
          && r.getPartialResponseStrategy() == PartialResponseStrategy.WARN;
    }
    return false;
  }

  private BucketBlock acquire(BucketBlock b) {
    if (!b.acquire()) {
      return null;
    }
    acquired.add(b);
    ctx.stats().blocksQueried.incrementAndGet();
    if (hints != null) {
      hints.addQueriedBlock(b.id.toString());
    }
    return b;
  }

  // --- Series -------------------------------------------------------------------------------

  @Override
  public ChunkSeriesSet select(boolean sortSeries, SelectHints sh, List<Matcher> matchers) {
    long start = System.nanoTime();
    SeriesRequest req = request instanceof SeriesRequest r ? r : null;
    boolean skipChunks = req != null ? req.getSkipChunks() : "series".equals(sh.func());
    long maxRes = req != null ? req.getMaxResolutionWindow() : 0;
    io.jthanos.proto.store.ShardInfo shard =
        req != null && req.hasShardInfo() ? req.getShardInfo() : null;
    int batch = Math.max(1, store.config().seriesBatchSize());
    SeriesPlan plan =
        new SeriesPlan(
            Math.max(mint, sh.start()),
            Math.min(maxt, sh.end()),
            skipChunks,
            removed(),
            shard,
            maxRes,
            partialResponse(),
            batch);
    enterGate();
    List<BlockSeriesSet> inputs = new ArrayList<>();
    try {
      for (BlockSet set : store.sets()) {
        ExternalLabels.Resolution r = ExternalLabels.resolve(matchers, set.labels);
        if (!r.matches()) {
          continue;
        }
        if (r.remaining().isEmpty()) {
          throw new StoreApiException(
              Status.Code.INVALID_ARGUMENT, "no matchers specified (excluding external labels)");
        }
        for (BucketBlock b : set.getFor(plan.mint(), plan.maxt(), maxRes, blockMatchers())) {
          if (acquire(b) == null) {
            continue;
          }
          BlockSeriesSet s = new BlockSeriesSet(new BlockQuery(b, ctx), r.remaining(), plan, ctx);
          inputs.add(s);
          open.add(s);
        }
      }
    } catch (RuntimeException e) {
      closeQuietly();
      throw e;
    }
    store.metrics().getAllDuration.record(Duration.ofNanos(System.nanoTime() - start));
    return new Merged(inputs);
  }

  private void enterGate() {
    if (store.seriesGate() == null || gated) {
      return;
    }
    long t = System.nanoTime();
    try {
      store.seriesGate().acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreApiException(Status.Code.CANCELLED, "series request interrupted at the gate");
    }
    gated = true;
    store.metrics().gateInFlight.incrementAndGet();
    store.metrics().gateDuration.record(Duration.ofNanos(System.nanoTime() - t));
  }

  /** Merges per-block streams by output labels. */
  private final class Merged implements ChunkSeriesSet {
    private final List<BlockSeriesSet> inputs;
    private SeriesMerge merge;
    private long series;

    Merged(List<BlockSeriesSet> inputs) {
      this.inputs = inputs;
    }

    @Override
    public boolean next() {
      if (merge == null) {
        merge = new SeriesMerge(inputs);
      }
      if (!merge.next()) {
        return false;
      }
      series++;
      return true;
    }

    @Override
    public ChunkSeries at() {
      return merge.at();
    }

    @Override
    public List<String> warnings() {
      List<String> w = new ArrayList<>();
      for (ChunkSeriesSet s : inputs) {
        w.addAll(s.warnings());
      }
      return w;
    }

    @Override
    public void close() {
      store.metrics().resultSeries.record(series);
      ctx.stats().mergedSeries.addAndGet(series);
      if (merge != null) {
        ctx.stats().mergedChunks.addAndGet(merge.mergedChunks());
      }
      store.metrics().observe(ctx.stats());
      closeQuietly();
    }
  }

  /** Drops chunks identical to the previous one (same time range and bytes). */
  static void dedup(List<ChunkMeta> chunks) {
    int w = 0;
    for (int i = 0; i < chunks.size(); i++) {
      ChunkMeta c = chunks.get(i);
      if (w > 0) {
        ChunkMeta p = chunks.get(w - 1);
        if (p.minTime() == c.minTime()
            && p.maxTime() == c.maxTime()
            && p.chunk().encoding() == c.chunk().encoding()
            && p.chunk().data().equals(c.chunk().data())) {
          continue;
        }
      }
      chunks.set(w++, c);
    }
    chunks.subList(w, chunks.size()).clear();
  }

  // --- LabelNames / LabelValues ----------------------------------------------------------------

  @Override
  public LabelResult labelNames(LabelHints lh, List<Matcher> matchers) {
    Set<String> removed = removed();
    TreeSet<String> names = new TreeSet<>(Labels::compareStrings);
    List<String> warnings = new ArrayList<>();
    for (BlockSet set : store.sets()) {
      ExternalLabels.Resolution r = ExternalLabels.resolve(matchers, set.labels);
      if (!r.matches()) {
        continue;
      }
      for (BucketBlock b : set.overlapping(mint, maxt, blockMatchers())) {
        if (acquire(b) == null) {
          continue;
        }
        try (BlockQuery q = new BlockQuery(b, ctx)) {
          boolean any;
          if (r.remaining().isEmpty()) {
            List<String> ns = q.labelNames();
            any = !ns.isEmpty();
            names.addAll(ns);
          } else {
            any = false;
            for (IndexSeries s : matchingSeries(q, r.remaining())) {
              any = true;
              for (int i = 0; i < s.labels().size(); i++) {
                names.add(s.labels().name(i));
              }
            }
          }
          if (any) {
            for (int i = 0; i < set.labels.size(); i++) {
              names.add(set.labels.name(i));
            }
          }
        } catch (StoreLimitException e) {
          throw e;
        } catch (RuntimeException e) {
          warnings.add("label names of block " + b.id + ": " + e.getMessage());
        }
      }
    }
    names.removeAll(removed);
    return new LabelResult(limit(new ArrayList<>(names), lh.limit()), warnings);
  }

  @Override
  public LabelResult labelValues(String name, LabelHints lh, List<Matcher> matchers) {
    TreeSet<String> values = new TreeSet<>(Labels::compareStrings);
    List<String> warnings = new ArrayList<>();
    if (removed().contains(name)) {
      return LabelResult.of(List.of());
    }
    for (BlockSet set : store.sets()) {
      ExternalLabels.Resolution r = ExternalLabels.resolve(matchers, set.labels);
      if (!r.matches()) {
        continue;
      }
      String extValue = set.labels.get(name);
      for (BucketBlock b : set.overlapping(mint, maxt, blockMatchers())) {
        if (acquire(b) == null) {
          continue;
        }
        try (BlockQuery q = new BlockQuery(b, ctx)) {
          if (!extValue.isEmpty()) {
            if (r.remaining().isEmpty()
                ? !q.labelNames().isEmpty()
                : !matchingSeries(q, r.remaining()).isEmpty()) {
              values.add(extValue);
            }
            continue;
          }
          if (r.remaining().isEmpty()) {
            values.addAll(q.labelValues(name));
          } else {
            List<Matcher> ms = new ArrayList<>(r.remaining());
            ms.add(Matcher.notEqual(name, ""));
            for (IndexSeries s : matchingSeries(q, ms)) {
              String v = s.labels().get(name);
              if (!v.isEmpty()) {
                values.add(v);
              }
            }
          }
        } catch (StoreLimitException e) {
          throw e;
        } catch (RuntimeException e) {
          warnings.add("label values of block " + b.id + ": " + e.getMessage());
        }
      }
    }
    return new LabelResult(limit(new ArrayList<>(values), lh.limit()), warnings);
  }

  /** Series of the block matching {@code ms} that have chunks in the time range. */
  private List<IndexSeries> matchingSeries(BlockQuery q, List<Matcher> ms) {
    long[] refs = q.expandedPostings(ms);
    ctx.limiter().reserveSeries(refs.length);
    List<IndexSeries> out = new ArrayList<>();
    int batch = Math.max(1, store.config().seriesBatchSize());
    for (int i = 0; i < refs.length; i += batch) {
      for (IndexSeries s : q.series(refs, i, Math.min(refs.length, i + batch), true)) {
        for (int c = 0; c < s.chunkCount(); c++) {
          if (s.maxTime(c) >= mint && s.minTime(c) <= maxt) {
            out.add(s);
            break;
          }
        }
      }
    }
    return out;
  }

  private static List<String> limit(List<String> l, long limit) {
    if (limit > 0 && l.size() > limit) {
      return l.subList(0, (int) limit);
    }
    return l;
  }

  // --- lifecycle ----------------------------------------------------------------------------

  private void closeQuietly() {
    for (AutoCloseable c : open) {
      try {
        c.close();
      } catch (Exception e) {
        log.atDebug().setCause(e).log("closing block stream failed");
      }
    }
    open.clear();
    for (BucketBlock b : acquired) {
      b.release();
    }
    acquired.clear();
    if (gated) {
      gated = false;
      store.metrics().gateInFlight.decrementAndGet();
      store.seriesGate().release();
    }
  }

  @Override
  public void close() {
    closeQuietly();
  }
}
