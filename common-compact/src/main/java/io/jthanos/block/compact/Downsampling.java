package io.jthanos.block.compact;

import io.jthanos.block.Blocks;
import io.jthanos.block.downsample.BlockDownsampler;
import io.jthanos.block.downsample.Resolutions;
import io.jthanos.block.metadata.HashFunc;
import io.jthanos.block.metadata.IndexStats;
import io.jthanos.block.metadata.Meta;
import io.jthanos.objstore.Bucket;
import io.jthanos.tsdb.block.BlockFiles;
import io.jthanos.tsdb.block.BlockReader;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.block.UlidGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One downsampling pass over a bucket (Thanos' {@code downsampleBucket}): raw blocks spanning at
 * least 40h get a 5m copy and 5m blocks spanning at least 10 days a 1h copy, unless a block of the
 * target resolution already holds all their sources. Each block is downloaded, its index verified,
 * downsampled with {@link BlockDownsampler}, the result verified and uploaded. The compactor runs
 * two passes, so 1h blocks are made from the 5m blocks the first pass created.
 */
public final class Downsampling {
  private static final Logger LOG = LoggerFactory.getLogger(Downsampling.class);

  private final Bucket bkt;
  private final Path dir;
  private final int concurrency;
  private final int blockFilesConcurrency;
  private final HashFunc hashFunc;
  private final boolean acceptMalformedIndex;
  private final CompactorMetrics metrics;
  private final Clock clock;
  private final UlidGenerator ulids;

  public Downsampling(
      Bucket bkt,
      Path dir,
      int concurrency,
      int blockFilesConcurrency,
      HashFunc hashFunc,
      boolean acceptMalformedIndex,
      CompactorMetrics metrics,
      Clock clock) {
    this.bkt = bkt;
    this.dir = dir;
    this.concurrency = Math.max(1, concurrency);
    this.blockFilesConcurrency = Math.max(1, blockFilesConcurrency);
    this.hashFunc = hashFunc == null ? HashFunc.NONE : hashFunc;
    this.acceptMalformedIndex = acceptMalformedIndex;
    this.metrics = metrics;
    this.clock = clock;
    this.ulids = new UlidGenerator(clock, new java.util.Random());
  }

  /**
   * The blocks a pass would downsample, in ULID order.
   *
   * @throws IllegalStateException for a block with an unknown resolution
   */
  public static List<Meta> todo(Collection<Meta> metas) {
    Set<Ulid> sources5m = new HashSet<>();
    Set<Ulid> sources1h = new HashSet<>();
    for (Meta m : metas) {
      long r = m.resolution();
      if (r == Resolutions.RES_5M) {
        sources5m.addAll(m.block().compaction().sources());
      } else if (r == Resolutions.RES_1H) {
        sources1h.addAll(m.block().compaction().sources());
      } else if (r != Resolutions.RAW) {
        throw new IllegalStateException("unexpected downsampling resolution " + r);
      }
    }
    List<Meta> out = new ArrayList<>();
    for (Meta m : metas.stream().sorted(java.util.Comparator.comparing(Meta::ulid)).toList()) {
      long range = m.maxTime() - m.minTime();
      if (m.resolution() == Resolutions.RAW) {
        if (sources5m.containsAll(m.block().compaction().sources())) {
          continue;
        }
        // Only once the block is big enough to give roughly 2 chunks per series.
        if (range < Resolutions.DOWNSAMPLE_RANGE_5M) {
          continue;
        }
        out.add(m);
      } else if (m.resolution() == Resolutions.RES_5M) {
        if (sources1h.containsAll(m.block().compaction().sources())) {
          continue;
        }
        if (range < Resolutions.DOWNSAMPLE_RANGE_1H) {
          continue;
        }
        out.add(m);
      }
    }
    return out;
  }

  /**
   * Downsamples what {@link #todo} selects from {@code metas} (callers remove no-downsample-marked
   * blocks first). Returns the new blocks.
   */
  public List<Meta> run(Map<Ulid, Meta> metas) throws IOException {
    Files.createDirectories(dir);
    boolean halted = false;
    try {
      List<Meta> todo = todo(metas.values());
      // Keep only downloads of blocks that still exist.
      Set<Path> keep = new HashSet<>();
      for (Ulid id : metas.keySet()) {
        keep.add(dir.resolve(id.toString()));
      }
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : s.toList()) {
          if (!keep.contains(p)) {
            BlockFiles.deleteRecursively(p);
          }
        }
      }
      List<Meta> created = java.util.Collections.synchronizedList(new ArrayList<>());
      List<Callable<Void>> tasks = new ArrayList<>();
      for (Meta m : todo) {
        tasks.add(
            () -> {
              long target =
                  m.resolution() == Resolutions.RAW ? Resolutions.RES_5M : Resolutions.RES_1H;
              String what =
                  m.resolution() == Resolutions.RAW
                      ? "downsampling to 5 min"
                      : "downsampling to 60 min";
              try {
                created.add(process(m, target));
              } catch (IOException | RuntimeException e) {
                metrics.downsampleFailures(m.resolution()).increment();
                metrics.downsamples(m.resolution()).increment();
                if (e instanceof HaltException || e instanceof RetryException) {
                  throw e;
                }
                throw new IOException(what + ": " + e.getMessage(), e);
              }
              metrics.downsamples(m.resolution()).increment();
              return null;
            });
      }
      GroupCompactor.runAll(concurrency, tasks);
      return List.copyOf(created);
    } catch (HaltException e) {
      halted = true;
      throw e;
    } finally {
      // Leave the directory for inspection after a halt.
      if (!halted) {
        BlockFiles.deleteRecursively(dir);
      }
    }
  }

  private Meta process(Meta m, long resolution) throws IOException {
    long begin = System.nanoTime();
    Path bdir = dir.resolve(m.ulid().toString());
    try {
      Blocks.download(bkt, m.ulid(), bdir, blockFilesConcurrency);
    } catch (IOException | RuntimeException e) {
      throw CompactionErrors.retry("download block " + m.ulid(), e);
    }
    LOG.atInfo()
        .addKeyValue("id", m.ulid())
        .addKeyValue("duration_ms", (System.nanoTime() - begin) / 1_000_000)
        .log("downloaded block");
    IndexHealth in =
        IndexHealth.gather(bdir.resolve(Blocks.INDEX_FILENAME), m.minTime(), m.maxTime());
    if (in.anyError().isPresent() && !acceptMalformedIndex) {
      throw new IOException("input block index not valid: " + in.anyError().get());
    }
    begin = System.nanoTime();
    Ulid newId = ulids.next();
    BlockDownsampler.Result r;
    try (BlockReader b = BlockReader.open(bdir)) {
      r = BlockDownsampler.downsample(b, Meta.read(bdir), dir, resolution, newId);
    } catch (RuntimeException e) {
      throw new IOException(
          "downsample block " + m.ulid() + " to window " + resolution + ": " + e.getMessage(), e);
    }
    long took = System.nanoTime() - begin;
    metrics.downsampleDuration(m.resolution()).record(java.time.Duration.ofNanos(took));
    LOG.atInfo()
        .addKeyValue("from", m.ulid())
        .addKeyValue("to", newId)
        .addKeyValue("duration_ms", took / 1_000_000)
        .log("downsampled block");
    Path resdir = r.dir();
    Optional<String> err;
    IndexHealth out = null;
    try {
      out = IndexHealth.gather(resdir.resolve(Blocks.INDEX_FILENAME), m.minTime(), m.maxTime());
      err = out.anyError();
    } catch (IOException e) {
      err = Optional.of(e.getMessage());
    }
    if (err.isPresent() && !acceptMalformedIndex) {
      throw new IOException("output block index not valid: " + err.get());
    }
    Meta meta = Meta.read(resdir);
    if (out != null && (out.seriesMaxSize() > 0 || out.chunkMaxSize() > 0)) {
      meta =
          meta.withThanos(
              meta.thanos().withIndexStats(IndexStats.of(out.seriesMaxSize(), out.chunkMaxSize())));
      meta.write(resdir);
    }
    begin = System.nanoTime();
    Meta uploaded;
    try {
      uploaded =
          Blocks.upload(
              bkt,
              resdir,
              Blocks.UploadOptions.DEFAULT
                  .withHashFunc(hashFunc)
                  .withConcurrency(blockFilesConcurrency)
                  .withClock(clock));
    } catch (IOException | RuntimeException e) {
      throw CompactionErrors.retry("upload downsampled block " + newId, e);
    }
    LOG.atInfo()
        .addKeyValue("id", newId)
        .addKeyValue("duration_ms", (System.nanoTime() - begin) / 1_000_000)
        .log("uploaded block");
    BlockFiles.deleteRecursively(bdir);
    BlockFiles.deleteRecursively(resdir);
    return uploaded;
  }
}
