package io.jthanos.store;

import io.jthanos.block.fetcher.FetchResult;
import io.jthanos.block.indexheader.IndexHeaderReader;
import io.jthanos.block.indexheader.ReaderPool;
import io.jthanos.block.metadata.Meta;
import io.jthanos.objstore.BucketReader;
import io.jthanos.proto.info.StoreInfo;
import io.jthanos.proto.info.TSDBInfo;
import io.jthanos.store.cache.IndexCache;
import io.jthanos.storeapi.HintsAwareQueryable;
import io.jthanos.storeapi.RequestHints;
import io.jthanos.storeapi.StoreLimits;
import io.jthanos.storeapi.StoreProtos;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.storage.ChunkQuerier;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the blocks of a bucket (Thanos' {@code BucketStore}): {@link #sync(FetchResult)} loads new
 * blocks (building their index-headers) and drops vanished ones, blocks are grouped into {@link
 * BlockSet}s by external labels, and every request gets a {@link BucketQuerier} over them. The
 * Series path is served through the project's StoreAPI server adapter, which this store plugs into
 * as a hints-aware source.
 */
public final class BucketStore implements HintsAwareQueryable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BucketStore.class);

  /** Settings of a bucket store. */
  public record Config(
      Path dataDir,
      int blockSyncConcurrency,
      StoreLimits limits,
      long chunkPoolSize,
      int seriesMaxConcurrency,
      int seriesBatchSize,
      long minTime,
      long maxTime) {}

  private final BucketReader bkt;
  private final Config cfg;
  private final ReaderPool readers;
  private final IndexCache cache;
  private final Partitioner partitioner = new Partitioner(Partitioner.DEFAULT_MAX_GAP);
  private final StoreMetrics metrics;
  private final ChunkPool chunkPool;
  private final Semaphore seriesGate;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<Ulid, BucketBlock> blocks = new ConcurrentHashMap<>();
  private volatile List<BlockSet> sets = List.of();
  private volatile boolean synced;

  public BucketStore(
      BucketReader bkt, Config cfg, ReaderPool readers, IndexCache cache, MeterRegistry reg) {
    this.bkt = bkt;
    this.cfg = cfg;
    this.readers = readers;
    this.cache = cache;
    this.metrics = new StoreMetrics(reg, blocks::size, cfg.seriesMaxConcurrency());
    this.chunkPool = new ChunkPool(cfg.chunkPoolSize());
    this.seriesGate =
        cfg.seriesMaxConcurrency() > 0 ? new Semaphore(cfg.seriesMaxConcurrency()) : null;
  }

  // --- sync ---------------------------------------------------------------------------------

  /**
   * Brings the loaded blocks in line with a meta sync: loads blocks that are new (concurrently,
   * {@code --block-sync-concurrency}), drops blocks no longer present. A block that fails to load
   * (corrupt index, bucket error) is skipped, logged and counted, and tried again next sync.
   */
  public void sync(FetchResult result) {
    Map<Ulid, Meta> metas = result.metas();
    List<Meta> toLoad = new ArrayList<>();
    for (Meta m : metas.values()) {
      if (!blocks.containsKey(m.ulid())) {
        toLoad.add(m);
      }
    }
    Semaphore slots = new Semaphore(Math.max(1, cfg.blockSyncConcurrency()));
    List<Future<?>> fs = new ArrayList<>();
    for (Meta m : toLoad) {
      fs.add(
          executor.submit(
              () -> {
                slots.acquireUninterruptibly();
                try {
                  addBlock(m);
                } finally {
                  slots.release();
                }
              }));
    }
    for (Future<?> f : fs) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (java.util.concurrent.ExecutionException e) {
        // addBlock logs and counts its failures.
      }
    }
    // An incomplete view (some metas failed to load) may add blocks but never drops any.
    if (result.error() == null) {
      for (Ulid id : List.copyOf(blocks.keySet())) {
        if (!metas.containsKey(id)) {
          removeBlock(id);
        }
      }
    }
    rebuildSets();
    if (!synced) {
      synced = true;
      cleanDataDir();
    }
  }

  private void addBlock(Meta m) {
    metrics.blockLoads.increment();
    long start = System.nanoTime();
    IndexHeaderReader ih = null;
    try {
      ih = readers.open(m.ulid());
      BucketBlock b = new BucketBlock(m, bkt, ih, readers, cache, partitioner);
      blocks.put(m.ulid(), b);
      log.atDebug()
          .addKeyValue("id", m.ulid())
          .addKeyValue("elapsed", java.time.Duration.ofNanos(System.nanoTime() - start))
          .log("loaded new block");
    } catch (IOException | RuntimeException e) {
      metrics.blockLoadFailures.increment();
      if (ih != null) {
        readers.close(ih);
      }
      log.atWarn()
          .addKeyValue("id", m.ulid())
          .addKeyValue("err", e.getMessage())
          .log("loading block failed");
    }
  }

  private void removeBlock(Ulid id) {
    BucketBlock b = blocks.remove(id);
    if (b == null) {
      return;
    }
    try {
      b.close();
      if (cfg.dataDir() != null) {
        deleteRecursively(cfg.dataDir().resolve(id.toString()));
      }
      metrics.blockDrops.increment();
      log.atInfo().addKeyValue("id", id).log("dropped outdated block");
    } catch (IOException | RuntimeException e) {
      metrics.blockDropFailures.increment();
      log.atWarn()
          .addKeyValue("id", id)
          .addKeyValue("err", e.getMessage())
          .log("drop outdated block failed");
    }
  }

  /** Removes local directories of blocks that are not loaded (after the first sync). */
  private void cleanDataDir() {
    Path dir = cfg.dataDir();
    if (dir == null || !Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String n = p.getFileName().toString();
        if (Ulid.isValid(n) && !blocks.containsKey(Ulid.parse(n))) {
          deleteRecursively(p);
        }
      }
    } catch (IOException e) {
      log.atWarn().addKeyValue("err", e.getMessage()).log("cleaning data dir failed");
    }
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      List<Path> all = s.sorted(Comparator.reverseOrder()).toList();
      for (Path x : all) {
        Files.deleteIfExists(x);
      }
    }
  }

  private void rebuildSets() {
    Map<Labels, List<BucketBlock>> by = new LinkedHashMap<>();
    List<BucketBlock> all = new ArrayList<>(blocks.values());
    all.sort(Comparator.comparing(b -> b.id));
    for (BucketBlock b : all) {
      by.computeIfAbsent(b.extLabels, k -> new ArrayList<>()).add(b);
    }
    List<BlockSet> out = new ArrayList<>();
    for (Map.Entry<Labels, List<BucketBlock>> e : by.entrySet()) {
      out.add(new BlockSet(e.getKey(), e.getValue()));
    }
    out.sort((a, b) -> Labels.compare(a.labels, b.labels));
    sets = List.copyOf(out);
  }

  /** Whether the first sync has completed. */
  public boolean synced() {
    return synced;
  }

  // --- views --------------------------------------------------------------------------------

  List<BlockSet> sets() {
    return sets;
  }

  /** Metas of the loaded blocks, by ULID. */
  public List<Meta> loadedMetas() {
    List<Meta> out = new ArrayList<>();
    for (BucketBlock b : blocks.values()) {
      out.add(b.meta);
    }
    out.sort(Comparator.comparing(Meta::ulid));
    return out;
  }

  public int blockCount() {
    return blocks.size();
  }

  public long minTime() {
    long m = Long.MAX_VALUE;
    for (BlockSet s : sets) {
      m = Math.min(m, s.minTime());
    }
    if (m == Long.MAX_VALUE) {
      return cfg.minTime();
    }
    return Math.max(m, cfg.minTime());
  }

  public long maxTime() {
    long m = Long.MIN_VALUE;
    for (BlockSet s : sets) {
      m = Math.max(m, s.maxTime());
    }
    if (m == Long.MIN_VALUE) {
      return cfg.minTime();
    }
    return Math.min(m, cfg.maxTime());
  }

  /** The distinct external label sets of the loaded blocks (Info label_sets). */
  public List<Labels> labelSets() {
    List<Labels> out = new ArrayList<>();
    for (BlockSet s : sets) {
      if (!s.labels.isEmpty()) {
        out.add(s.labels);
      }
    }
    return out;
  }

  /** StoreInfo for the Info service: time range, capabilities, one TSDB info per label set. */
  public StoreInfo storeInfo() {
    StoreInfo.Builder b =
        StoreInfo.newBuilder()
            .setMinTime(minTime())
            .setMaxTime(maxTime())
            .setSupportsSharding(true)
            .setSupportsWithoutReplicaLabels(true);
    for (BlockSet s : sets) {
      b.addTsdbInfos(
          TSDBInfo.newBuilder()
              .setLabels(StoreProtos.toLabelSet(s.labels))
              .setMinTime(Math.max(s.minTime(), cfg.minTime()))
              .setMaxTime(Math.min(s.maxTime(), cfg.maxTime())));
    }
    return b.build();
  }

  // --- queries ------------------------------------------------------------------------------

  @Override
  public ChunkQuerier chunkQuerier(long mint, long maxt, RequestHints hints) {
    return new BucketQuerier(this, mint, maxt, hints);
  }

  Config config() {
    return cfg;
  }

  StoreMetrics metrics() {
    return metrics;
  }

  ChunkPool chunkPool() {
    return chunkPool;
  }

  ExecutorService executor() {
    return executor;
  }

  Semaphore seriesGate() {
    return seriesGate;
  }

  /** Chunk bytes held by running requests (for tests and the chunk pool metric). */
  long chunkPoolUsed() {
    return chunkPool.used();
  }

  @Override
  public void close() {
    for (Ulid id : List.copyOf(blocks.keySet())) {
      BucketBlock b = blocks.remove(id);
      if (b != null) {
        b.close();
      }
    }
    sets = List.of();
    executor.shutdownNow();
    readers.close();
    cache.close();
  }
}
