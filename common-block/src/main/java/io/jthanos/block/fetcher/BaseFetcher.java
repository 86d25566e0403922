package io.jthanos.block.fetcher;

import io.jthanos.block.Blocks;
import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.UnsupportedMetaVersionException;
import io.jthanos.objstore.BucketReader;
import io.jthanos.objstore.NameIterator;
import io.jthanos.tsdb.block.BlockFiles;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.encoding.CorruptBlockException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the blocks of a bucket and loads their meta.json, as Thanos' {@code BaseFetcher}: blocks
 * without meta.json are partial; corrupted meta.json files are reported, not fatal; loaded metas
 * are kept in memory between syncs (meta.json is immutable) and optionally on disk under {@code
 * <dir>/meta-syncer/<ulid>/meta.json}. Concurrent syncs share one bucket scan. Several {@link
 * MetaFetcher}s with different filters may share one base fetcher. Thread-safe.
 */
public final class BaseFetcher {
  /** Thanos' {@code --block-meta-fetch-concurrency} default. */
  public static final int DEFAULT_CONCURRENCY = 32;

  static final int LISTER_CONCURRENCY = 64;
  private static final Logger LOG = LoggerFactory.getLogger(BaseFetcher.class);

  private final BucketReader bkt;
  private final int concurrency;
  private final DiscoveryStrategy strategy;
  private final Path cacheDir;
  private final Counter baseSyncs;

  private volatile Map<Ulid, Meta> cached = Map.of();
  private CompletableFuture<Response> inflight;

  /**
   * @param dir local directory for the meta cache ({@code <dir>/meta-syncer}), or null for none
   * @param registry for {@code thanos_blocks_meta_base_syncs_total}; may be null
   */
  public BaseFetcher(
      BucketReader bkt,
      int concurrency,
      DiscoveryStrategy strategy,
      Path dir,
      MeterRegistry registry)
      throws IOException {
    this.bkt = bkt;
    this.concurrency = Math.max(1, concurrency);
    this.strategy = strategy == null ? DiscoveryStrategy.CONCURRENT : strategy;
    this.cacheDir = dir == null ? null : dir.resolve("meta-syncer");
    if (cacheDir != null) {
      Files.createDirectories(cacheDir);
    }
    this.baseSyncs =
        registry == null
            ? null
            : Counter.builder("thanos_blocks_meta_base_syncs")
                .description("Total blocks metadata synchronization attempts by base Fetcher")
                .register(registry);
  }

  public BucketReader bucket() {
    return bkt;
  }

  /** Number of metas held in memory from the last complete sync. */
  public int cachedCount() {
    return cached.size();
  }

  /** The outcome of one bucket scan, before filters. */
  record Response(
      Map<Ulid, Meta> metas,
      Map<Ulid, Exception> partial,
      List<Exception> errors,
      int noMetas,
      int corruptedMetas) {}

  /** Scans the bucket, sharing a scan that is already running. */
  Response fetchShared() throws IOException {
    CompletableFuture<Response> f;
    boolean mine = false;
    synchronized (this) {
      if (inflight == null) {
        inflight = new CompletableFuture<>();
        mine = true;
      }
      f = inflight;
    }
    if (mine) {
      try {
        f.complete(fetchMetadata());
      } catch (Throwable t) {
        f.completeExceptionally(t);
      } finally {
        synchronized (this) {
          inflight = null;
        }
      }
    }
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while fetching metas");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(c);
    }
  }

  private Response fetchMetadata() throws IOException {
    if (baseSyncs != null) {
      baseSyncs.increment();
    }
    Map<Ulid, Meta> metas = new ConcurrentHashMap<>();
    Map<Ulid, Exception> partial = new ConcurrentHashMap<>();
    List<Exception> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger noMetas = new AtomicInteger();
    AtomicInteger corrupted = new AtomicInteger();

    LoadTask load =
        id -> {
          try {
            Optional<Meta> m = loadMeta(id);
            if (m.isPresent()) {
              metas.put(id, m.get());
            } else {
              noMetas.incrementAndGet();
              partial.put(id, new NoSuchFileException(id + "/" + Blocks.META_FILENAME));
            }
          } catch (UnsupportedMetaVersionException e) {
            errors.add(e);
          } catch (CorruptBlockException e) {
            corrupted.incrementAndGet();
            partial.put(id, e);
          } catch (IOException | RuntimeException e) {
            errors.add(e);
          }
        };

    try {
      switch (strategy) {
        case CONCURRENT -> listConcurrently(load, partial, noMetas);
        case RECURSIVE -> listRecursively(load, partial, noMetas);
        default -> throw new IllegalStateException("unknown strategy " + strategy);
      }
    } catch (IOException e) {
      throw new IOException("BaseFetcher: iter bucket: " + e.getMessage(), e);
    }

    Response resp =
        new Response(
            new LinkedHashMap<>(metas),
            new LinkedHashMap<>(partial),
            List.copyOf(errors),
            noMetas.get(),
            corrupted.get());
    if (!resp.errors().isEmpty()) {
      return resp;
    }
    // Only a complete view updates the cache.
    cached = Map.copyOf(metas);
    cleanCacheDir(metas);
    return resp;
  }

  @FunctionalInterface
  private interface LoadTask {
    void load(Ulid id);
  }

  /** Top-level listing, then one existence check (and load) per block, in parallel. */
  private void listConcurrently(LoadTask load, Map<Ulid, Exception> partial, AtomicInteger noMetas)
      throws IOException {
    List<Ulid> ids = new ArrayList<>();
    try (NameIterator it = bkt.iter("", false)) {
      while (it.next()) {
        Blocks.blockId(it.at()).ifPresent(ids::add);
      }
    }
    runBounded(
        Math.max(concurrency, 1),
        ids,
        id -> {
          if (!bkt.exists(id + "/" + Blocks.META_FILENAME)) {
            noMetas.incrementAndGet();
            partial.put(id, new NoSuchFileException("block " + id + " has no meta file"));
            return;
          }
          load.load(id);
        });
  }

  /** One recursive listing finds blocks and which of them have meta.json. */
  private void listRecursively(LoadTask load, Map<Ulid, Exception> partial, AtomicInteger noMetas)
      throws IOException {
    Map<Ulid, Boolean> hasMeta = new LinkedHashMap<>();
    try (NameIterator it = bkt.iter("", true)) {
      while (it.next()) {
        String name = it.at();
        int slash = name.indexOf('/');
        if (slash <= 0) {
          continue;
        }
        String dir = name.substring(0, slash);
        if (!Ulid.isValid(dir)) {
          continue;
        }
        Ulid id = Ulid.parse(dir);
        boolean meta = name.substring(slash + 1).equals(Blocks.META_FILENAME);
        hasMeta.merge(id, meta, Boolean::logicalOr);
      }
    }
    List<Ulid> active = new ArrayList<>();
    hasMeta.forEach(
        (id, meta) -> {
          if (meta) {
            active.add(id);
          } else {
            noMetas.incrementAndGet();
            partial.put(id, new NoSuchFileException("block " + id + " has no meta file"));
          }
        });
    runBounded(concurrency, active, load::load);
  }

  @FunctionalInterface
  private interface IdTask {
    void run(Ulid id) throws IOException;
  }

  private static void runBounded(int limit, List<Ulid> ids, IdTask task) throws IOException {
    if (ids.isEmpty()) {
      return;
    }
    Semaphore sem = new Semaphore(limit);
    List<Future<?>> futures = new ArrayList<>(ids.size());
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Ulid id : ids) {
        sem.acquire();
        futures.add(
            ex.submit(
                () -> {
                  try {
                    task.run(id);
                    return null;
                  } finally {
                    sem.release();
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while fetching metas");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException(e.getCause());
    }
  }

  /**
   * The meta of one block: from memory, the local cache, or the bucket; empty when meta.json does
   * not exist (deleted meanwhile).
   */
  Optional<Meta> loadMeta(Ulid id) throws IOException {
    Meta m = cached.get(id);
    if (m != null) {
      return Optional.of(m);
    }
    Path cachedDir = cacheDir == null ? null : cacheDir.resolve(id.toString());
    if (cachedDir != null) {
      try {
        return Optional.of(Meta.read(cachedDir));
      } catch (NoSuchFileException e) {
        // Not cached yet.
      } catch (IOException | RuntimeException e) {
        LOG.atWarn()
            .setCause(e)
            .addKeyValue("dir", cachedDir)
            .log("best effort read of the local meta.json failed; removing cached block dir");
        deleteQuietly(cachedDir);
      }
    }
    String name = id + "/" + Blocks.META_FILENAME;
    byte[] b;
    try {
      b = bkt.readAllBytes(name);
    } catch (IOException e) {
      if (bkt.isObjNotFound(e)) {
        return Optional.empty();
      }
      throw new IOException("get meta file: " + name + ": " + e.getMessage(), e);
    }
    Meta meta = Meta.parse(Path.of(name), b);
    if (cachedDir != null) {
      try {
        Files.createDirectories(cachedDir);
        Meta.writeAtomically(cachedDir.resolve(Blocks.META_FILENAME), b);
      } catch (IOException | RuntimeException e) {
        LOG.atWarn()
            .setCause(e)
            .addKeyValue("dir", cachedDir)
            .log("best effort save of the meta.json to local dir failed; ignoring");
      }
    }
    return Optional.of(meta);
  }

  private void cleanCacheDir(Map<Ulid, Meta> metas) {
    if (cacheDir == null) {
      return;
    }
    try (Stream<Path> s = Files.list(cacheDir)) {
      for (Path p : s.toList()) {
        Optional<Ulid> id = Blocks.blockId(p.getFileName().toString());
        if (id.isPresent() && !metas.containsKey(id.get())) {
          deleteQuietly(p);
        }
      }
    } catch (IOException e) {
      LOG.atWarn().setCause(e).log("best effort remove of not needed cached dirs failed; ignoring");
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      BlockFiles.deleteRecursively(dir);
    } catch (IOException e) {
      LOG.atWarn()
          .setCause(e)
          .addKeyValue("dir", dir)
          .log("best effort remove of cached dir failed");
    }
  }
}
