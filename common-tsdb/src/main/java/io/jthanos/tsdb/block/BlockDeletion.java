package io.jthanos.tsdb.block;

import io.jthanos.tsdb.index.IndexSeries;
import io.jthanos.tsdb.index.Postings;
import io.jthanos.tsdb.index.PostingsForMatchers;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.tombstones.Interval;
import io.jthanos.tsdb.tombstones.Tombstones;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Marks samples of a block deleted, as Prometheus' {@code Block.Delete}: every series matching the
 * matchers that has a chunk overlapping [mint, maxt] gets a tombstone for that interval; the {@code
 * tombstones} file is rewritten atomically and {@code stats.numTombstones} in meta.json updated.
 * Queriers hide deleted samples; compaction removes them.
 */
public final class BlockDeletion {
  private BlockDeletion() {}

  /** Adds deletions to the block at {@code dir}; returns the number of series affected. */
  public static long delete(Path dir, long mint, long maxt, List<Matcher> matchers)
      throws IOException {
    Tombstones t;
    long affected = 0;
    BlockMeta meta;
    try (BlockReader b = BlockReader.open(dir)) {
      meta = b.meta();
      t = b.tombstones();
      Postings p = PostingsForMatchers.resolve(b.index(), matchers);
      while (p.next()) {
        IndexSeries s = b.index().series(p.at());
        for (int i = 0; i < s.chunkCount(); i++) {
          if (s.minTime(i) <= maxt && mint <= s.maxTime(i)) {
            t = t.with(p.at(), new Interval(mint, maxt));
            affected++;
            break;
          }
        }
      }
    }
    t.write(dir);
    meta.withStats(meta.stats().withNumTombstones(t.count())).write(dir);
    return affected;
  }
}
