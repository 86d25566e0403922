package io.jthanos.block.compact;

import io.jthanos.block.metadata.Meta;
import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.BlockReader;
import io.jthanos.tsdb.block.BlockWriter;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.chunkenc.Chunk;
import io.jthanos.tsdb.index.IndexSeries;
import io.jthanos.tsdb.index.Postings;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.storage.ChunkMeta;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites a block without the index problems Thanos knows how to repair (Thanos' {@code
 * block.Repair}): series labels are re-sorted (the Prometheus <= 2.8.0 label-order bug), series are
 * written in label order, chunks are ordered by start time, and chunks are dropped according to the
 * chosen {@link Fix}es. The new block keeps the time range, compaction section and {@code thanos}
 * section (with the given source) under a new ULID; the original is left untouched.
 */
public final class BlockRepair {
  private static final Logger LOG = LoggerFactory.getLogger(BlockRepair.class);

  /** Chunks a repair drops (Thanos' ignore functions). */
  public enum Fix {
    /** Chunks entirely outside the block's time range. */
    COMPLETE_OUTSIDE_CHUNKS,
    /** Chunks starting exactly at the block's maxTime (prometheus/tsdb#347). */
    ISSUE_347_OUTSIDE_CHUNKS,
    /** Chunks with the previous chunk's time range and bytes. */
    DUPLICATE_CHUNKS
  }

  /** The fixes of {@code tools bucket verify --repair} for index issues. */
  public static final Set<Fix> ALL = EnumSet.allOf(Fix.class);

  private BlockRepair() {}

  /**
   * Writes the repaired copy of the block in {@code srcDir} into {@code destParent}/{@code newId}.
   *
   * @throws IOException when a chunk problem remains that no chosen fix covers (overlapping chunks
   *     with different data)
   */
  public static Meta repair(Path srcDir, Path destParent, Ulid newId, String source, Set<Fix> fixes)
      throws IOException {
    Meta orig = Meta.read(srcDir);
    long mint = orig.minTime();
    long maxt = orig.maxTime();
    long dropped = 0;
    try (BlockReader r = BlockReader.open(srcDir)) {
      record Entry(Labels labels, long ref) {}
      List<Entry> entries = new ArrayList<>();
      Postings p = r.index().allPostings();
      while (p.next()) {
        Labels l = r.index().seriesLabels(p.at());
        entries.add(new Entry(Labels.fromMap(l.toMap()), p.at()));
      }
      entries.sort(Comparator.comparing(Entry::labels, Labels::compare));
      BlockMeta ob = orig.block();
      BlockWriter.Builder b =
          BlockWriter.builder(destParent)
              .ulid(newId)
              .timeRange(mint, maxt)
              .level(ob.compaction().level())
              .sources(ob.compaction().sources())
              .parents(ob.compaction().parents())
              .hints(ob.compaction().hints());
      try (BlockWriter w = b.build()) {
        Labels prev = null;
        for (Entry e : entries) {
          if (prev != null && Labels.compare(prev, e.labels()) == 0) {
            throw new IOException("duplicate series " + e.labels() + " in block " + orig.ulid());
          }
          prev = e.labels();
          IndexSeries s = r.index().series(e.ref());
          List<ChunkMeta> chunks = new ArrayList<>(s.chunkCount());
          for (int i = 0; i < s.chunkCount(); i++) {
            chunks.add(new ChunkMeta(s.minTime(i), s.maxTime(i), r.chunks().chunk(s.chunkRef(i))));
          }
          chunks.sort(Comparator.comparingLong(ChunkMeta::minTime));
          List<ChunkMeta> kept = new ArrayList<>(chunks.size());
          ChunkMeta last = null;
          for (ChunkMeta c : chunks) {
            if (ignore(fixes, mint, maxt, last, c, e.labels())) {
              dropped++;
              continue;
            }
            last = c;
            kept.add(c);
          }
          w.addChunkSeries(e.labels(), kept);
        }
        BlockMeta written = w.commit();
        Meta m = new Meta(written, orig.thanos().withSource(source).withFiles(List.of()));
        m.write(destParent.resolve(newId.toString()));
        LOG.atInfo()
            .addKeyValue("block", orig.ulid())
            .addKeyValue("repaired", newId)
            .addKeyValue("dropped_chunks", dropped)
            .log("repaired block");
        return m;
      }
    }
  }

  private static boolean ignore(
      Set<Fix> fixes, long mint, long maxt, ChunkMeta last, ChunkMeta c, Labels series)
      throws IOException {
    if (fixes.contains(Fix.COMPLETE_OUTSIDE_CHUNKS) && (c.minTime() > maxt || c.maxTime() < mint)) {
      return true;
    }
    if (fixes.contains(Fix.ISSUE_347_OUTSIDE_CHUNKS) && c.minTime() == maxt && c.maxTime() > maxt) {
      return true;
    }
    if (last == null || c.minTime() > last.maxTime()) {
      return false;
    }
    if (fixes.contains(Fix.DUPLICATE_CHUNKS)
        && c.minTime() == last.minTime()
        && c.maxTime() == last.maxTime()) {
      if (sameBytes(last.chunk(), c.chunk())) {
        return true;
      }
      throw new IOException(
          "found duplicate chunks with different data for series "
              + series
              + " in ["
              + c.minTime()
              + ", "
              + c.maxTime()
              + "]");
    }
    throw new IOException(
        "overlapping chunks for series "
            + series
            + ": ["
            + c.minTime()
            + ", "
            + c.maxTime()
            + "] after ["
            + last.minTime()
            + ", "
            + last.maxTime()
            + "]");
  }

  private static boolean sameBytes(Chunk a, Chunk b) {
    return a.encoding() == b.encoding() && a.data().equals(b.data());
  }
}
