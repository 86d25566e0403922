package io.jthanos.block.indexheader;

import io.jthanos.tsdb.storage.StorageException;
import java.io.IOException;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * An index-header reader that maps the file only when first used and unmaps it after it has been
 * idle for a while (Thanos' {@code LazyBinaryReader}, {@code
 * --store.enable-index-header-lazy-reader}). Calls made while the reader is {@linkplain #acquire()
 * acquired} never see it unloaded. A failed load is reported to the caller (and counted); the next
 * use tries again.
 */
public final class LazyIndexHeaderReader implements IndexHeaderReader {

  /** Loads the underlying reader (building the index-header file if needed). */
  @FunctionalInterface
  public interface Loader {
    BinaryIndexHeader load() throws IOException;
  }

  private final Loader loader;
  private final ReaderPoolMetrics metrics;
  private final LongSupplier nanoTime;
  private BinaryIndexHeader reader; // guarded by this
  private int inUse; // guarded by this
  private long usedAt; // guarded by this
  private boolean closed; // guarded by this

  LazyIndexHeaderReader(Loader loader, ReaderPoolMetrics metrics, LongSupplier nanoTime) {
    this.loader = loader;
    this.metrics = metrics;
    this.nanoTime = nanoTime;
    this.usedAt = nanoTime.getAsLong();
  }

  /** Whether the index-header is currently mapped. */
  public synchronized boolean loaded() {
    return reader != null;
  }

  @Override
  public synchronized IndexHeaderReader acquire() {
    if (closed) {
      throw new IllegalStateException("index-header reader closed");
    }
    if (reader == null) {
      long start = nanoTime.getAsLong();
      try {
        reader = loader.load();
      } catch (IOException | RuntimeException e) {
        metrics.loadFailed();
        throw new StorageException("lazy load index-header: " + e.getMessage(), e);
      }
      metrics.loaded(nanoTime.getAsLong() - start);
    }
    inUse++;
    usedAt = nanoTime.getAsLong();
    return reader;
  }

  @Override
  public synchronized void release() {
    if (inUse > 0) {
      inUse--;
    }
    usedAt = nanoTime.getAsLong();
  }

  /**
   * Unmaps the index-header if it is loaded, not in use and idle for at least {@code idleNanos}.
   */
  public synchronized boolean unloadIfIdle(long idleNanos) {
    if (reader == null || inUse > 0 || nanoTime.getAsLong() - usedAt < idleNanos) {
      return false;
    }
    try {
      reader.close();
    } catch (RuntimeException e) {
      metrics.unloadFailed();
      return false;
    } finally {
      reader = null;
    }
    metrics.unloaded();
    return true;
  }

  private <T> T with(java.util.function.Function<IndexHeaderReader, T> f) {
    IndexHeaderReader r = acquire();
    try {
      return f.apply(r);
    } finally {
      release();
    }
  }

  @Override
  public int indexVersion() {
    return with(IndexHeaderReader::indexVersion);
  }

  @Override
  public PostingsRange postingsRange(String name, String value) {
    return with(r -> r.postingsRange(name, value));
  }

  @Override
  public List<PostingsRange> postingsRanges(String name, List<String> sortedValues) {
    return with(r -> r.postingsRanges(name, sortedValues));
  }

  @Override
  public void scanValues(String name, String from, ValueVisitor visitor) {
    with(
        r -> {
          r.scanValues(name, from, visitor);
          return null;
        });
  }

  @Override
  public String lookupSymbol(long ref) {
    return with(r -> r.lookupSymbol(ref));
  }

  @Override
  public List<String> labelNames() {
    return with(IndexHeaderReader::labelNames);
  }

  @Override
  public List<String> labelValues(String name) {
    return with(r -> r.labelValues(name));
  }

  @Override
  public long postingsStart() {
    return with(IndexHeaderReader::postingsStart);
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (reader != null) {
      reader.close();
      reader = null;
      metrics.unloaded();
    }
  }
}
