package io.jthanos.store;

import io.jthanos.storeapi.StoreApiException;
import io.jthanos.storeapi.StoreLimitException;
import io.jthanos.tsdb.index.IndexSeries;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.ChunkMeta;
import io.jthanos.tsdb.storage.ChunkSeries;
import io.jthanos.tsdb.storage.ChunkSeriesSet;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The series of one block for one request, sorted by their output labels (series labels with the
 * block's external labels merged in and {@code without_replica_labels} removed). Works in batches:
 * postings are expanded once, then series entries and their chunks are fetched a batch at a time,
 * the next batch fetched in the background while the current one is consumed, so memory is bounded
 * by two batches per block.
 *
 * <p>Merging external labels can break the index order in one case (see {@link Reorder}); a block
 * whose own series carry an external label name or a removed label is sorted as a whole.
 *
 * <p>With partial response allowed, a failure (bucket down, block deleted, corrupt data) ends this
 * block's stream with a warning instead of failing the request; limits always fail it.
 */
final class BlockSeriesSet implements ChunkSeriesSet {
  private static final Logger log = LoggerFactory.getLogger(BlockSeriesSet.class);

  /** A batch also ends once it holds this many chunks. */
  static final int MAX_BATCH_CHUNKS = 100_000;

  private final BlockQuery q;
  private final List<Matcher> matchers;
  private final SeriesPlan plan;
  private final QueryContext ctx;
  private final Labels ext;
  private final Mode mode;
  private final io.jthanos.storeapi.ShardMatcher shard;
  private final List<String> warnings = new ArrayList<>();

  private long[] postings;
  private IndexSeries[] sorted; // RESORT mode: every series, in output order
  private int pos; // next postings (or sorted) index to batch
  private Future<Batch> pending;
  private Batch current;
  private int idx = -1;
  private final Reorder reorder;
  private Item at;
  private boolean done;

  enum Mode {
    DIRECT,
    STACKED,
    RESORT
  }

  /** One series on its way out. */
  record Item(Labels source, Labels out, List<ChunkMeta> list) implements ChunkSeries {
    @Override
    public Labels labels() {
      return out;
    }

    @Override
    public Iterator<ChunkMeta> chunks() {
      return list.iterator();
    }
  }

  private record Batch(List<Item> items, long reserved, boolean last) {}

  BlockSeriesSet(BlockQuery q, List<Matcher> matchers, SeriesPlan plan, QueryContext ctx) {
    this.q = q;
    this.matchers = matchers;
    this.plan = plan;
    this.ctx = ctx;
    Set<String> removed = plan.removed();
    this.shard = io.jthanos.storeapi.ShardMatcher.of(plan.shard());
    this.ext = removed.isEmpty() ? q.block.extLabels : q.block.extLabels.without(removed);
    Mode m = ext.isEmpty() ? Mode.DIRECT : Mode.STACKED;
    for (String n : q.labelNames()) {
      if (removed.contains(n) || ext.has(n)) {
        m = Mode.RESORT;
        break;
      }
    }
    this.mode = m;
    this.reorder = mode == Mode.STACKED ? new Reorder(ext.name(ext.size() - 1)) : null;
    this.pending = ctx.executor().submit(this::fetchBatch);
  }

  BucketBlock block() {
    return q.block;
  }

  // --- producing batches (background) ---------------------------------------------------------

  private Labels out(Labels series) {
    return io.jthanos.storeapi.ExternalLabels.merge(series, ext, plan.removed());
  }

  private Batch fetchBatch() {
    if (postings == null) {
      postings = q.expandedPostings(matchers);
      ctx.limiter().reserveSeries(postings.length);
      if (mode == Mode.RESORT) {
        sortAll();
      }
    }
    int total = mode == Mode.RESORT ? sorted.length : postings.length;
    List<Item> items = new ArrayList<>();
    List<BlockQuery.ChunkRequest> reqs = new ArrayList<>();
    List<int[]> spans = new ArrayList<>(); // per item: first request, count
    while (pos < total && items.size() < plan.batchSize() && reqs.size() < MAX_BATCH_CHUNKS) {
      int end = Math.min(total, pos + Math.max(1, plan.batchSize() - items.size()));
      IndexSeries[] entries =
          mode == Mode.RESORT
              ? Arrays.copyOfRange(sorted, pos, end)
              : q.series(postings, pos, end, true);
      pos = end;
      for (IndexSeries s : entries) {
        int first = reqs.size();
        for (int c = 0; c < s.chunkCount(); c++) {
          if (s.maxTime(c) < plan.mint() || s.minTime(c) > plan.maxt()) {
            continue;
          }
          reqs.add(new BlockQuery.ChunkRequest(s.chunkRef(c), s.minTime(c), s.maxTime(c)));
        }
        if (reqs.size() == first) {
          continue; // no data in range
        }
        Labels out = out(s.labels());
        if (!shard.matches(out)) {
          reqs.subList(first, reqs.size()).clear();
          continue;
        }
        if (plan.skipChunks()) {
          reqs.subList(first, reqs.size()).clear();
          items.add(new Item(s.labels(), out, List.of()));
          continue;
        }
        items.add(new Item(s.labels(), out, null));
        spans.add(new int[] {first, reqs.size() - first});
      }
    }
    long reserved = 0;
    if (!reqs.isEmpty()) {
      ctx.limiter().reserveChunks(reqs.size());
      ChunkMeta[] metas = new ChunkMeta[reqs.size()];
      reserved = q.loadChunks(reqs, metas);
      for (int i = 0; i < items.size(); i++) {
        int[] sp = spans.get(i);
        Item it = items.get(i);
        items.set(
            i, new Item(it.source(), it.out(), Arrays.asList(metas).subList(sp[0], sp[0] + sp[1])));
      }
    }
    return new Batch(items, reserved, pos >= total);
  }

  private void sortAll() {
    List<IndexSeries> all = new ArrayList<>(postings.length);
    for (int i = 0; i < postings.length; i += plan.batchSize()) {
      all.addAll(
          Arrays.asList(
              q.series(postings, i, Math.min(postings.length, i + plan.batchSize()), true)));
    }
    record Keyed(Labels out, IndexSeries s) {}
    List<Keyed> keyed = new ArrayList<>(all.size());
    for (IndexSeries s : all) {
      keyed.add(new Keyed(out(s.labels()), s));
    }
    keyed.sort((a, b) -> Labels.compare(a.out(), b.out()));
    sorted = new IndexSeries[keyed.size()];
    for (int i = 0; i < sorted.length; i++) {
      sorted[i] = keyed.get(i).s();
    }
  }

  // --- consuming ---------------------------------------------------------------------------

  /** The next item in index order (before reordering), or null at the end. */
  private Item nextRaw() {
    while (true) {
      if (current != null && idx + 1 < current.items().size()) {
        idx++;
        return current.items().get(idx);
      }
      if (current != null && current.last()) {
        return null;
      }
      if (pending == null) {
        return null;
      }
      Batch b = await(pending);
      pending = null;
      if (b == null) {
        return null;
      }
      if (current != null) {
        ctx.chunkPool().release(current.reserved());
      }
      current = b;
      idx = -1;
      if (!b.last()) {
        pending = ctx.executor().submit(this::fetchBatch);
      }
    }
  }

  private Batch await(Future<Batch> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.cancel(true);
      throw new StoreApiException(io.grpc.Status.Code.CANCELLED, "series request interrupted");
    } catch (CancellationException e) {
      return null;
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof StoreLimitException l) {
        throw l;
      }
      String msg = "fetch series for block " + q.block.id + ": " + c.getMessage();
      if (plan.partialResponse() && !(c instanceof Error)) {
        log.atWarn()
            .addKeyValue("block", q.block.id)
            .addKeyValue("err", c.getMessage())
            .log("series from block failed, answering without it");
        warnings.add(msg);
        return null;
      }
      throw new StoreApiException(io.grpc.Status.Code.UNKNOWN, msg, c);
    }
  }

  @Override
  public boolean next() {
    if (done) {
      return false;
    }
    at = reorder == null ? nextRaw() : reorder.next();
    if (at == null) {
      done = true;
      return false;
    }
    return true;
  }

  @Override
  public ChunkSeries at() {
    return at;
  }

  @Override
  public List<String> warnings() {
    return warnings;
  }

  private boolean closed;

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    done = true;
    if (pending != null) {
      pending.cancel(true);
      try {
        Batch b = pending.get();
        if (b != null) {
          ctx.chunkPool().release(b.reserved());
        }
      } catch (Exception ignored) {
        // Cancelled or failed: nothing reserved is left.
      }
      pending = null;
    }
    if (current != null) {
      ctx.chunkPool().release(current.reserved());
      current = null;
    }
    q.close();
  }

  /**
   * Restores output order while streaming when external labels are merged in. Inserting the same
   * labels into every series keeps the order of any two, except when series A is a proper prefix of
   * series B, A has no label at or after the greatest external name N and B's first label beyond A
   * is named before N: then A belongs after B. Such B directly follow A in index order, so A is
   * held back on a stack (depth bounded by the number of labels) until a series that does not
   * extend it arrives.
   */
  private final class Reorder {
    private final String maxName;
    private final Deque<Item> held = new ArrayDeque<>();
    private final Deque<Item> ready = new ArrayDeque<>();
    private boolean exhausted;

    Reorder(String maxName) {
      this.maxName = maxName;
    }

    Item next() {
      while (ready.isEmpty()) {
        if (exhausted) {
          return held.isEmpty() ? null : held.pop();
        }
        Item it = nextRaw();
        if (it == null) {
          exhausted = true;
          continue;
        }
        Labels s = it.source();
        while (!held.isEmpty() && !extendsBefore(s, held.peek().source())) {
          ready.add(held.pop());
        }
        if (isOpen(s)) {
          held.push(it);
        } else {
          ready.add(it);
        }
      }
      return ready.poll();
    }

    private boolean isOpen(Labels s) {
      return s.isEmpty() || Labels.compareStrings(s.name(s.size() - 1), maxName) < 0;
    }

    private boolean extendsBefore(Labels s, Labels prefix) {
      int n = prefix.size();
      if (s.size() <= n) {
        return false;
      }
      for (int i = 0; i < n; i++) {
        if (!s.name(i).equals(prefix.name(i)) || !s.value(i).equals(prefix.value(i))) {
          return false;
        }
      }
      return Labels.compareStrings(s.name(n), maxName) < 0;
    }
  }
}
