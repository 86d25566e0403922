package io.jthanos.block.downsample;

import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.Sources;
import io.jthanos.block.metadata.ThanosMeta;
import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.BlockReader;
import io.jthanos.tsdb.block.BlockStats;
import io.jthanos.tsdb.block.BlockWriter;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.chunkenc.Chunk;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import io.jthanos.tsdb.chunks.ChunkSegmentReader;
import io.jthanos.tsdb.index.IndexReader;
import io.jthanos.tsdb.index.IndexSeries;
import io.jthanos.tsdb.index.Postings;
import io.jthanos.tsdb.storage.ChunkMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downsamples a whole block (Thanos' {@code downsample.Downsample}): every series of the source, in
 * index order, through a {@link Downsampler}, into a new block under {@code dir}. The new block
 * keeps the source's time range, {@code compaction} section, stats other than
 * samples/chunks/series, and {@code thanos} section, with {@code downsample.resolution} set, {@code
 * source: compactor} and {@code segment_files} listed; tombstones are not applied (as Thanos).
 *
 * <p>Series whose chunks are native histograms are skipped with a warning: this library cannot
 * decode them (Thanos would keep their counter, sum and count).
 */
public final class BlockDownsampler {
  private static final Logger LOG = LoggerFactory.getLogger(BlockDownsampler.class);

  /** What a run did. */
  public record Result(Meta meta, Path dir, long inputSamples, long skippedHistogramChunks) {}

  private BlockDownsampler() {}

  /**
   * Downsamples {@code src} (described by {@code origMeta}) to {@code resolution}, writing block
   * {@code newId} into {@code dir}.
   *
   * @throws IllegalArgumentException when the source is not finer than the target
   */
  public static Result downsample(
      BlockReader src, Meta origMeta, Path dir, long resolution, Ulid newId) throws IOException {
    long inRes = origMeta.resolution();
    if (inRes >= resolution) {
      throw new IllegalArgumentException("target resolution not lower than existing one");
    }
    LOG.atInfo()
        .addKeyValue("block", origMeta.ulid())
        .addKeyValue("source_resolution", inRes)
        .addKeyValue("target_resolution", resolution)
        .log("starting downsample operation");
    IndexReader index = src.index();
    ChunkSegmentReader chunks = src.chunks();
    Downsampler d = new Downsampler();
    long inputSamples = 0;
    long skipped = 0;
    BlockWriter.Builder b =
        BlockWriter.builder(dir)
            .ulid(newId)
            .timeRange(origMeta.minTime(), origMeta.maxTime())
            .finishMeta((m, tmp) -> finalMeta(m, tmp, origMeta, resolution));
    try (BlockWriter w = b.build()) {
      Postings p = index.allPostings();
      List<ChunkMeta> out = new ArrayList<>();
      List<ChunkMeta> aggr = new ArrayList<>();
      while (p.next()) {
        IndexSeries s = index.series(p.at());
        for (int i = 1; i < s.chunkCount(); i++) {
          if (s.maxTime(i - 1) >= s.minTime(i)) {
            throw new IOException(
                "found overlapping chunks within series "
                    + p.at()
                    + ". Chunks expected to be ordered by min time and non-overlapping, got: "
                    + s.chunks());
          }
        }
        out.clear();
        d.reset();
        if (inRes == Resolutions.RAW) {
          for (int i = 0; i < s.chunkCount(); i++) {
            Chunk c = chunks.chunk(s.chunkRef(i));
            switch (c.encoding()) {
              case XOR -> {
                d.addRawChunk(c);
                inputSamples += c.numSamples();
              }
              case HISTOGRAM, FLOAT_HISTOGRAM -> {
                d.flushRaw(resolution, out);
                skipped++;
              }
              default ->
                  throw new IOException(
                      "unexpected chunk encoding "
                          + c.encoding()
                          + " in raw block, series "
                          + s.labels());
            }
          }
          d.flushRaw(resolution, out);
        } else {
          aggr.clear();
          for (int i = 0; i < s.chunkCount(); i++) {
            Chunk c = chunks.chunk(s.chunkRef(i));
            if (c.encoding() == ChunkEncoding.AGGREGATE) {
              AggrChunk a = AggrChunk.from(c);
              inputSamples += a.numSamples();
              if (a.isHistogram()) {
                skipped++;
                continue;
              }
              aggr.add(new ChunkMeta(s.minTime(i), s.maxTime(i), a));
            } else if (c.encoding() == ChunkEncoding.XOR && c.numSamples() > 0) {
              // Raw chunks inside a downsampled block: turned into 5m aggregates first.
              d.reset();
              d.addRawChunk(c);
              inputSamples += c.numSamples();
              d.flushRaw(Resolutions.RES_5M, aggr);
            } else if (c.encoding() == ChunkEncoding.XOR) {
              LOG.atWarn()
                  .addKeyValue("series", s.labels())
                  .log("expected downsampled chunk, got an empty XOR chunk instead; skipping");
            } else {
              skipped++;
            }
          }
          d.downsampleAggr(aggr, inRes, resolution, out);
        }
        if (out.isEmpty()) {
          LOG.atWarn().addKeyValue("series", s.labels()).log("empty chunks happened, skip series");
          continue;
        }
        w.addChunkSeries(s.labels(), out);
      }
      BlockMeta m = w.commit();
      if (skipped > 0) {
        LOG.atWarn()
            .addKeyValue("block", origMeta.ulid())
            .addKeyValue("chunks", skipped)
            .log("native histogram chunks are not downsampled; skipped");
      }
      LOG.atInfo()
          .addKeyValue("source_block", origMeta.ulid())
          .addKeyValue("result_block", newId)
          .addKeyValue("resolution", resolution)
          .log("completed downsample operation");
      return new Result(Meta.of(m), dir.resolve(newId.toString()), inputSamples, skipped);
    }
  }

  private static BlockMeta finalMeta(BlockMeta written, Path tmp, Meta orig, long resolution) {
    BlockStats o = orig.block().stats();
    BlockStats w = written.stats();
    BlockStats stats =
        new BlockStats(
            w.numSamples(),
            o.numFloatSamples(),
            o.numHistogramSamples(),
            w.numSeries(),
            w.numChunks(),
            o.numTombstones());
    ThanosMeta t =
        orig.thanos()
            .withResolution(resolution)
            .withSource(Sources.COMPACTOR)
            .withSegmentFiles(segmentFiles(tmp));
    BlockMeta b =
        new BlockMeta(
            written.ulid(),
            orig.minTime(),
            orig.maxTime(),
            stats,
            orig.block().compaction(),
            BlockMeta.VERSION,
            orig.block().extensions());
    return new Meta(b, t).toBlockMeta();
  }

  private static List<String> segmentFiles(Path blockDir) {
    try (Stream<Path> s = Files.list(blockDir.resolve("chunks"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
