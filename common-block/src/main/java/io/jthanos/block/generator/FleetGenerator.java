package io.jthanos.block.generator;

import io.jthanos.block.Blocks;
import io.jthanos.block.downsample.BlockDownsampler;
import io.jthanos.block.downsample.Resolutions;
import io.jthanos.block.generator.FleetModel.SeriesDef;
import io.jthanos.block.metadata.HashFunc;
import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.Sources;
import io.jthanos.block.metadata.ThanosMeta;
import io.jthanos.objstore.Bucket;
import io.jthanos.tsdb.block.BlockDesc;
import io.jthanos.tsdb.block.BlockFiles;
import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.BlockReader;
import io.jthanos.tsdb.block.BlockWriter;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.chunkenc.XorEncoder;
import io.jthanos.tsdb.storage.ChunkMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the blocks of a {@link GeneratorConfig}: a deterministic, Kubernetes-fleet-shaped dataset
 * (an extension of this project, not part of Thanos). Blocks are produced in time order, each one
 * handed to a {@link BlockSink} (e.g. uploaded to a bucket) and then removed from the work
 * directory, so disk use stays at about one block.
 *
 * <p>Raw blocks hold XOR chunks cut as Prometheus' head cuts them (at most 120 samples, evenly
 * split, never across a 2h boundary); compacted blocks carry the levels, sources and parents a
 * compactor would have written; downsampled copies come from {@link BlockDownsampler}. Block ids
 * and upload times are derived from the seed and the data, so the same config gives byte-identical
 * blocks and meta.json files.
 */
public final class FleetGenerator {
  private static final Logger LOG = LoggerFactory.getLogger(FleetGenerator.class);

  static final long H2 = GeneratorConfig.TWO_HOURS;
  static final long H8 = 4 * H2;
  static final long D2 = 24 * H2;
  static final long D14 = 7 * D2;
  private static final int CHUNK_SAMPLES = 120;

  /**
   * Receives each finished block directory. The generator still reads it afterwards (downsampled
   * copies) and then deletes it: a sink copies or uploads, never moves or changes it.
   */
  @FunctionalInterface
  public interface BlockSink {
    void accept(Path blockDir, Meta meta) throws IOException;
  }

  /** One block to write: a raw range, or a downsampled copy of the previous raw block. */
  public record BlockPlan(long minTime, long maxTime, long resolution, int level) {}

  /** What was written. */
  public record Summary(
      int blocks,
      long series,
      long rawSamples,
      long rawChunkBytes,
      long indexBytes,
      long downsampled5mChunkBytes,
      long downsampled1hChunkBytes) {

    /** Chunk bytes per raw sample (segment files, record overhead included). */
    public double bytesPerSample() {
      return rawSamples == 0 ? 0 : (double) rawChunkBytes / rawSamples;
    }
  }

  private final GeneratorConfig cfg;
  private final FleetModel model;

  public FleetGenerator(GeneratorConfig cfg) {
    this.cfg = cfg;
    this.model = new FleetModel(cfg);
  }

  public GeneratorConfig config() {
    return cfg;
  }

  /** Number of distinct series over the whole range (churn adds series). */
  public int totalSeries() {
    return model.series.size();
  }

  /** The raw blocks to write, in time order (downsampled copies follow their source block). */
  public List<BlockPlan> plan() {
    List<BlockPlan> out = new ArrayList<>();
    long t = cfg.startMs();
    long end = cfg.endMs();
    while (t < end) {
      if (cfg.layout() == Layout.COMPACTED && t % D14 == 0 && t + D14 <= end) {
        out.add(new BlockPlan(t, t + D14, Resolutions.RAW, 4));
        t += D14;
      } else if (cfg.layout() == Layout.COMPACTED && t % D2 == 0 && t + D2 <= end) {
        out.add(new BlockPlan(t, t + D2, Resolutions.RAW, 3));
        t += D2;
      } else {
        out.add(new BlockPlan(t, t + H2, Resolutions.RAW, 1));
        t += H2;
      }
    }
    return out;
  }

  /** Generates every block and uploads it to {@code bkt} (meta.json last, as Thanos uploads). */
  public Summary generateTo(Bucket bkt, Path workDir, HashFunc hashFunc) throws IOException {
    return generate(
        workDir,
        (dir, meta) ->
            Blocks.upload(
                bkt,
                dir,
                Blocks.UploadOptions.DEFAULT
                    .withHashFunc(hashFunc)
                    .withClock(uploadClock(meta))
                    .withConcurrency(2)));
  }

  /** Upload time: a few minutes after the block's end (deterministic). */
  static Clock uploadClock(Meta meta) {
    return Clock.fixed(Instant.ofEpochMilli(meta.maxTime() + 5 * 60_000L), ZoneOffset.UTC);
  }

  /** Generates every block into {@code workDir}, hands each to {@code sink}, then deletes it. */
  public Summary generate(Path workDir, BlockSink sink) throws IOException {
    Files.createDirectories(workDir);
    SampleSource src = new SampleSource(cfg, model.series.size());
    int blocks = 0;
    long samples = 0;
    long chunkBytes = 0;
    long indexBytes = 0;
    long ds5m = 0;
    long ds1h = 0;
    long seriesSeen = 0;
    for (BlockPlan p : plan()) {
      if (Thread.currentThread().isInterrupted()) {
        throw new java.io.InterruptedIOException("generation interrupted");
      }
      Written w = writeRaw(workDir, p, src);
      if (w == null) {
        continue;
      }
      samples += w.samples;
      seriesSeen += w.series;
      chunkBytes += chunkBytes(w.dir);
      indexBytes += Files.size(w.dir.resolve("index"));
      List<Path> toDelete = new ArrayList<>();
      toDelete.add(w.dir);
      sink.accept(w.dir, w.meta);
      blocks++;
      if (p.maxTime() - p.minTime() >= Resolutions.DOWNSAMPLE_RANGE_5M) {
        Path ds = downsample(workDir, w.dir, w.meta, Resolutions.RES_5M);
        toDelete.add(ds);
        Meta m5 = Meta.read(ds);
        ds5m += chunkBytes(ds);
        sink.accept(ds, m5);
        blocks++;
        if (p.maxTime() - p.minTime() >= Resolutions.DOWNSAMPLE_RANGE_1H) {
          Path ds2 = downsample(workDir, ds, m5, Resolutions.RES_1H);
          toDelete.add(ds2);
          ds1h += chunkBytes(ds2);
          sink.accept(ds2, Meta.read(ds2));
          blocks++;
        }
      }
      for (Path d : toDelete) {
        BlockFiles.deleteRecursively(d);
      }
      LOG.atDebug()
          .addKeyValue("mint", p.minTime())
          .addKeyValue("maxt", p.maxTime())
          .addKeyValue("series", w.series)
          .addKeyValue("samples", w.samples)
          .log("generated block");
    }
    return new Summary(blocks, seriesSeen, samples, chunkBytes, indexBytes, ds5m, ds1h);
  }

  private Path downsample(Path workDir, Path src, Meta meta, long resolution) throws IOException {
    Ulid id =
        ulid(
            meta.maxTime() + (resolution == Resolutions.RES_5M ? 10 : 20) * 60_000L,
            meta.minTime(),
            resolution);
    try (BlockReader r = BlockReader.open(src)) {
      return BlockDownsampler.downsample(r, meta, workDir, resolution, id).dir();
    }
  }

  private record Written(Path dir, Meta meta, long series, long samples) {}

  private Written writeRaw(Path workDir, BlockPlan p, SampleSource src) throws IOException {
    long range = p.maxTime() - p.minTime();
    Ulid id = range == H2 ? virtualUlid(p.minTime(), H2) : virtualUlid(p.minTime(), range);
    List<Ulid> sources = new ArrayList<>();
    for (long t = p.minTime(); t < p.maxTime(); t += H2) {
      sources.add(virtualUlid(t, H2));
    }
    List<BlockDesc> parents = new ArrayList<>();
    if (range > H2) {
      long childRange = range == D14 ? D2 : H8;
      for (long t = p.minTime(); t < p.maxTime(); t += childRange) {
        parents.add(new BlockDesc(virtualUlid(t, childRange), t, t + childRange));
      }
    }
    ThanosMeta thanos =
        ThanosMeta.of(
            cfg.externalLabels(),
            Resolutions.RAW,
            range == H2 ? Sources.SIDECAR : Sources.COMPACTOR);
    long series = 0;
    long samples = 0;
    List<ChunkMeta> chunks = new ArrayList<>();
    XorEncoder enc = new XorEncoder();
    try (BlockWriter w =
        BlockWriter.builder(workDir)
            .ulid(id)
            .timeRange(p.minTime(), p.maxTime())
            .level(p.level())
            .sources(sources)
            .parents(parents)
            .extension(ThanosMeta.KEY, thanos.toJson())
            .build()) {
      for (SeriesDef s : model.series) {
        if (s.pod().start() >= p.maxTime()) {
          continue;
        }
        int n = src.fill(s, p.minTime(), p.maxTime());
        if (n == 0) {
          continue;
        }
        chunks.clear();
        cut(src.ts, src.vs, n, enc, chunks);
        w.addChunkSeries(s.labels(), chunks);
        series++;
        samples += n;
      }
      if (series == 0) {
        return null;
      }
      BlockMeta m = w.commit();
      return new Written(workDir.resolve(id.toString()), Meta.of(m), series, samples);
    }
  }

  /**
   * Cuts samples into XOR chunks as Prometheus' head does: never across a 2h boundary, at most 120
   * samples each, evenly sized.
   */
  static void cut(long[] ts, double[] vs, int n, XorEncoder enc, List<ChunkMeta> out) {
    int i = 0;
    while (i < n) {
      long window = Math.floorDiv(ts[i], H2);
      int j = i;
      while (j < n && Math.floorDiv(ts[j], H2) == window) {
        j++;
      }
      int count = j - i;
      int parts = (count + CHUNK_SAMPLES - 1) / CHUNK_SAMPLES;
      int start = i;
      for (int c = 0; c < parts; c++) {
        int size = count / parts + (c < count % parts ? 1 : 0);
        enc.reset();
        for (int k = start; k < start + size; k++) {
          enc.appendBits(ts[k], Double.doubleToRawLongBits(vs[k]));
        }
        out.add(new ChunkMeta(ts[start], ts[start + size - 1], enc.toChunk()));
        start += size;
      }
      i = j;
    }
  }

  /** The id of the block a Prometheus/compactor would have made for a range. */
  Ulid virtualUlid(long minTime, long range) {
    // Created a little after the range ends, as heads and compactors do.
    long created =
        minTime
            + range
            + 60_000L
            + Math.floorMod(FleetModel.mix(cfg.seed(), minTime, range), 240_000L);
    return ulid(created, minTime, range);
  }

  private Ulid ulid(long timeMs, long a, long b) {
    long h = FleetModel.mix(cfg.seed(), a * 31 + b, 0x0b10c);
    return Ulid.of(timeMs, (int) (h >>> 48), FleetModel.mix(h, 1));
  }

  private static long chunkBytes(Path blockDir) throws IOException {
    try (Stream<Path> s = Files.list(blockDir.resolve("chunks"))) {
      long n = 0;
      for (Path p : s.toList()) {
        n += Files.size(p);
      }
      return n;
    }
  }
}
