package io.jthanos.store;

import io.jthanos.block.indexheader.IndexHeaderReader;
import io.jthanos.block.indexheader.ReaderPool;
import io.jthanos.block.metadata.Meta;
import io.jthanos.objstore.BucketReader;
import io.jthanos.store.cache.IndexCache;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One block served by the store gateway: its meta, external labels, index-header reader and the
 * names of its objects. Requests {@link #acquire()} it for their duration; a block dropped from the
 * bucket view is closed once the last request using it has {@linkplain #release() released} it, so
 * a sync never pulls a block from under a running query.
 */
final class BucketBlock {
  private static final Logger log = LoggerFactory.getLogger(BucketBlock.class);

  /** Thanos' estimate when meta.json has no index stats: 64 KiB per series entry. */
  static final long DEFAULT_SERIES_SIZE = 64 * 1024;

  /** Thanos' estimate when meta.json has no index stats: 16000 bytes per chunk. */
  static final long DEFAULT_CHUNK_SIZE = 16000;

  final Meta meta;
  final Ulid id;
  final Labels extLabels;
  final Map<String, String> relabelLabels;
  final BucketReader bkt;
  final IndexHeaderReader header;
  final IndexCache cache;
  final Partitioner partitioner;
  final long seriesSizeEstimate;
  final long chunkSizeEstimate;
  final String indexObject;
  final Path indexPath;
  private final ReaderPool pool;
  private final AtomicInteger refs = new AtomicInteger(1);
  private volatile boolean closing;

  BucketBlock(
      Meta meta,
      BucketReader bkt,
      IndexHeaderReader header,
      ReaderPool pool,
      IndexCache cache,
      Partitioner partitioner) {
    this.meta = meta;
    this.id = meta.ulid();
    this.extLabels = Labels.fromMap(meta.labels());
    Map<String, String> rl = new HashMap<>(meta.labels());
    rl.put("__block_id", id.toString());
    this.relabelLabels = Map.copyOf(rl);
    this.bkt = bkt;
    this.header = header;
    this.pool = pool;
    this.cache = cache;
    this.partitioner = partitioner;
    long ss = 0;
    long cs = 0;
    if (meta.thanos() != null && meta.thanos().indexStats() != null) {
      ss = meta.thanos().indexStats().seriesMaxSize();
      cs = meta.thanos().indexStats().chunkMaxSize();
    }
    this.seriesSizeEstimate = ss > 0 ? ss : DEFAULT_SERIES_SIZE;
    this.chunkSizeEstimate = cs > 0 ? cs : DEFAULT_CHUNK_SIZE;
    this.indexObject = id + "/index";
    this.indexPath = Path.of(indexObject);
  }

  /** The object holding chunk segment {@code seq} (0-based: {@code 000001} is 0). */
  String chunkObject(int seq) {
    return String.format("%s/chunks/%06d", id, seq + 1);
  }

  long minTime() {
    return meta.minTime();
  }

  long maxTime() {
    return meta.maxTime();
  }

  long resolution() {
    return meta.resolution();
  }

  /** Whether the block's external labels plus {@code __block_id} satisfy every block matcher. */
  boolean matchesBlockMatchers(List<Matcher> matchers) {
    for (Matcher m : matchers) {
      String v = relabelLabels.getOrDefault(m.name(), "");
      if (!m.matches(v)) {
        return false;
      }
    }
    return true;
  }

  /** Pins the block for a request; false when it is being dropped. */
  boolean acquire() {
    while (true) {
      int r = refs.get();
      if (r <= 0 || closing) {
        return false;
      }
      if (refs.compareAndSet(r, r + 1)) {
        return true;
      }
    }
  }

  void release() {
    if (refs.decrementAndGet() == 0) {
      closeNow();
    }
  }

  /** Drops the block: closed now, or when the last request releases it. */
  void close() {
    if (closing) {
      return;
    }
    closing = true;
    release();
  }

  private void closeNow() {
    try {
      pool.close(header);
    } catch (RuntimeException e) {
      log.atWarn().setCause(e).addKeyValue("block", id).log("closing index-header reader failed");
    }
  }

  @Override
  public String toString() {
    return "block " + id;
  }
}
