package io.jthanos.block.compact;

import com.fasterxml.jackson.databind.JsonNode;
import io.jthanos.block.metadata.DeletionRequest;
import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.Rewrite;
import io.jthanos.block.metadata.Sources;
import io.jthanos.block.relabel.Relabel;
import io.jthanos.block.relabel.RelabelConfig;
import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.BlockReader;
import io.jthanos.tsdb.block.BlockWriter;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.chunkenc.XorEncoder;
import io.jthanos.tsdb.chunkenc.XorIterator;
import io.jthanos.tsdb.compact.ChunkSeriesMerger;
import io.jthanos.tsdb.index.IndexSeries;
import io.jthanos.tsdb.index.Postings;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.ChunkMeta;
import io.jthanos.tsdb.tombstones.Interval;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rewrites one block with series deleted or relabelled (Thanos' {@code compactv2} behind {@code
 * tools bucket rewrite}). Relabel configs are applied to every series first (a series relabelled to
 * nothing is deleted; series that end up with equal labels are merged); then each deletion request
 * whose matchers all match removes the samples in its intervals (the whole series when it has
 * none). Every change goes to the change log ({@code Deleted <labels> [{mint maxt}]}, {@code
 * Relabelled <old> <new>}). The new block keeps the time range, level and parents; its {@code
 * compaction.sources} is the new block itself, {@code thanos.rewrites} records the old sources with
 * what was applied, and {@code thanos.source} is {@code bucket.rewrite}. A dry run only logs.
 */
public final class BlockRewriter {
  /** One deletion: the selector's matchers and intervals (none: the whole series). */
  public record Deletion(
      List<Matcher> matchers, List<Interval> intervals, DeletionRequest request) {
    public Deletion {
      matchers = List.copyOf(matchers);
      intervals = List.copyOf(intervals);
    }
  }

  /** What a rewrite did. */
  public record Result(
      Meta meta, long seriesIn, long seriesDeleted, long seriesRelabelled, long samplesDeleted) {}

  private BlockRewriter() {}

  /**
   * Rewrites the block in {@code srcDir} into {@code destParent/newId} (not written in a dry run).
   *
   * @param relabelsJson the relabel configs as they were written, recorded in meta.json
   */
  public static Result rewrite(
      Path srcDir,
      Path destParent,
      Ulid newId,
      List<RelabelConfig> relabels,
      List<JsonNode> relabelsJson,
      List<Deletion> deletions,
      boolean dryRun,
      PrintWriter changeLog)
      throws IOException {
    Meta orig = Meta.read(srcDir);
    long in = 0;
    long deleted = 0;
    long relabelled = 0;
    long samplesDeleted = 0;
    try (BlockReader r = BlockReader.open(srcDir)) {
      // New label set -> series refs of the source holding it (relabelling may merge series).
      TreeMap<Labels, List<Long>> series = new TreeMap<>(Labels::compare);
      Postings p = r.index().allPostings();
      while (p.next()) {
        in++;
        Labels l = r.index().seriesLabels(p.at());
        Labels nl = relabels.isEmpty() ? l : Relabel.process(l, relabels);
        if (nl == null || nl.isEmpty()) {
          changeLog.println("Deleted " + l + " [{" + Long.MIN_VALUE + " " + Long.MAX_VALUE + "}]");
          deleted++;
          continue;
        }
        if (!nl.equals(l)) {
          changeLog.println("Relabelled " + l + " " + nl);
          relabelled++;
        }
        series.computeIfAbsent(nl, k -> new ArrayList<>()).add(p.at());
      }
      BlockMeta ob = orig.block();
      BlockWriter w =
          dryRun
              ? null
              : BlockWriter.builder(destParent)
                  .ulid(newId)
                  .timeRange(ob.minTime(), ob.maxTime())
                  .level(ob.compaction().level())
                  .sources(List.of(newId))
                  .parents(ob.compaction().parents())
                  .hints(ob.compaction().hints())
                  .build();
      try {
        ChunkSeriesMerger merger = new ChunkSeriesMerger();
        XorIterator it = new XorIterator();
        for (Map.Entry<Labels, List<Long>> e : series.entrySet()) {
          Labels l = e.getKey();
          List<List<ChunkMeta>> perSource = new ArrayList<>();
          for (long ref : e.getValue()) {
            IndexSeries s = r.index().series(ref);
            List<ChunkMeta> cs = new ArrayList<>(s.chunkCount());
            for (int i = 0; i < s.chunkCount(); i++) {
              cs.add(new ChunkMeta(s.minTime(i), s.maxTime(i), r.chunks().chunk(s.chunkRef(i))));
            }
            perSource.add(cs);
          }
          List<ChunkMeta> chunks = merger.merge(perSource);
          for (Deletion d : deletions) {
            boolean all = true;
            for (Matcher m : d.matchers()) {
              if (!m.matches(l)) {
                all = false;
                break;
              }
            }
            if (!all) {
              continue;
            }
            if (d.intervals().isEmpty()) {
              changeLog.println(
                  "Deleted " + l + " [{" + Long.MIN_VALUE + " " + Long.MAX_VALUE + "}]");
              samplesDeleted += chunks.stream().mapToLong(c -> c.chunk().numSamples()).sum();
              chunks = List.of();
              deleted++;
              break;
            }
            long before = chunks.stream().mapToLong(c -> c.chunk().numSamples()).sum();
            chunks = cut(chunks, d.intervals(), it, l);
            long after = chunks.stream().mapToLong(c -> c.chunk().numSamples()).sum();
            if (after != before) {
              changeLog.println("Deleted " + l + " " + intervals(d.intervals()));
              samplesDeleted += before - after;
              if (after == 0) {
                deleted++;
              }
            }
          }
          if (w != null && !chunks.isEmpty()) {
            w.addChunkSeries(l, chunks);
          }
        }
        changeLog.flush();
        if (w == null) {
          return new Result(null, in, deleted, relabelled, samplesDeleted);
        }
        BlockMeta written = w.commit();
        List<Rewrite> rewrites = new ArrayList<>(orig.thanos().rewrites());
        rewrites.add(
            new Rewrite(
                ob.compaction().sources(),
                deletions.stream().map(Deletion::request).toList(),
                relabelsJson));
        Meta m =
            new Meta(
                written,
                orig.thanos()
                    .withSource(Sources.BUCKET_REWRITE)
                    .withRewrites(rewrites)
                    .withFiles(List.of()));
        m.write(destParent.resolve(newId.toString()));
        return new Result(m, in, deleted, relabelled, samplesDeleted);
      } finally {
        if (w != null) {
          w.close();
        }
      }
    }
  }

  /** Go's {@code %v} of tombstones.Intervals: {@code [{1 2} {5 9}]}. */
  static String intervals(List<Interval> iv) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < iv.size(); i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append('{')
          .append(iv.get(i).minTime())
          .append(' ')
          .append(iv.get(i).maxTime())
          .append('}');
    }
    return sb.append(']').toString();
  }

  private static boolean inside(long t, List<Interval> iv) {
    for (Interval i : iv) {
      if (t >= i.minTime() && t <= i.maxTime()) {
        return true;
      }
    }
    return false;
  }

  /** The chunks without samples in the intervals; touched XOR chunks are re-encoded. */
  private static List<ChunkMeta> cut(
      List<ChunkMeta> chunks, List<Interval> iv, XorIterator it, Labels series) throws IOException {
    List<ChunkMeta> out = new ArrayList<>(chunks.size());
    for (ChunkMeta c : chunks) {
      boolean touched = false;
      boolean covered = true;
      for (Interval i : iv) {
        if (c.minTime() <= i.maxTime() && i.minTime() <= c.maxTime()) {
          touched = true;
        }
      }
      if (!touched) {
        out.add(c);
        continue;
      }
      for (Interval i : iv) {
        covered = i.minTime() <= c.minTime() && c.maxTime() <= i.maxTime();
        if (covered) {
          break;
        }
      }
      if (covered) {
        continue;
      }
      if (c.chunk().encoding() != ChunkEncoding.XOR) {
        throw new IOException(
            "cannot delete part of a "
                + c.chunk().encoding()
                + " chunk of series "
                + series
                + "; only XOR chunks can be cut");
      }
      XorEncoder enc = new XorEncoder();
      it.reset(c.chunk().data());
      while (it.next() == ValueType.FLOAT) {
        if (inside(it.atT(), iv)) {
          continue;
        }
        if (enc.numSamples() >= 120) {
          out.add(new ChunkMeta(enc.minTime(), enc.maxTime(), enc.toChunk()));
          enc = new XorEncoder();
        }
        enc.appendBits(it.atT(), it.atVBits());
      }
      if (enc.numSamples() > 0) {
        out.add(new ChunkMeta(enc.minTime(), enc.maxTime(), enc.toChunk()));
      }
    }
    return out;
  }
}
