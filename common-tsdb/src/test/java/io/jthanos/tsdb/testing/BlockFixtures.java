package io.jthanos.tsdb.testing;

import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.BlockReader;
import io.jthanos.tsdb.block.BlockWriter;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.Querier;
import io.jthanos.tsdb.storage.SeriesSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Builds blocks from in-memory series and reads them back, for tests of every module. */
public final class BlockFixtures {
  private BlockFixtures() {}

  /** Writes a level-1 block with these series (any order) into {@code parentDir}. */
  public static BlockMeta writeBlock(Path parentDir, List<TestSeries> series) {
    return writeBlock(BlockWriter.builder(parentDir), series);
  }

  public static BlockMeta writeBlock(BlockWriter.Builder builder, List<TestSeries> series) {
    List<TestSeries> sorted = new ArrayList<>(series);
    sorted.sort(Comparator.comparing(TestSeries::labels, Labels::compare));
    try (BlockWriter w = builder.build()) {
      for (TestSeries s : sorted) {
        w.addSeries(s.labels(), s.iterator(null));
      }
      return w.commit();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every series of a block over all time, in label order. */
  public static List<TestSeries> readAll(Path blockDir) {
    try (BlockReader b = BlockReader.open(blockDir)) {
      return readAll(b, Long.MIN_VALUE, Long.MAX_VALUE);
    }
  }

  /** Every series with samples in [mint, maxt]. */
  public static List<TestSeries> readAll(BlockReader b, long mint, long maxt) {
    return select(b, mint, maxt, List.of(Matcher.regex("__name__", ".*")));
  }

  public static List<TestSeries> select(BlockReader b, long mint, long maxt, List<Matcher> ms) {
    List<TestSeries> out = new ArrayList<>();
    try (Querier q = b.querier(mint, maxt);
        SeriesSet set = q.select(true, null, ms)) {
      while (set.next()) {
        out.add(TestSeries.drain(set.at().labels(), set.at().iterator(null)));
      }
    }
    return out;
  }
}
