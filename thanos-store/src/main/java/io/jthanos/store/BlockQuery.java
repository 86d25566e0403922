package io.jthanos.store;

import io.jthanos.block.indexheader.IndexHeaderReader;
import io.jthanos.block.indexheader.PostingsRange;
import io.jthanos.store.cache.IndexCache.PostingsKey;
import io.jthanos.tsdb.chunkenc.Chunks;
import io.jthanos.tsdb.chunks.ChunkRefs;
import io.jthanos.tsdb.encoding.CorruptBlockException;
import io.jthanos.tsdb.index.IndexSeries;
import io.jthanos.tsdb.index.Postings;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.MatchType;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.ChunkMeta;
import io.jthanos.tsdb.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;

/**
 * One request's access to one block (Thanos' {@code bucketIndexReader} and {@code
 * bucketChunkReader}): label matchers resolved to postings through the index-header, postings
 * lists, series entries and chunks fetched from the bucket with coalesced range reads (nearby
 * ranges merged by the {@link Partitioner}), the index cache consulted first and filled after.
 * Limits and statistics are charged to the request. Holds the block's index-header pinned until
 * closed.
 */
final class BlockQuery implements AutoCloseable {
  private static final String ALL = "";

  final BucketBlock block;
  private final QueryContext ctx;
  final IndexHeaderReader ih;

  BlockQuery(BucketBlock block, QueryContext ctx) {
    this.block = block;
    this.ctx = ctx;
    this.ih = block.header.acquire();
  }

  private boolean closed;

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    block.header.release();
  }

  // --------------------------------------------------------------------------------- postings

  /**
   * One matcher as sets of postings: union of {@code add} (if any) minus union of {@code remove}.
   */
  private record Group(
      Map<PostingsKey, PostingsRange> add,
      Map<PostingsKey, PostingsRange> remove,
      boolean addAll) {}

  /** Canonical string of a matcher set (cache key of expanded postings). */
  static String canonical(List<Matcher> ms) {
    List<String> s = new ArrayList<>(ms.size());
    for (Matcher m : ms) {
      s.add(m.toString());
    }
    s.sort(null);
    return String.join(";", s);
  }

  /** Sorted series refs of the block matching all {@code matchers} (empty list: every series). */
  long[] expandedPostings(List<Matcher> matchers) {
    long start = System.nanoTime();
    try {
      return expand(matchers);
    } finally {
      ctx.metrics().postingsFetchDuration.record(Duration.ofNanos(System.nanoTime() - start));
    }
  }

  private long[] expand(List<Matcher> matchers) {
    String key = canonical(matchers);
    byte[] cached = block.cache.fetchExpandedPostings(block.id, key, ctx.tenant());
    if (cached != null) {
      try {
        long[] refs = PostingsCodec.decode(cached);
        ctx.limiter().reserveBytes(cached.length);
        ctx.stats().postingsTouched.incrementAndGet();
        ctx.stats().postingsTouchedBytes.addAndGet(cached.length);
        return refs;
      } catch (IllegalArgumentException e) {
        // Not ours or damaged: compute again.
      }
    }
    List<Group> groups = new ArrayList<>();
    for (Matcher m : matchers) {
      Group g = group(m);
      if (g == null) {
        continue; // matches every series
      }
      if (!g.addAll && g.add.isEmpty()) {
        store(key, new long[0]);
        return new long[0];
      }
      groups.add(g);
    }
    boolean anyAdd = false;
    Map<PostingsKey, PostingsRange> keys = new LinkedHashMap<>();
    for (Group g : groups) {
      keys.putAll(g.add);
      keys.putAll(g.remove);
      anyAdd |= !g.addAll;
    }
    PostingsKey all = new PostingsKey(ALL, ALL);
    if (!anyAdd) {
      PostingsRange r = ih.postingsRange(ALL, ALL);
      if (r == null) {
        return new long[0];
      }
      keys.put(all, r);
    }
    Map<PostingsKey, long[]> lists = fetchPostings(keys);
    List<Postings> intersect = new ArrayList<>();
    List<Postings> subtract = new ArrayList<>();
    if (!anyAdd) {
      intersect.add(Postings.of(lists.get(all)));
    }
    for (Group g : groups) {
      if (!g.addAll) {
        List<Postings> u = new ArrayList<>(g.add.size());
        for (PostingsKey k : g.add.keySet()) {
          u.add(Postings.of(lists.get(k)));
        }
        intersect.add(Postings.merge(u));
      }
      if (!g.remove.isEmpty()) {
        List<Postings> u = new ArrayList<>(g.remove.size());
        for (PostingsKey k : g.remove.keySet()) {
          u.add(Postings.of(lists.get(k)));
        }
        subtract.add(Postings.merge(u));
      }
    }
    Postings p = Postings.intersect(intersect);
    for (Postings s : subtract) {
      p = Postings.without(p, s);
    }
    long[] refs = Postings.expand(p);
    store(key, refs);
    return refs;
  }

  private void store(String key, long[] refs) {
    block.cache.storeExpandedPostings(
        block.id, key, PostingsCodec.encode(refs, refs.length), ctx.tenant());
  }

  /**
   * The postings keys a matcher needs, Thanos' way: null when it selects every series; a group with
   * no keys to add and {@code addAll} false when it selects nothing.
   */
  private Group group(Matcher m) {
    String name = m.name();
    Map<PostingsKey, PostingsRange> add = new LinkedHashMap<>();
    Map<PostingsKey, PostingsRange> remove = new LinkedHashMap<>();
    if (m.matches("")) {
      // Also selects series without the label: subtract the values the matcher rejects.
      if (m.type() == MatchType.REGEX && m.value().equals(".*")) {
        return null;
      }
      if (m.type() == MatchType.NOT_EQUAL) {
        PostingsRange r = ih.postingsRange(name, m.value());
        if (r != null) {
          remove.put(new PostingsKey(name, m.value()), r);
        }
      } else {
        ih.scanValues(
            name,
            null,
            (v, r) -> {
              if (!m.matches(v)) {
                remove.put(new PostingsKey(name, v), r);
              }
              return true;
            });
      }
      if (remove.isEmpty()) {
        return null;
      }
      return new Group(add, remove, true);
    }
    switch (m.type()) {
      case EQUAL -> {
        PostingsRange r = ih.postingsRange(name, m.value());
        if (r != null) {
          add.put(new PostingsKey(name, m.value()), r);
        }
      }
      case REGEX -> {
        if (m.setMatches() != null) {
          List<String> vals = new ArrayList<>(m.setMatches());
          vals.sort(Labels::compareStrings);
          List<PostingsRange> rs = ih.postingsRanges(name, vals);
          for (int i = 0; i < vals.size(); i++) {
            if (rs.get(i) != null) {
              add.put(new PostingsKey(name, vals.get(i)), rs.get(i));
            }
          }
        } else {
          String prefix = m.literalPrefix();
          boolean bounded = prefix != null && !prefix.isEmpty();
          ih.scanValues(
              name,
              bounded ? prefix : null,
              (v, r) -> {
                if (bounded && !v.startsWith(prefix)) {
                  return false;
                }
                if (m.matches(v)) {
                  add.put(new PostingsKey(name, v), r);
                }
                return true;
              });
        }
      }
      default ->
          ih.scanValues(
              name,
              null,
              (v, r) -> {
                if (m.matches(v)) {
                  add.put(new PostingsKey(name, v), r);
                }
                return true;
              });
    }
    return new Group(add, remove, false);
  }

  /** Postings lists of the keys (ranges from the index-header): cache first, then range reads. */
  private Map<PostingsKey, long[]> fetchPostings(Map<PostingsKey, PostingsRange> keys) {
    Map<PostingsKey, long[]> out = new HashMap<>(keys.size() * 2);
    List<PostingsKey> list = new ArrayList<>(keys.keySet());
    Map<PostingsKey, byte[]> hits = block.cache.fetchPostings(block.id, list, ctx.tenant());
    List<PostingsKey> misses = new ArrayList<>();
    long touchedBytes = 0;
    for (PostingsKey k : list) {
      byte[] h = hits.get(k);
      if (h != null) {
        try {
          out.put(k, PostingsCodec.decode(h));
          touchedBytes += h.length;
          continue;
        } catch (IllegalArgumentException e) {
          // Fall through to a fetch.
        }
      }
      misses.add(k);
    }
    misses.sort(Comparator.comparingLong(k -> keys.get(k).start()));
    long[] starts = new long[misses.size()];
    long[] ends = new long[misses.size()];
    long fetchedBytes = 0;
    for (int i = 0; i < misses.size(); i++) {
      PostingsRange r = keys.get(misses.get(i));
      starts[i] = r.start();
      ends[i] = r.end();
      touchedBytes += r.length();
    }
    ctx.limiter().reserveBytes(touchedBytes);
    List<Partitioner.Part> parts = block.partitioner.partition(starts, ends, misses.size());
    List<byte[]> data = fetchParts(block.indexObject, parts);
    for (int pi = 0; pi < parts.size(); pi++) {
      Partitioner.Part part = parts.get(pi);
      byte[] b = data.get(pi);
      fetchedBytes += b.length;
      ByteBuffer buf = ByteBuffer.wrap(b);
      for (int i = part.from(); i < part.to(); i++) {
        PostingsKey k = misses.get(i);
        int off = (int) (starts[i] - part.start());
        long len = ends[i] - starts[i];
        if (len < 4 || off + 4 > b.length) {
          throw new CorruptBlockException(
              block.indexPath, starts[i], "postings list range too short", ">= 4 bytes", len);
        }
        long n = buf.getInt(off) & 0xffffffffL;
        if (4 + 4 * n > len || off + 4 + 4 * n > b.length) {
          throw new CorruptBlockException(
              block.indexPath,
              starts[i],
              "postings list entry count beyond its range",
              "<= " + (len - 4) / 4,
              n);
        }
        long[] refs = new long[(int) n];
        for (int j = 0; j < n; j++) {
          refs[j] = buf.getInt(off + 4 + 4 * j) & 0xffffffffL;
        }
        out.put(k, refs);
        block.cache.storePostings(
            block.id, k, PostingsCodec.encode(refs, refs.length), ctx.tenant());
      }
    }
    RequestStats s = ctx.stats();
    s.postingsTouched.addAndGet(list.size());
    s.postingsTouchedBytes.addAndGet(touchedBytes);
    s.postingsFetched.addAndGet(misses.size());
    s.postingsFetchedBytes.addAndGet(fetchedBytes);
    s.postingsFetchCount.addAndGet(parts.size());
    return out;
  }

  // ----------------------------------------------------------------------------------- series

  /** Series entries of {@code refs[from, to)} (ascending), with chunk metas when asked. */
  IndexSeries[] series(long[] refs, int from, int to, boolean withChunks) {
    long start = System.nanoTime();
    try {
      return loadSeries(refs, from, to, withChunks);
    } finally {
      ctx.metrics().seriesFetchDuration.record(Duration.ofNanos(System.nanoTime() - start));
    }
  }

  private IndexSeries[] loadSeries(long[] refs, int from, int to, boolean withChunks) {
    int n = to - from;
    IndexSeries[] out = new IndexSeries[n];
    long[] slice = Arrays.copyOfRange(refs, from, to);
    Map<Long, byte[]> hits = block.cache.fetchSeries(block.id, slice, n, ctx.tenant());
    long touchedBytes = 0;
    int missCount = 0;
    long[] starts = new long[n];
    long[] ends = new long[n];
    int[] missIdx = new int[n];
    long limit = ih.postingsStart();
    for (int i = 0; i < n; i++) {
      byte[] h = hits.get(slice[i]);
      if (h != null) {
        out[i] =
            SeriesDecoder.decode(
                block.indexPath, slice[i], ByteBuffer.wrap(h), ih, withChunks, ctx.strings());
        touchedBytes += h.length;
        continue;
      }
      long s = slice[i] * 16;
      missIdx[missCount] = i;
      starts[missCount] = s;
      ends[missCount] = Math.max(s + 1, Math.min(s + block.seriesSizeEstimate, limit));
      missCount++;
    }
    List<Partitioner.Part> parts = block.partitioner.partition(starts, ends, missCount);
    List<byte[]> data = fetchParts(block.indexObject, parts);
    long fetchedBytes = 0;
    for (int pi = 0; pi < parts.size(); pi++) {
      Partitioner.Part part = parts.get(pi);
      byte[] b = data.get(pi);
      fetchedBytes += b.length;
      for (int j = part.from(); j < part.to(); j++) {
        int i = missIdx[j];
        long ref = slice[i];
        int off = (int) (starts[j] - part.start());
        ByteBuffer body = entry(b, off, ref);
        if (body == null) {
          ctx.metrics().seriesRefetches.increment();
          body = refetchSeries(ref);
        }
        byte[] copy = new byte[body.remaining()];
        body.duplicate().get(copy);
        block.cache.storeSeries(block.id, ref, copy, ctx.tenant());
        touchedBytes += copy.length;
        out[i] = SeriesDecoder.decode(block.indexPath, ref, body, ih, withChunks, ctx.strings());
      }
    }
    ctx.limiter().reserveBytes(touchedBytes);
    RequestStats s = ctx.stats();
    s.seriesTouched.addAndGet(n);
    s.seriesTouchedBytes.addAndGet(touchedBytes);
    s.seriesFetched.addAndGet(missCount);
    s.seriesFetchedBytes.addAndGet(fetchedBytes);
    s.seriesFetchCount.addAndGet(parts.size());
    return out;
  }

  /**
   * The body of the series entry at {@code off} in {@code b} (checksum verified), or null when the
   * fetched bytes end before the entry does.
   */
  private ByteBuffer entry(byte[] b, int off, long ref) {
    long len = 0;
    int shift = 0;
    int p = off;
    while (true) {
      if (p >= b.length) {
        return null;
      }
      int x = b[p++] & 0xff;
      len |= (long) (x & 0x7f) << shift;
      if (x < 0x80) {
        break;
      }
      shift += 7;
      if (shift > 35) {
        throw new CorruptBlockException(
            block.indexPath, ref * 16, "series entry length varint", "<= 5 bytes", "longer");
      }
    }
    if (p + len + 4 > b.length) {
      if (len > Integer.MAX_VALUE - 16) {
        throw new CorruptBlockException(
            block.indexPath, ref * 16, "series entry length", "< 2 GiB", len);
      }
      return null;
    }
    CRC32C crc = new CRC32C();
    crc.update(b, p, (int) len);
    int want = ByteBuffer.wrap(b, p + (int) len, 4).getInt();
    if ((int) crc.getValue() != want) {
      throw new CorruptBlockException(
          block.indexPath,
          p + len,
          "series entry checksum mismatch (ref " + ref + ")",
          CorruptBlockException.hex32(want),
          CorruptBlockException.hex32((int) crc.getValue()));
    }
    return ByteBuffer.wrap(b, p, (int) len).slice();
  }

  private ByteBuffer refetchSeries(long ref) {
    long off = ref * 16;
    byte[] head = read(block.indexObject, off, 5);
    ByteBuffer e = entry(head, 0, ref);
    if (e != null) {
      return e;
    }
    long len = 0;
    int shift = 0;
    int p = 0;
    while (true) {
      int x = head[p++] & 0xff;
      len |= (long) (x & 0x7f) << shift;
      if (x < 0x80) {
        break;
      }
      shift += 7;
    }
    byte[] full = read(block.indexObject, off, p + len + 4);
    ByteBuffer body = entry(full, 0, ref);
    if (body == null) {
      throw new CorruptBlockException(
          block.indexPath,
          off,
          "series entry beyond end of index",
          len + " bytes",
          full.length + " bytes");
    }
    return body;
  }

  // ----------------------------------------------------------------------------------- chunks

  /** A chunk to load: the ref and time range from a series entry, and where to put it. */
  record ChunkRequest(long ref, long minTime, long maxTime) {}

  /**
   * Loads chunks from the segment files: requests are grouped per segment, coalesced into range
   * reads, and each chunk is checksum-verified. The bytes stay in the fetched buffers (no copy);
   * the returned size is what the request reserved from the chunk pool.
   */
  long loadChunks(List<ChunkRequest> reqs, ChunkMeta[] out) {
    Map<Integer, List<Integer>> bySegment = new HashMap<>();
    for (int i = 0; i < reqs.size(); i++) {
      bySegment
          .computeIfAbsent(ChunkRefs.segment(reqs.get(i).ref()), s -> new ArrayList<>())
          .add(i);
    }
    long reserved = 0;
    long touched = 0;
    long fetched = 0;
    int fetches = 0;
    try {
      for (Map.Entry<Integer, List<Integer>> e : bySegment.entrySet()) {
        String object = block.chunkObject(e.getKey());
        List<Integer> idx = e.getValue();
        idx.sort(Comparator.comparingLong(i -> ChunkRefs.offset(reqs.get(i).ref())));
        int n = idx.size();
        long[] starts = new long[n];
        long[] ends = new long[n];
        for (int j = 0; j < n; j++) {
          starts[j] = ChunkRefs.offset(reqs.get(idx.get(j)).ref());
          ends[j] = starts[j] + block.chunkSizeEstimate;
        }
        List<Partitioner.Part> parts = block.partitioner.partition(starts, ends, n);
        long size = 0;
        for (Partitioner.Part p : parts) {
          size += p.length();
        }
        ctx.chunkPool().reserve(size);
        reserved += size;
        List<byte[]> data = fetchParts(object, parts);
        fetches += parts.size();
        for (int pi = 0; pi < parts.size(); pi++) {
          Partitioner.Part part = parts.get(pi);
          byte[] b = data.get(pi);
          fetched += b.length;
          for (int j = part.from(); j < part.to(); j++) {
            int i = idx.get(j);
            ChunkRequest r = reqs.get(i);
            ChunkMeta m = chunk(object, b, (int) (starts[j] - part.start()), starts[j], r);
            if (m == null) {
              ctx.metrics().chunkRefetches.increment();
              m = refetchChunk(object, starts[j], r);
            }
            touched += m.chunk().data().remaining();
            out[i] = m;
          }
        }
      }
    } catch (RuntimeException e) {
      ctx.chunkPool().release(reserved);
      throw e;
    }
    ctx.limiter().reserveBytes(touched);
    RequestStats s = ctx.stats();
    s.chunksTouched.addAndGet(reqs.size());
    s.chunksTouchedBytes.addAndGet(touched);
    s.chunksFetched.addAndGet(reqs.size());
    s.chunksFetchedBytes.addAndGet(fetched);
    s.chunksFetchCount.addAndGet(fetches);
    return reserved;
  }

  /** Parses the chunk at {@code off}; null when the fetched bytes end before it does. */
  private ChunkMeta chunk(String object, byte[] b, int off, long fileOff, ChunkRequest r) {
    long len = 0;
    int shift = 0;
    int p = off;
    while (true) {
      if (p >= b.length) {
        return null;
      }
      int x = b[p++] & 0xff;
      len |= (long) (x & 0x7f) << shift;
      if (x < 0x80) {
        break;
      }
      shift += 7;
      if (shift > 35) {
        throw new CorruptBlockException(
            java.nio.file.Path.of(object), fileOff, "chunk length varint", "<= 5 bytes", "longer");
      }
    }
    if (len > Integer.MAX_VALUE - 16) {
      throw new CorruptBlockException(
          java.nio.file.Path.of(object), fileOff, "chunk length", "< 2 GiB", len);
    }
    if (p + 1 + len + 4 > b.length) {
      return null;
    }
    CRC32C crc = new CRC32C();
    crc.update(b, p, (int) len + 1);
    int want = ByteBuffer.wrap(b, p + 1 + (int) len, 4).getInt();
    if ((int) crc.getValue() != want) {
      throw new CorruptBlockException(
          java.nio.file.Path.of(object),
          fileOff,
          "chunk checksum mismatch",
          CorruptBlockException.hex32(want),
          CorruptBlockException.hex32((int) crc.getValue()));
    }
    int enc = b[p] & 0xff;
    ByteBuffer data = ByteBuffer.wrap(b, p + 1, (int) len).slice().asReadOnlyBuffer();
    try {
      return new ChunkMeta(r.minTime(), r.maxTime(), Chunks.of(enc, data));
    } catch (RuntimeException e) {
      throw new CorruptBlockException(
          java.nio.file.Path.of(object), fileOff, "chunk encoding", "1, 2, 3 or 255", enc, e);
    }
  }

  private ChunkMeta refetchChunk(String object, long off, ChunkRequest r) {
    byte[] head = read(object, off, 5);
    int p = 0;
    long len = 0;
    int shift = 0;
    while (true) {
      if (p >= head.length) {
        throw new CorruptBlockException(
            java.nio.file.Path.of(object),
            off,
            "chunk beyond end of segment",
            "a chunk",
            "end of object");
      }
      int x = head[p++] & 0xff;
      len |= (long) (x & 0x7f) << shift;
      if (x < 0x80) {
        break;
      }
      shift += 7;
    }
    long total = p + 1 + len + 4;
    ctx.chunkPool().reserve(total);
    byte[] full;
    try {
      full = read(object, off, total);
    } finally {
      ctx.chunkPool().release(total);
    }
    ChunkMeta m = chunk(object, full, 0, off, r);
    if (m == null) {
      throw new CorruptBlockException(
          java.nio.file.Path.of(object),
          off,
          "chunk beyond end of segment",
          len + " bytes",
          full.length + " bytes");
    }
    return m;
  }

  // ------------------------------------------------------------------------------------ reads

  private byte[] read(String object, long off, long len) {
    try (InputStream in = block.bkt.getRange(object, off, len)) {
      return in.readNBytes((int) len);
    } catch (InterruptedIOException e) {
      throw new StorageException("read " + object + " interrupted", e);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "read "
              + object
              + " ["
              + off
              + ", "
              + (off + len)
              + ") of block "
              + block.id
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Fetches the parts concurrently; failures surface from the first failing part. */
  private List<byte[]> fetchParts(String object, List<Partitioner.Part> parts) {
    if (parts.isEmpty()) {
      return List.of();
    }
    if (parts.size() == 1) {
      Partitioner.Part p = parts.get(0);
      return List.of(read(object, p.start(), p.length()));
    }
    List<Future<byte[]>> fs = new ArrayList<>(parts.size());
    for (Partitioner.Part p : parts) {
      fs.add(ctx.executor().submit(() -> read(object, p.start(), p.length())));
    }
    List<byte[]> out = new ArrayList<>(parts.size());
    try {
      for (Future<byte[]> f : fs) {
        out.add(f.get());
      }
    } catch (InterruptedException e) {
      fs.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new StorageException("fetching " + object + " interrupted", e);
    } catch (ExecutionException e) {
      fs.forEach(f -> f.cancel(true));
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new StorageException(c.getMessage(), c);
    }
    return out;
  }

  // ----------------------------------------------------------------------------------- labels

  /** Label names of the block, from the index-header. */
  List<String> labelNames() {
    return ih.labelNames();
  }

  /** Values of {@code name}, from the index-header. */
  List<String> labelValues(String name) {
    return ih.labelValues(name);
  }
}
