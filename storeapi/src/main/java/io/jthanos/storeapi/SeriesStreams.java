package io.jthanos.storeapi;

import com.google.protobuf.Any;
import io.jthanos.tsdb.chunkenc.Chunks;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.storage.ChunkMeta;
import io.jthanos.tsdb.storage.ChunkSeries;
import io.jthanos.tsdb.storage.ChunkSeriesSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** Small adapters around {@link SeriesStream}. */
public final class SeriesStreams {
  private SeriesStreams() {}

  /** A stream over series already in memory (must be sorted by labels). */
  public static SeriesStream of(List<StoreSeries> series, List<String> warnings) {
    List<StoreSeries> list = List.copyOf(series);
    List<String> warns = List.copyOf(warnings);
    return new SeriesStream() {
      private int i = -1;

      @Override
      public boolean next() {
        if (i + 1 >= list.size()) {
          i = list.size();
          return false;
        }
        i++;
        return true;
      }

      @Override
      public StoreSeries at() {
        return list.get(i);
      }

      @Override
      public List<String> warnings() {
        return warns;
      }

      @Override
      public List<Any> hints() {
        return List.of();
      }

      @Override
      public void close() {}
    };
  }

  /** Reads a whole stream into memory and closes it. */
  public static List<StoreSeries> toList(SeriesStream stream) {
    try (stream) {
      List<StoreSeries> out = new ArrayList<>();
      while (stream.next()) {
        out.add(stream.at());
      }
      return out;
    }
  }

  /**
   * Drops {@code labels} from every series, re-sorts and joins series that became identical: the
   * proxy's fallback for stores that do not support {@code without_replica_labels}. Buffers the
   * whole stream.
   */
  public static SeriesStream withoutLabels(SeriesStream stream, Set<String> labels) {
    List<StoreSeries> all = new ArrayList<>();
    List<String> warnings;
    List<Any> hints;
    try (stream) {
      while (stream.next()) {
        StoreSeries s = stream.at();
        all.add(new StoreSeries(s.labels().without(labels), s.chunks()));
      }
      warnings = stream.warnings();
      hints = stream.hints();
    }
    all.sort((a, b) -> Labels.compare(a.labels(), b.labels()));
    List<StoreSeries> joined = new ArrayList<>(all.size());
    int i = 0;
    while (i < all.size()) {
      int j = i + 1;
      while (j < all.size() && all.get(j).labels().equals(all.get(i).labels())) {
        j++;
      }
      joined.add(SeriesMerger.mergeSame(all.subList(i, j)));
      i = j;
    }
    SeriesStream out = of(joined, warnings);
    return new SeriesStream() {
      @Override
      public boolean next() {
        return out.next();
      }

      @Override
      public StoreSeries at() {
        return out.at();
      }

      @Override
      public List<String> warnings() {
        return out.warnings();
      }

      @Override
      public List<Any> hints() {
        return hints;
      }

      @Override
      public void close() {}
    };
  }

  /**
   * The raw chunks of a series as storage chunks (views of the received bytes, decodable with the
   * TSDB library). Downsampled aggregate members are not raw data and are left out.
   */
  public static List<ChunkMeta> rawChunks(StoreSeries s) {
    List<ChunkMeta> out = new ArrayList<>(s.chunks().size());
    for (StoreChunk c : s.chunks()) {
      if (c.raw() != null) {
        out.add(
            new ChunkMeta(
                c.minTime(),
                c.maxTime(),
                Chunks.of(
                    c.raw().encoding().code(), c.raw().data().asReadOnlyByteBuffer().slice())));
      }
    }
    return out;
  }

  /**
   * A StoreAPI answer as a storage {@link ChunkSeriesSet} of raw chunks (see {@link #rawChunks}),
   * so storage-level code (PromQL, compaction tests) can consume it. Closing the set closes the
   * stream; stream warnings become the set's warnings.
   */
  public static ChunkSeriesSet asChunkSeriesSet(SeriesStream stream) {
    return new ChunkSeriesSet() {
      private ChunkSeries cur;

      @Override
      public boolean next() {
        if (!stream.next()) {
          cur = null;
          return false;
        }
        StoreSeries s = stream.at();
        List<ChunkMeta> chunks = rawChunks(s);
        cur =
            new ChunkSeries() {
              @Override
              public Labels labels() {
                return s.labels();
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
        return stream.warnings();
      }

      @Override
      public void close() {
        stream.close();
      }
    };
  }
}
