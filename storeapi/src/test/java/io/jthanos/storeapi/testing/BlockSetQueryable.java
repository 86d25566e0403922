package io.jthanos.storeapi.testing;

import io.jthanos.tsdb.block.BlockReader;
import io.jthanos.tsdb.compact.MergingChunkSeriesSet;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.ChunkMeta;
import io.jthanos.tsdb.storage.ChunkQuerier;
import io.jthanos.tsdb.storage.ChunkQueryable;
import io.jthanos.tsdb.storage.ChunkSeries;
import io.jthanos.tsdb.storage.ChunkSeriesSet;
import io.jthanos.tsdb.storage.LabelHints;
import io.jthanos.tsdb.storage.LabelResult;
import io.jthanos.tsdb.storage.SelectHints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The blocks of a Prometheus data directory as one {@link ChunkQueryable}: per query, the blocks
 * overlapping the range are selected and their sorted series merged by labels, chunks in time order
 * (what a Prometheus-backed StoreAPI serves). Owns the block readers.
 */
public final class BlockSetQueryable implements ChunkQueryable, AutoCloseable {
  private final List<BlockReader> blocks;

  private BlockSetQueryable(List<BlockReader> blocks) {
    this.blocks = List.copyOf(blocks);
  }

  /** Opens every block directory (a directory with meta.json) under {@code dataDir}. */
  public static BlockSetQueryable open(Path dataDir) {
    List<BlockReader> readers = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(dataDir)) {
      for (Path d : dirs.sorted().toList()) {
        if (Files.isRegularFile(d.resolve("meta.json"))) {
          readers.add(BlockReader.open(d));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    readers.sort(Comparator.comparingLong(BlockReader::minTime));
    return new BlockSetQueryable(readers);
  }

  public List<BlockReader> blocks() {
    return blocks;
  }

  public long minTime() {
    return blocks.stream().mapToLong(BlockReader::minTime).min().orElse(Long.MAX_VALUE);
  }

  /** Inclusive: a block's meta max time is exclusive. */
  public long maxTime() {
    return blocks.stream().mapToLong(BlockReader::maxTime).max().orElse(Long.MIN_VALUE) - 1;
  }

  @Override
  public ChunkQuerier chunkQuerier(long mint, long maxt) {
    List<ChunkQuerier> qs = new ArrayList<>();
    for (BlockReader b : blocks) {
      if (b.overlapsClosedInterval(mint, maxt)) {
        qs.add(b.chunkQuerier(mint, maxt));
      }
    }
    return new ChunkQuerier() {
      @Override
      public ChunkSeriesSet select(boolean sortSeries, SelectHints hints, List<Matcher> matchers) {
        List<ChunkSeriesSet> sets = new ArrayList<>();
        for (ChunkQuerier q : qs) {
          sets.add(q.select(true, hints, matchers));
        }
        MergingChunkSeriesSet merged = new MergingChunkSeriesSet(sets);
        return new ChunkSeriesSet() {
          private ChunkSeries cur;

          @Override
          public boolean next() {
            if (!merged.next()) {
              cur = null;
              return false;
            }
            Labels labels = merged.labels();
            List<ChunkMeta> chunks = new ArrayList<>();
            for (List<ChunkMeta> l : merged.chunks()) {
              chunks.addAll(l);
            }
            chunks.sort(Comparator.comparingLong(ChunkMeta::minTime));
            cur =
                new ChunkSeries() {
                  @Override
                  public Labels labels() {
                    return labels;
                  }

                  @Override
                  public Iterator<ChunkMeta> chunks() {
                    return chunks.iterator();
                  }
                };
            return true;
          }

          @Override
          public ChunkSeries at() {
            return cur;
          }

          @Override
          public List<String> warnings() {
            List<String> w = new ArrayList<>();
            for (ChunkSeriesSet s : sets) {
              w.addAll(s.warnings());
            }
            return w;
          }

          @Override
          public void close() {
            merged.close();
          }
        };
      }

      @Override
      public LabelResult labelValues(String name, LabelHints hints, List<Matcher> matchers) {
        TreeSet<String> all = new TreeSet<>(Labels::compareStrings);
        for (ChunkQuerier q : qs) {
          all.addAll(q.labelValues(name, LabelHints.NONE, matchers).values());
        }
        return LabelResult.of(limit(all, hints));
      }

      @Override
      public LabelResult labelNames(LabelHints hints, List<Matcher> matchers) {
        TreeSet<String> all = new TreeSet<>(Labels::compareStrings);
        for (ChunkQuerier q : qs) {
          all.addAll(q.labelNames(LabelHints.NONE, matchers).values());
        }
        return LabelResult.of(limit(all, hints));
      }

      @Override
      public void close() {
        for (ChunkQuerier q : qs) {
          q.close();
        }
      }
    };
  }

  private static List<String> limit(TreeSet<String> all, LabelHints hints) {
    List<String> l = new ArrayList<>(all);
    return hints != null && hints.limit() > 0 && l.size() > hints.limit()
        ? l.subList(0, (int) hints.limit())
        : l;
  }

  @Override
  public void close() {
    for (BlockReader b : blocks) {
      b.close();
    }
  }
}
