package io.jthanos.tsdb.block;

import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.LabelHints;
import io.jthanos.tsdb.storage.LabelResult;
import io.jthanos.tsdb.storage.Querier;
import io.jthanos.tsdb.storage.SelectHints;
import io.jthanos.tsdb.storage.Series;
import io.jthanos.tsdb.storage.SeriesSet;
import io.jthanos.tsdb.tombstones.Intervals;
import java.util.List;

/** {@link Querier} over one block; series come in label order whether sorting is asked or not. */
final class BlockQuerier implements Querier {
  private final BlockReader block;
  private final long mint;
  private final long maxt;

  BlockQuerier(BlockReader block, long mint, long maxt) {
    this.block = block;
    this.mint = mint;
    this.maxt = maxt;
  }

  @Override
  public SeriesSet select(boolean sortSeries, SelectHints hints, List<Matcher> matchers) {
    BlockSelection sel = new BlockSelection(block, mint, maxt, hints, matchers);
    return new SeriesSet() {
      private Series cur;

      @Override
      public boolean next() {
        if (!sel.next()) {
          cur = null;
          return false;
        }
        cur =
            new BlockSeries(
                block,
                sel.labels,
                sel.chunks,
                sel.chunkCount,
                sel.trimMin(),
                sel.trimMax(),
                sel.deleted);
        return true;
      }

      @Override
      public Series at() {
        if (cur == null) {
          throw new IllegalStateException("no current series");
        }
        return cur;
      }

      @Override
      public List<String> warnings() {
        return List.of();
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public LabelResult labelValues(String name, LabelHints hints, List<Matcher> matchers) {
    return BlockSelection.labelValues(block, name, hints, matchers);
  }

  @Override
  public LabelResult labelNames(LabelHints hints, List<Matcher> matchers) {
    return BlockSelection.labelNames(block, hints, matchers);
  }

  @Override
  public void close() {}

  private record BlockSeries(
      BlockReader block,
      Labels labels,
      long[] chunks,
      int count,
      long mint,
      long maxt,
      Intervals deleted)
      implements Series {
    @Override
    public SampleIterator iterator(SampleIterator reuse) {
      return new BlockSampleIterator(
          block.id(), block.chunks(), labels, chunks, count, mint, maxt, deleted);
    }
  }
}
