package io.jthanos.block.compact;

import io.jthanos.tsdb.chunks.ChunkRefs;
import io.jthanos.tsdb.index.IndexReader;
import io.jthanos.tsdb.index.IndexSeries;
import io.jthanos.tsdb.index.Postings;
import io.jthanos.tsdb.labels.Labels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Health statistics of a block's index, as Thanos' {@code GatherIndexHealthStats}: every series is
 * read in postings order and its labels and chunk metas checked against each other and against the
 * block's time range. The compactor refuses unhealthy inputs ({@link #criticalError()} halts) and
 * verifies its own output ({@link #anyError()}); {@code tools bucket verify} reports the same
 * issues.
 *
 * @param totalSeries series in the index
 * @param outOfOrderSeries series with chunks overlapping the previous chunk (not exact duplicates)
 * @param outOfOrderChunks such chunks
 * @param duplicatedChunks chunks with exactly the previous chunk's time range
 * @param outsideChunks chunks reaching outside [block minTime, block maxTime]
 * @param completeOutsideChunks the subset entirely outside the block's range
 * @param issue347OutsideChunks the subset starting exactly at the block's maxTime
 *     (prometheus/tsdb#347; repairable)
 * @param outOfOrderLabels series whose label names are not sorted (Prometheus <= 2.8.0 bug)
 * @param totalChunks chunks in the index
 * @param seriesMaxSize the largest series entry in bytes (approximated from postings distances)
 * @param chunkMaxSize the largest chunk in bytes (approximated from chunk reference distances)
 */
public record IndexHealth(
    long totalSeries,
    long outOfOrderSeries,
    long outOfOrderChunks,
    long duplicatedChunks,
    long outsideChunks,
    long completeOutsideChunks,
    long issue347OutsideChunks,
    long outOfOrderLabels,
    long totalChunks,
    long seriesMaxSize,
    long chunkMaxSize) {

  /**
   * Reads the index at {@code indexFile} of a block spanning [minTime, maxTime].
   *
   * @throws IOException when the index is unreadable, a series has no labels or no chunks, or
   *     series are not in label order (a broken index, not a statistic)
   */
  public static IndexHealth gather(Path indexFile, long minTime, long maxTime) throws IOException {
    long totalSeries = 0;
    long oooSeries = 0;
    long oooChunks = 0;
    long dupChunks = 0;
    long outside = 0;
    long completeOutside = 0;
    long issue347 = 0;
    long oooLabels = 0;
    long totalChunks = 0;
    long seriesMax = Long.MIN_VALUE;
    long chunkMax = Long.MIN_VALUE;
    try (IndexReader r = IndexReader.open(indexFile)) {
      long multiplier = r.version() >= 2 ? 16 : 1;
      Postings p = r.allPostings();
      Labels prev = null;
      long prevId = -1;
      while (p.next()) {
        long id = p.at();
        if (prevId >= 0) {
          seriesMax = Math.max(seriesMax, (id - prevId) * multiplier);
        }
        prevId = id;
        totalSeries++;
        IndexSeries s = r.series(id);
        Labels l = s.labels();
        if (l.isEmpty()) {
          throw new IOException("empty label set detected for series " + id);
        }
        if (prev != null && Labels.compare(prev, l) >= 0) {
          throw new IOException("series " + l + " out of order; previous " + prev);
        }
        for (int i = 1; i < l.size(); i++) {
          if (Labels.compareStrings(l.name(i), l.name(i - 1)) < 0) {
            oooLabels++;
            break;
          }
        }
        int n = s.chunkCount();
        if (n == 0) {
          throw new IOException("empty chunks for series " + id);
        }
        int ooo = 0;
        for (int i = 0; i < n; i++) {
          totalChunks++;
          long cmin = s.minTime(i);
          long cmax = s.maxTime(i);
          if (i < n - 2) {
            long a = s.chunkRef(i);
            long b = s.chunkRef(i + 1);
            if (ChunkRefs.segment(a) == ChunkRefs.segment(b)) {
              chunkMax = Math.max(chunkMax, ChunkRefs.offset(b) - ChunkRefs.offset(a));
            }
          }
          if (cmin < minTime || cmax > maxTime) {
            outside++;
            if (cmin > maxTime || cmax < minTime) {
              completeOutside++;
            } else if (cmin == maxTime) {
              issue347++;
            }
          }
          if (i == 0) {
            continue;
          }
          long pmin = s.minTime(i - 1);
          long pmax = s.maxTime(i - 1);
          if (cmin > pmax) {
            continue;
          }
          if (cmin == pmin && cmax == pmax) {
            dupChunks++;
            continue;
          }
          ooo++;
        }
        if (ooo > 0) {
          oooSeries++;
          oooChunks += ooo;
        }
        prev = l;
      }
    } catch (io.jthanos.tsdb.encoding.CorruptBlockException e) {
      throw new IOException("read index " + indexFile + ": " + e.getMessage(), e);
    }
    return new IndexHealth(
        totalSeries,
        oooSeries,
        oooChunks,
        dupChunks,
        outside,
        completeOutside,
        issue347,
        oooLabels,
        totalChunks,
        seriesMax == Long.MIN_VALUE ? 0 : seriesMax,
        chunkMax == Long.MIN_VALUE ? 0 : chunkMax);
  }

  /** Chunks outside the range that no repair handles: the compactor halts on these. */
  public Optional<String> criticalError() {
    List<String> msg = new ArrayList<>();
    long n = outsideChunks - (completeOutsideChunks + issue347OutsideChunks);
    if (n > 0) {
      msg.add("found " + n + " chunks non-completely outside the block time range");
    }
    if (completeOutsideChunks > 0) {
      msg.add("found " + completeOutsideChunks + " chunks completely outside the block time range");
    }
    return msg.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", msg));
  }

  public Optional<String> issue347Error() {
    return issue347OutsideChunks > 0
        ? Optional.of(
            "found "
                + issue347OutsideChunks
                + " chunks outside the block time range introduced by"
                + " https://github.com/prometheus/tsdb/issues/347")
        : Optional.empty();
  }

  public Optional<String> outOfOrderLabelsError() {
    return outOfOrderLabels > 0
        ? Optional.of("index contains " + outOfOrderLabels + " postings with out of order labels")
        : Optional.empty();
  }

  public Optional<String> outOfOrderChunksError() {
    if (outOfOrderChunks == 0) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            java.util.Locale.ROOT,
            "%d/%d series have an average of %.3f out-of-order chunks: %.3f of these are exact"
                + " duplicates (in terms of data and time range)",
            outOfOrderSeries,
            totalSeries,
            (double) outOfOrderChunks / outOfOrderSeries,
            (double) duplicatedChunks / outOfOrderChunks));
  }

  /** Every problem, joined; empty when the index is healthy. */
  public Optional<String> anyError() {
    List<String> msg = new ArrayList<>();
    criticalError().ifPresent(msg::add);
    issue347Error().ifPresent(msg::add);
    outOfOrderLabelsError().ifPresent(msg::add);
    outOfOrderChunksError().ifPresent(msg::add);
    return msg.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", msg));
  }
}
