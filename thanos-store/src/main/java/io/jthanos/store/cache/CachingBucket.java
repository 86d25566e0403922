package io.jthanos.store.cache;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.ForwardingBucket;
import io.jthanos.objstore.NameIterator;
import io.jthanos.objstore.ObjectAttributes;
import io.jthanos.objstore.ObjectNotFoundException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * Thanos' caching bucket for the store gateway ({@code --store.caching-bucket.config}): range reads
 * of chunk segment files are served from fixed-size subranges kept in a cache (missing subranges
 * fetched with at most {@code max_chunks_get_range_requests} range reads and stored
 * asynchronously); chunk file attributes, the content and existence of meta files ({@code
 * meta.json}, {@code deletion-mark.json}, {@code no-compact-mark.json}) and the listing of the
 * bucket root are cached with their own TTLs. Everything else goes straight to the bucket.
 *
 * <p>Keys are our own ({@code jthanos1:} prefix; subrange keys name the object, start and subrange
 * size), so a cache shared with Thanos never mixes entries. Block objects are immutable, so cached
 * entries never go stale; a root listing is at most {@code blocks_iter_ttl} old.
 *
 * <p>Metrics as Thanos: {@code thanos_store_bucket_cache_operation_{requests,hits}_total{operation,
 * config}} and {@code
 * thanos_store_bucket_cache_getrange_{requested,fetched,refetched}_bytes_total}.
 */
public final class CachingBucket extends ForwardingBucket {
  static final String PREFIX = "jthanos1:";
  static final String CHUNKS = "chunks";
  static final String METAS = "meta.jsons";
  static final String ITER = "blocks-iter";

  private static final Pattern CHUNK_FILE = Pattern.compile("^.*/chunks/\\d+$");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);

  private final RemoteCacheClient cache;
  private final CachingBucketConfig cfg;
  private final ExecutorService fetchers = Executors.newVirtualThreadPerTaskExecutor();
  private final Metrics m;

  /**
   * @param delegate the bucket read on misses (closed with this one)
   * @param cache the cache backend (closed with this one)
   */
  public CachingBucket(
      Bucket delegate, RemoteCacheClient cache, CachingBucketConfig cfg, MeterRegistry reg) {
    super(delegate);
    this.cache = cache;
    this.cfg = cfg;
    this.m = new Metrics(reg);
  }

  static boolean isChunkFile(String name) {
    return CHUNK_FILE.matcher(name).matches();
  }

  static boolean isMetaFile(String name) {
    return name.endsWith("/meta.json")
        || name.endsWith("/deletion-mark.json")
        || name.endsWith("/no-compact-mark.json");
  }

  // ------------------------------------------------------------------------------- range reads

  @Override
  public InputStream getRange(String name, long offset, long length) throws IOException {
    if (!isChunkFile(name) || offset < 0 || length == 0) {
      return delegate.getRange(name, offset, length);
    }
    long end;
    if (length < 0) {
      end = attributes(name).size();
    } else {
      end = offset + length;
    }
    if (end <= offset) {
      return InputStream.nullInputStream();
    }
    m.requested.increment(end - offset);
    long sub = cfg.chunkSubrangeSize;
    long first = offset / sub * sub;
    int n = Math.toIntExact((end - first + sub - 1) / sub);
    List<String> keys = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      keys.add(subrangeKey(name, first + i * sub));
    }
    Map<String, byte[]> hits = cache.getMulti(keys);
    m.requests(CHUNKS, "get_range").increment(n);
    m.hits(CHUNKS, "get_range").increment(hits.size());
    byte[][] parts = new byte[n][];
    long cached = 0;
    for (int i = 0; i < n; i++) {
      byte[] b = hits.get(keys.get(i));
      if (b != null && b.length <= sub) {
        parts[i] = b;
        cached += b.length;
      }
    }
    m.fetchedFromCache.increment(cached);
    if (cached < (long) n * sub) {
      fetchMissing(name, first, parts);
    }
    return new ByteArrayInputStream(assemble(parts, first, offset, end));
  }

  private String subrangeKey(String name, long start) {
    return PREFIX + "subrange:" + name + ":" + start + ":" + cfg.chunkSubrangeSize;
  }

  /** A run of subranges {@code [from, to)} fetched with one range read. */
  private record Run(int from, int to) {}

  private void fetchMissing(String name, long first, byte[][] parts) throws IOException {
    // A short subrange ends the object: nothing after it can exist.
    int limit = parts.length;
    for (int i = 0; i < parts.length; i++) {
      if (parts[i] != null && parts[i].length < cfg.chunkSubrangeSize) {
        limit = i + 1;
        break;
      }
    }
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < limit; i++) {
      if (parts[i] == null) {
        int j = i;
        while (j < limit && parts[j] == null) {
          j++;
        }
        runs.add(new Run(i, j));
        i = j;
      }
    }
    if (runs.isEmpty()) {
      return;
    }
    int max = cfg.maxChunksGetRangeRequests;
    while (max > 0 && runs.size() > max) {
      // Merge the two neighbouring runs with the smallest gap (refetching the hits between them).
      int best = 0;
      for (int i = 1; i < runs.size() - 1; i++) {
        if (runs.get(i + 1).from - runs.get(i).to < runs.get(best + 1).from - runs.get(best).to) {
          best = i;
        }
      }
      runs.set(best, new Run(runs.get(best).from, runs.get(best + 1).to));
      runs.remove(best + 1);
    }
    List<byte[]> fetched;
    if (runs.size() == 1) {
      fetched = List.of(fetch(name, first, runs.get(0)));
    } else {
      List<Future<byte[]>> fs = new ArrayList<>(runs.size());
      for (Run r : runs) {
        fs.add(fetchers.submit(() -> fetch(name, first, r)));
      }
      fetched = new ArrayList<>(runs.size());
      try {
        for (Future<byte[]> f : fs) {
          fetched.add(f.get());
        }
      } catch (InterruptedException e) {
        fs.forEach(f -> f.cancel(true));
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("reading " + name + " interrupted");
      } catch (ExecutionException e) {
        fs.forEach(f -> f.cancel(true));
        if (e.getCause() instanceof IOException io) {
          throw io;
        }
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw new IOException(e.getCause());
      }
    }
    long sub = cfg.chunkSubrangeSize;
    for (int k = 0; k < runs.size(); k++) {
      Run r = runs.get(k);
      byte[] data = fetched.get(k);
      m.fetchedFromBucket.increment(data.length);
      for (int i = r.from; i < r.to; i++) {
        int at = (int) ((i - r.from) * sub);
        if (at >= data.length) {
          break; // past the end of the object
        }
        byte[] part = Arrays.copyOfRange(data, at, (int) Math.min(data.length, at + sub));
        if (parts[i] != null) {
          m.refetched.increment(part.length);
          continue;
        }
        parts[i] = part;
        cache.setAsync(subrangeKey(name, first + i * sub), part, cfg.chunkSubrangeTtl);
      }
    }
  }

  private byte[] fetch(String name, long first, Run r) throws IOException {
    long sub = cfg.chunkSubrangeSize;
    long start = first + r.from * sub;
    long len = (long) (r.to - r.from) * sub;
    try (InputStream in = delegate.getRange(name, start, len)) {
      return in.readNBytes(Math.toIntExact(len));
    }
  }

  /** Copies {@code [offset, end)} out of the subranges, stopping at the end of the object. */
  private byte[] assemble(byte[][] parts, long first, long offset, long end) {
    long sub = cfg.chunkSubrangeSize;
    byte[] out = new byte[Math.toIntExact(end - offset)];
    int written = 0;
    for (int i = 0; i < parts.length; i++) {
      byte[] p = parts[i];
      if (p == null) {
        break; // past the end of the object
      }
      long pStart = first + i * sub;
      long from = Math.max(offset, pStart);
      long to = Math.min(end, pStart + p.length);
      if (to > from) {
        System.arraycopy(p, (int) (from - pStart), out, written, (int) (to - from));
        written += (int) (to - from);
      }
      if (p.length < sub) {
        break;
      }
    }
    return written == out.length ? out : Arrays.copyOf(out, written);
  }

  @Override
  public ObjectAttributes attributes(String name) throws IOException {
    if (!isChunkFile(name)) {
      return delegate.attributes(name);
    }
    String key = PREFIX + "attrs:" + name;
    byte[] hit = cache.getMulti(List.of(key)).get(key);
    m.requests(CHUNKS, "attributes").increment();
    if (hit != null && hit.length == 20) {
      m.hits(CHUNKS, "attributes").increment();
      ByteBuffer b = ByteBuffer.wrap(hit);
      return new ObjectAttributes(b.getLong(), Instant.ofEpochSecond(b.getLong(), b.getInt()));
    }
    ObjectAttributes a = delegate.attributes(name);
    cache.setAsync(
        key,
        ByteBuffer.allocate(20)
            .putLong(a.size())
            .putLong(a.lastModified().getEpochSecond())
            .putInt(a.lastModified().getNano())
            .array(),
        cfg.chunkObjectAttrsTtl);
    return a;
  }

  // -------------------------------------------------------------------------------- meta files

  @Override
  public InputStream get(String name) throws IOException {
    if (!isMetaFile(name)) {
      return delegate.get(name);
    }
    String contentKey = PREFIX + "content:" + name;
    String existsKey = PREFIX + "exists:" + name;
    Map<String, byte[]> hits = cache.getMulti(List.of(contentKey, existsKey));
    m.requests(METAS, "get").increment();
    byte[] content = hits.get(contentKey);
    if (content != null) {
      m.hits(METAS, "get").increment();
      return new ByteArrayInputStream(content);
    }
    if (Arrays.equals(hits.get(existsKey), FALSE)) {
      m.hits(METAS, "get").increment();
      throw new ObjectNotFoundException(name, null);
    }
    byte[] data;
    try (InputStream in = delegate.get(name)) {
      data = in.readNBytes(Math.toIntExact(cfg.metafileMaxSize.value() + 1));
      if (data.length > cfg.metafileMaxSize.value()) {
        // Too big to cache: hand out what was read followed by the rest of the object.
        byte[] head = data;
        InputStream rest = delegate.getRange(name, head.length, -1);
        return new java.io.SequenceInputStream(new ByteArrayInputStream(head), rest);
      }
    } catch (IOException e) {
      if (delegate.isObjNotFound(e)) {
        cache.setAsync(existsKey, FALSE, cfg.metafileDoesntExistTtl);
      }
      throw e;
    }
    cache.setAsync(contentKey, data, cfg.metafileContentTtl);
    return new ByteArrayInputStream(data);
  }

  @Override
  public boolean exists(String name) throws IOException {
    if (!isMetaFile(name)) {
      return delegate.exists(name);
    }
    String key = PREFIX + "exists:" + name;
    byte[] hit = cache.getMulti(List.of(key)).get(key);
    m.requests(METAS, "exists").increment();
    if (hit != null && (Arrays.equals(hit, TRUE) || Arrays.equals(hit, FALSE))) {
      m.hits(METAS, "exists").increment();
      return Arrays.equals(hit, TRUE);
    }
    boolean exists = delegate.exists(name);
    cache.setAsync(
        key, exists ? TRUE : FALSE, exists ? cfg.metafileExistsTtl : cfg.metafileDoesntExistTtl);
    return exists;
  }

  // ---------------------------------------------------------------------------------- listing

  @Override
  public NameIterator iter(String dir, boolean recursive) throws IOException {
    if (!dir.isEmpty() || cfg.blocksIterTtl.isZero()) {
      return delegate.iter(dir, recursive);
    }
    String key = PREFIX + "iter:" + (recursive ? "recursive:" : "") + dir;
    byte[] hit = cache.getMulti(List.of(key)).get(key);
    m.requests(ITER, "iter").increment();
    if (hit != null) {
      try {
        List<String> names = JSON.readValue(hit, new TypeReference<List<String>>() {});
        m.hits(ITER, "iter").increment();
        return NameIterator.of(names);
      } catch (IOException e) {
        // Not ours or damaged: list again and overwrite it.
      }
    }
    List<String> names = new ArrayList<>();
    try (NameIterator it = delegate.iter(dir, recursive)) {
      while (it.next()) {
        names.add(it.at());
      }
    }
    cache.setAsync(key, JSON.writeValueAsBytes(names), cfg.blocksIterTtl);
    return NameIterator.of(names);
  }

  @Override
  public void close() throws IOException {
    fetchers.shutdownNow();
    try {
      cache.close();
    } finally {
      super.close();
    }
  }

  // ---------------------------------------------------------------------------------- metrics

  private static final class Metrics {
    private final MeterRegistry reg;
    final Counter requested;
    final Counter fetchedFromCache;
    final Counter fetchedFromBucket;
    final Counter refetched;

    Metrics(MeterRegistry reg) {
      this.reg = reg;
      requested =
          Counter.builder("thanos_store_bucket_cache_getrange_requested_bytes")
              .description("Total number of bytes requested via GetRange.")
              .tag("config", CHUNKS)
              .register(reg);
      fetchedFromCache = fetched("cache");
      fetchedFromBucket = fetched("bucket");
      refetched =
          Counter.builder("thanos_store_bucket_cache_getrange_refetched_bytes")
              .description(
                  "Total number of bytes re-fetched from storage because of GetRange operation,"
                      + " despite being in cache already.")
              .tag("origin", "bucket")
              .tag("config", CHUNKS)
              .register(reg);
      for (String[] op :
          new String[][] {
            {CHUNKS, "get_range"},
            {CHUNKS, "attributes"},
            {METAS, "get"},
            {METAS, "exists"},
            {ITER, "iter"}
          }) {
        requests(op[0], op[1]);
        hits(op[0], op[1]);
      }
    }

    private Counter fetched(String origin) {
      return Counter.builder("thanos_store_bucket_cache_getrange_fetched_bytes")
          .description(
              "Total number of bytes fetched because of GetRange operation. Data from bucket is"
                  + " then stored to cache.")
          .tag("origin", origin)
          .tag("config", CHUNKS)
          .register(reg);
    }

    Counter requests(String config, String op) {
      return Counter.builder("thanos_store_bucket_cache_operation_requests")
          .description("Number of requested operations matching given config.")
          .tag("operation", op)
          .tag("config", config)
          .register(reg);
    }

    Counter hits(String config, String op) {
      return Counter.builder("thanos_store_bucket_cache_operation_hits")
          .description("Number of operations served from cache for given config.")
          .tag("operation", op)
          .tag("config", config)
          .register(reg);
    }
  }
}
