package io.jthanos.block.fetcher;

import io.jthanos.block.metadata.Meta;
import io.jthanos.objstore.BucketReader;
import io.jthanos.tsdb.block.Ulid;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synchronises the metas of all blocks in a bucket and filters them, as Thanos' {@code
 * MetaFetcher}: every {@link #fetch()} scans the bucket through a {@link BaseFetcher}, applies the
 * {@link MetaFilter}s in order and publishes the {@code thanos_blocks_meta_*} metrics.
 *
 * <pre>{@code
 * MetaFetcher f = MetaFetcher.builder(bucket)
 *     .concurrency(32).cacheDir(dataDir).registry(registry)
 *     .filters(List.of(
 *         new TimePartitionFilter(minTime, maxTime, clock),
 *         new LabelShardedFilter(relabel),
 *         new ConsistencyDelayFilter(Duration.ofMinutes(30), clock, registry),
 *         new IgnoreDeletionMarkFilter(bucket, Duration.ofHours(24), 32, clock),
 *         new DeduplicateFilter(32)))
 *     .build();
 * FetchResult r = f.fetch();
 * }</pre>
 */
public final class MetaFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(MetaFetcher.class);

  private final BaseFetcher base;
  private final FetcherMetrics metrics;
  private final List<MetaFilter> filters;
  private volatile Consumer<FetchResult> listener;

  public MetaFetcher(BaseFetcher base, FetcherMetrics metrics, List<MetaFilter> filters) {
    this.base = base;
    this.metrics = metrics;
    this.filters = List.copyOf(filters);
  }

  public static Builder builder(BucketReader bkt) {
    return new Builder(bkt);
  }

  public FetcherMetrics metrics() {
    return metrics;
  }

  public BaseFetcher base() {
    return base;
  }

  /** Called after every fetch with its result (Thanos' {@code UpdateOnChange}). */
  public void onChange(Consumer<FetchResult> l) {
    this.listener = l;
  }

  /**
   * Scans the bucket and filters. An incomplete view (some metas failed to load) is returned with
   * {@link FetchResult#error()} set; a bucket listing or filter failure throws.
   */
  public FetchResult fetch() throws IOException {
    long start = System.nanoTime();
    metrics.syncs.increment();
    TxGaugeVec synced = metrics.synced;
    TxGaugeVec modified = metrics.modified;
    synchronized (this) {
      synced.resetTx();
      modified.resetTx();
      boolean failed = true;
      try {
        BaseFetcher.Response resp = base.fetchShared();
        Map<Ulid, Meta> metas = new HashMap<>(resp.metas());
        synced.set(SyncedStates.FAILED, resp.errors().size());
        synced.set(SyncedStates.NO_META, resp.noMetas());
        synced.set(SyncedStates.CORRUPTED_META, resp.corruptedMetas());
        for (MetaFilter f : filters) {
          try {
            f.filter(metas, synced, modified);
          } catch (IOException | RuntimeException e) {
            throw new IOException("filter metas: " + e.getMessage(), e);
          }
        }
        synced.set(SyncedStates.LOADED, metas.size());
        IOException err = null;
        if (!resp.errors().isEmpty()) {
          err = new IOException("incomplete view: " + describe(resp.errors()));
          resp.errors().forEach(err::addSuppressed);
        } else {
          failed = false;
          long tookNanos = System.nanoTime() - start;
          LOG.atInfo()
              .addKeyValue("duration", java.time.Duration.ofNanos(tookNanos))
              .addKeyValue("duration_ms", tookNanos / 1_000_000)
              .addKeyValue("cached", base.cachedCount())
              .addKeyValue("returned", metas.size())
              .addKeyValue("partial", resp.partial().size())
              .log("successfully synchronized block metadata");
        }
        FetchResult result = FetchResult.of(metas, resp.partial(), err);
        Consumer<FetchResult> l = listener;
        if (l != null) {
          l.accept(result);
        }
        synced.submit();
        modified.submit();
        return result;
      } finally {
        metrics.syncDuration.record(java.time.Duration.ofNanos(System.nanoTime() - start));
        if (failed) {
          metrics.syncFailures.increment();
        }
      }
    }
  }

  private static String describe(List<Exception> errors) {
    StringBuilder sb = new StringBuilder();
    sb.append(errors.size()).append(errors.size() == 1 ? " error: " : " errors: ");
    for (int i = 0; i < errors.size() && i < 3; i++) {
      if (i > 0) {
        sb.append("; ");
      }
      sb.append(errors.get(i).getMessage());
    }
    return sb.toString();
  }

  /** Configures a fetcher with its own {@link BaseFetcher}. */
  public static final class Builder {
    private final BucketReader bkt;
    private int concurrency = BaseFetcher.DEFAULT_CONCURRENCY;
    private DiscoveryStrategy strategy = DiscoveryStrategy.CONCURRENT;
    private Path cacheDir;
    private MeterRegistry registry;
    private List<MetaFilter> filters = List.of();
    private List<String> extraSyncedStates = List.of();

    private Builder(BucketReader bkt) {
      this.bkt = bkt;
    }

    /** {@code --block-meta-fetch-concurrency} (default 32). */
    public Builder concurrency(int n) {
      this.concurrency = n;
      return this;
    }

    /** {@code --block-discovery-strategy} (default concurrent). */
    public Builder strategy(DiscoveryStrategy s) {
      this.strategy = s;
      return this;
    }

    /** Local directory for cached metas ({@code <dir>/meta-syncer}); none by default. */
    public Builder cacheDir(Path dir) {
      this.cacheDir = dir;
      return this;
    }

    public Builder registry(MeterRegistry r) {
      this.registry = r;
      return this;
    }

    public Builder filters(List<MetaFilter> f) {
      this.filters = f;
      return this;
    }

    /** States beyond Thanos' defaults that should be exported as 0 from the start. */
    public Builder extraSyncedStates(List<String> s) {
      this.extraSyncedStates = s;
      return this;
    }

    public MetaFetcher build() throws IOException {
      BaseFetcher base = new BaseFetcher(bkt, concurrency, strategy, cacheDir, registry);
      return new MetaFetcher(base, new FetcherMetrics(registry, extraSyncedStates), filters);
    }
  }
}
