package io.jthanos.tsdb.compact;

import com.fasterxml.jackson.databind.JsonNode;
import io.jthanos.tsdb.block.BlockDesc;
import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.BlockReader;
import io.jthanos.tsdb.block.BlockWriter;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.block.UlidGenerator;
import io.jthanos.tsdb.chunkenc.ChunkDecodingException;
import io.jthanos.tsdb.chunkenc.UnsupportedChunkEncodingException;
import io.jthanos.tsdb.chunks.ChunkSegmentFormat;
import io.jthanos.tsdb.encoding.CorruptBlockException;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.ChunkMeta;
import io.jthanos.tsdb.storage.ChunkQuerier;
import io.jthanos.tsdb.storage.ChunkSeriesSet;
import io.jthanos.tsdb.storage.SelectHints;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * Compacts N blocks into one, the primitive Prometheus' {@code LeveledCompactor.Compact} provides
 * and Thanos' compactor builds on. Series are merged across blocks in label order; per series,
 * chunks that overlap nothing are copied byte for byte (no re-encoding unless tombstones or the
 * optional trim range touch them), overlapping chunks (vertical compaction) are merged sample by
 * sample with duplicates dropped and re-encoded in chunks of 120 samples. Deleted samples are
 * removed, so the output has empty tombstones.
 *
 * <p>The output meta.json gets level = max(input levels) + 1, sources = union of the inputs'
 * sources (sorted), parents = the inputs, time range = the inputs' union (or the trim range), hints
 * = union of the inputs' hints. When no sample survives, no block is written and the result is
 * empty: Prometheus then marks the inputs deletable, which is the caller's decision here.
 *
 * <pre>{@code
 * CompactionResult r = new Compactor().compact(dataDir, List.of(blockA, blockB));
 * r.meta().ifPresent(m -> log("compacted into " + m.ulid()));
 * }</pre>
 */
public final class Compactor {
  private final UlidGenerator ulids;
  private final long segmentSize;
  private final int chunkSamples;
  private final IntFunction<SeriesChunkMerger> mergers;

  public Compactor() {
    this(UlidGenerator.defaultGenerator(), ChunkSegmentFormat.DEFAULT_SEGMENT_SIZE, 120);
  }

  public Compactor(UlidGenerator ulids, long segmentSize, int chunkSamples) {
    this(ulids, segmentSize, chunkSamples, ChunkSeriesMerger::new);
  }

  /**
   * @param mergers makes the per-compaction merger of overlapping chunks from the chunk size
   *     ({@link ChunkSeriesMerger}: Prometheus' one-to-one merge; {@link PenaltyChunkSeriesMerger}:
   *     Thanos' replica deduplication)
   */
  public Compactor(
      UlidGenerator ulids,
      long segmentSize,
      int chunkSamples,
      IntFunction<SeriesChunkMerger> mergers) {
    this.ulids = ulids;
    this.segmentSize = segmentSize;
    this.chunkSamples = chunkSamples;
    this.mergers = mergers;
  }

  /**
   * What to compact beyond the inputs: an optional trim range [minTime, maxTime) and extra
   * top-level meta.json sections (e.g. Thanos' {@code thanos}).
   */
  public record Request(Long minTime, Long maxTime, Map<String, JsonNode> extensions, Ulid ulid) {
    public static final Request DEFAULT = new Request(null, null, Map.of(), null);

    public Request {
      if ((minTime == null) != (maxTime == null)) {
        throw new IllegalArgumentException("give both minTime and maxTime, or neither");
      }
      extensions = extensions == null ? Map.of() : new LinkedHashMap<>(extensions);
    }

    public Request withTrim(long min, long max) {
      return new Request(min, max, extensions, ulid);
    }

    public Request withExtensions(Map<String, JsonNode> ext) {
      return new Request(minTime, maxTime, ext, ulid);
    }

    public Request withUlid(Ulid id) {
      return new Request(minTime, maxTime, extensions, id);
    }
  }

  /** Outcome: the new block's meta (empty when nothing survived) and what the merge did. */
  public record CompactionResult(
      Optional<BlockMeta> meta,
      long seriesWritten,
      long chunksCopied,
      long chunksReencoded,
      long duplicateSamplesDropped,
      long chunkBytesWritten) {}

  private static String ids(List<BlockReader> blocks, List<Integer> idx) {
    List<String> out = new ArrayList<>();
    for (int i : idx) {
      out.add(blocks.get(i).id());
    }
    return out.toString();
  }

  /** Compacts the block directories into a new block under {@code dest}. */
  public CompactionResult compact(Path dest, List<Path> blockDirs) throws IOException {
    return compact(dest, blockDirs, Request.DEFAULT);
  }

  public CompactionResult compact(Path dest, List<Path> blockDirs, Request req) throws IOException {
    List<BlockReader> readers = new ArrayList<>();
    try {
      for (Path p : blockDirs) {
        readers.add(BlockReader.open(p));
      }
      return compactBlocks(dest, readers, req);
    } finally {
      for (BlockReader r : readers) {
        r.close();
      }
    }
  }

  /** Compacts open blocks (the caller keeps ownership) into a new block under {@code dest}. */
  public CompactionResult compactBlocks(Path dest, List<BlockReader> blocks, Request req)
      throws IOException {
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("nothing to compact");
    }
    List<BlockReader> sorted = new ArrayList<>(blocks);
    sorted.sort(Comparator.comparingLong(BlockReader::minTime).thenComparing(b -> b.meta().ulid()));

    long mint = Long.MAX_VALUE;
    long maxt = Long.MIN_VALUE;
    int level = 0;
    TreeSet<Ulid> sources = new TreeSet<>();
    TreeSet<String> hints = new TreeSet<>();
    List<BlockDesc> parents = new ArrayList<>();
    for (BlockReader b : sorted) {
      BlockMeta m = b.meta();
      mint = Math.min(mint, m.minTime());
      maxt = Math.max(maxt, m.maxTime());
      level = Math.max(level, m.compaction().level());
      sources.addAll(m.compaction().sources());
      hints.addAll(m.compaction().hints());
      parents.add(new BlockDesc(m.ulid(), m.minTime(), m.maxTime()));
    }
    long qmin = Long.MIN_VALUE;
    long qmax = Long.MAX_VALUE;
    boolean trim = req.minTime() != null;
    if (trim) {
      mint = req.minTime();
      maxt = req.maxTime();
      qmin = req.minTime();
      qmax = req.maxTime() - 1;
    }

    BlockWriter.Builder wb =
        BlockWriter.builder(dest)
            .ulidGenerator(ulids)
            .level(level + 1)
            .sources(new ArrayList<>(sources))
            .parents(parents)
            .hints(new ArrayList<>(hints))
            .timeRange(mint, maxt)
            .segmentSize(segmentSize)
            .chunkSamples(chunkSamples);
    if (req.ulid() != null) {
      wb.ulid(req.ulid());
    }
    req.extensions().forEach(wb::extension);

    SelectHints hintsAll = new SelectHints(qmin, qmax, 0, "", 0, List.of(), false, 0, 0, 0, !trim);
    List<Matcher> all = List.of(Matcher.regex("__name__", ".*"));
    List<ChunkQuerier> queriers = new ArrayList<>();
    SeriesChunkMerger merger = mergers.apply(chunkSamples);
    long series = 0;
    long copied = 0;
    try (BlockWriter w = wb.build()) {
      List<ChunkSeriesSet> sets = new ArrayList<>();
      for (BlockReader b : sorted) {
        ChunkQuerier q = b.chunkQuerier(qmin, qmax);
        queriers.add(q);
        sets.add(q.select(true, hintsAll, all));
      }
      try (MergingChunkSeriesSet m = new MergingChunkSeriesSet(sets)) {
        while (m.next()) {
          List<ChunkMeta> out;
          try {
            out = merger.merge(m.chunks());
          } catch (UnsupportedChunkEncodingException e) {
            throw e.withContext(sorted.get(m.sources().get(0)).id(), m.labels().toString());
          } catch (ChunkDecodingException e) {
            BlockReader first = sorted.get(m.sources().get(0));
            throw new CorruptBlockException(
                first.chunks().dir(),
                0,
                "undecodable chunk of series "
                    + m.labels()
                    + " while merging blocks "
                    + ids(sorted, m.sources()),
                "valid XOR chunk data",
                e.getMessage(),
                e);
          }
          if (out.isEmpty()) {
            continue;
          }
          w.addChunkSeries(m.labels(), out);
          copied += out.size();
          series++;
        }
      }
      // Output chunks the merger did not produce were passed through from the inputs.
      copied -= merger.chunksReencoded();
      if (w.numSamples() == 0) {
        return new CompactionResult(Optional.empty(), 0, 0, 0, merger.samplesDropped(), 0);
      }
      BlockMeta meta = w.commit();
      return new CompactionResult(
          Optional.of(meta),
          series,
          copied,
          merger.chunksReencoded(),
          merger.samplesDropped(),
          w.chunkBytes());
    } finally {
      for (ChunkQuerier q : queriers) {
        q.close();
      }
    }
  }
}
