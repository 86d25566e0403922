package io.jthanos.block.downsample;

import io.jthanos.tsdb.chunkenc.Chunk;
import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.ChunkMeta;
import io.jthanos.tsdb.storage.ChunkQuerier;
import io.jthanos.tsdb.storage.ChunkQueryable;
import io.jthanos.tsdb.storage.ChunkSeriesSet;
import io.jthanos.tsdb.storage.LabelHints;
import io.jthanos.tsdb.storage.LabelResult;
import io.jthanos.tsdb.storage.Querier;
import io.jthanos.tsdb.storage.Queryable;
import io.jthanos.tsdb.storage.SelectHints;
import io.jthanos.tsdb.storage.Series;
import io.jthanos.tsdb.storage.SeriesSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A {@link Queryable} view of downsampled data (e.g. a 5m or 1h {@link
 * io.jthanos.tsdb.block.BlockReader}) that shows one aggregate as the series' samples, or the
 * per-window average when {@code type} is null. This is what PromQL sees through Thanos' querier
 * for a function asking for that aggregate ({@code max_over_time} → max, {@code rate} → counter).
 */
public final class AggregateQueryable implements Queryable {
  private final ChunkQueryable source;
  private final AggrType type;

  public AggregateQueryable(ChunkQueryable source, AggrType type) {
    this.source = source;
    this.type = type;
  }

  @Override
  public Querier querier(long mint, long maxt) {
    ChunkQuerier q = source.chunkQuerier(mint, maxt);
    return new Querier() {
      @Override
      public SeriesSet select(boolean sortSeries, SelectHints hints, List<Matcher> matchers) {
        ChunkSeriesSet set = q.select(sortSeries, hints, matchers);
        return new SeriesSet() {
          private Series cur;

          @Override
          public boolean next() {
            if (!set.next()) {
              return false;
            }
            Labels l = set.at().labels();
            List<Chunk> chunks = new ArrayList<>();
            Iterator<ChunkMeta> it = set.at().chunks();
            while (it.hasNext()) {
              chunks.add(it.next().chunk());
            }
            cur =
                new Series() {
                  @Override
                  public Labels labels() {
                    return l;
                  }

                  @Override
                  public SampleIterator iterator(SampleIterator reuse) {
                    return type == null
                        ? AggrSeries.average(chunks)
                        : AggrSeries.iterator(chunks, type);
                  }
                };
            return true;
          }

          @Override
          public Series at() {
            return cur;
          }

          @Override
          public List<String> warnings() {
            return set.warnings();
          }

          @Override
          public void close() {
            set.close();
          }
        };
      }

      @Override
      public LabelResult labelValues(String name, LabelHints hints, List<Matcher> matchers) {
        return q.labelValues(name, hints, matchers);
      }

      @Override
      public LabelResult labelNames(LabelHints hints, List<Matcher> matchers) {
        return q.labelNames(hints, matchers);
      }

      @Override
      public void close() {
        q.close();
      }
    };
  }
}
