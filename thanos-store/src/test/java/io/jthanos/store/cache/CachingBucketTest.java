package io.jthanos.store.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.config.ConfigException;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.ForwardingBucket;
import io.jthanos.objstore.ObjectAttributes;
import io.jthanos.objstore.filesystem.FilesystemBucket;
import io.jthanos.testing.cache.CacheServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The caching bucket over each backend (in-memory, and the real Debian memcached and redis-server):
 * range reads of chunk files answer byte for byte as the bucket and, once cached, read nothing from
 * it; meta files, their absence and the root listing are cached; Thanos' config keys are honoured.
 */
class CachingBucketTest {
  static final String CHUNKS = "01HBLOCK/chunks/000001";
  static final int SIZE = 200_000;
  @TempDir static Path tmp;
  static CacheServer memcached;
  static CacheServer redis;
  static byte[] content;

  @BeforeAll
  static void start() throws Exception {
    memcached = CacheServer.memcached(64);
    redis = CacheServer.redis();
    content = new byte[SIZE];
    new Random(7).nextBytes(content);
  }

  @AfterAll
  static void stop() {
    if (memcached != null) {
      memcached.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  /** Counts what reaches the bucket. */
  static final class Counting extends ForwardingBucket {
    final AtomicInteger ranges = new AtomicInteger();
    final AtomicLong rangeBytes = new AtomicLong();
    final AtomicInteger gets = new AtomicInteger();
    final AtomicInteger exists = new AtomicInteger();
    final AtomicInteger iters = new AtomicInteger();

    Counting(Bucket b) {
      super(b);
    }

    @Override
    public InputStream getRange(String name, long offset, long length) throws IOException {
      ranges.incrementAndGet();
      rangeBytes.addAndGet(length);
      return super.getRange(name, offset, length);
    }

    @Override
    public InputStream get(String name) throws IOException {
      gets.incrementAndGet();
      return super.get(name);
    }

    @Override
    public boolean exists(String name) throws IOException {
      exists.incrementAndGet();
      return super.exists(name);
    }

    @Override
    public io.jthanos.objstore.NameIterator iter(String dir, boolean recursive) throws IOException {
      iters.incrementAndGet();
      return super.iter(dir, recursive);
    }
  }

  record Setup(Counting under, CachingBucket cached, MeterRegistry reg) {}

  static Setup setup(String type, String extra) throws IOException {
    Path dir = Files.createTempDirectory(tmp, type);
    Bucket fs = new FilesystemBucket(dir);
    fs.upload(CHUNKS, content);
    fs.upload("01HBLOCK/meta.json", "{\"ulid\":\"01HBLOCK\"}".getBytes());
    fs.upload("01HOTHER/meta.json", "{\"ulid\":\"01HOTHER\"}".getBytes());
    String backend =
        switch (type) {
          case "MEMCACHED" ->
              "type: MEMCACHED\nconfig:\n  addresses: [" + memcached.address() + "]\n";
          case "REDIS" -> "type: REDIS\nconfig:\n  addr: " + redis.address() + "\n";
          default -> "type: IN-MEMORY\nconfig:\n  max_size: 16MB\n  max_item_size: 1MB\n";
        };
    // Keys of different test runs must not meet in the shared servers: a fresh bucket directory
    // does not change object names, so each setup uses its own chunk subrange size.
    MeterRegistry reg = new SimpleMeterRegistry();
    Counting under = new Counting(fs);
    Bucket b = CachingBucketConfig.wrap(backend + extra, under, reg);
    assertThat(b).isInstanceOf(CachingBucket.class);
    return new Setup(under, (CachingBucket) b, reg);
  }

  static final AtomicInteger subrange = new AtomicInteger(4000);

  static String uniqueSubrange() {
    return "chunk_subrange_size: " + subrange.incrementAndGet() + "\n";
  }

  static byte[] read(Bucket b, long off, long len) throws IOException {
    try (InputStream in = b.getRange(CHUNKS, off, len)) {
      return in.readAllBytes();
    }
  }

  static byte[] expected(long off, long len) {
    long end = len < 0 ? SIZE : Math.min(SIZE, off + len);
    return off >= end ? new byte[0] : Arrays.copyOfRange(content, (int) off, (int) end);
  }

  static double counter(MeterRegistry reg, String name, String... tags) {
    return reg.find(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @ParameterizedTest
  @ValueSource(strings = {"IN-MEMORY", "MEMCACHED", "REDIS"})
  void rangeReadsAreServedFromTheCacheOnceStored(String type) throws Exception {
    Setup s = setup(type, uniqueSubrange());
    try (CachingBucket b = s.cached()) {
      Random rnd = new Random(11);
      List<long[]> ranges = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        long off = rnd.nextInt(SIZE + 100);
        long len = rnd.nextInt(30_000) + 1;
        ranges.add(new long[] {off, len});
      }
      ranges.add(new long[] {SIZE - 10, 5000}); // past the end: clamped
      ranges.add(new long[] {SIZE + 5, 100}); // at or past the end: nothing
      ranges.add(new long[] {123, -1}); // to the end
      for (long[] r : ranges) {
        assertThat(read(b, r[0], r[1]))
            .as("range %s", Arrays.toString(r))
            .isEqualTo(expected(r[0], r[1]));
      }
      assertThat(s.under().ranges.get()).isPositive();
      // Remote caches store asynchronously: read again until nothing reaches the bucket.
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (true) {
        int before = s.under().ranges.get();
        for (long[] r : ranges) {
          assertThat(read(b, r[0], r[1])).isEqualTo(expected(r[0], r[1]));
        }
        if (s.under().ranges.get() == before) {
          break;
        }
        assertThat(System.nanoTime()).as("subranges cached").isLessThan(deadline);
        Thread.sleep(50);
      }
      MeterRegistry reg = s.reg();
      assertThat(
              counter(
                  reg,
                  "thanos_store_bucket_cache_operation_hits",
                  "operation",
                  "get_range",
                  "config",
                  "chunks"))
          .isPositive();
      assertThat(
              counter(
                  reg,
                  "thanos_store_bucket_cache_getrange_fetched_bytes",
                  "origin",
                  "cache",
                  "config",
                  "chunks"))
          .isPositive();
      assertThat(counter(reg, "thanos_store_bucket_cache_getrange_requested_bytes")).isPositive();
    }
  }

  @Test
  void missingSubrangesAreFetchedWithAtMostTheConfiguredRequests() throws Exception {
    Setup s = setup("IN-MEMORY", "chunk_subrange_size: 1000\nmax_chunks_get_range_requests: 3\n");
    try (CachingBucket b = s.cached()) {
      // Cache every other subrange of the first 20.
      for (int i = 0; i < 20; i += 2) {
        assertThat(read(b, i * 1000L, 1000)).isEqualTo(expected(i * 1000L, 1000));
      }
      int before = s.under().ranges.get();
      assertThat(read(b, 0, 20_000)).isEqualTo(expected(0, 20_000));
      assertThat(s.under().ranges.get() - before).isEqualTo(3);
      assertThat(
              counter(
                  s.reg(),
                  "thanos_store_bucket_cache_getrange_refetched_bytes",
                  "origin",
                  "bucket"))
          .isPositive();
      // Now all of it is cached.
      before = s.under().ranges.get();
      assertThat(read(b, 0, 20_000)).isEqualTo(expected(0, 20_000));
      assertThat(s.under().ranges.get()).isEqualTo(before);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"IN-MEMORY", "MEMCACHED", "REDIS"})
  void metaFilesAbsenceAndTheRootListingAreCached(String type) throws Exception {
    Setup s = setup(type, uniqueSubrange());
    try (CachingBucket b = s.cached()) {
      // Object names are shared by the runs against one server: make this run's own.
      String meta = "01H" + type.replace("-", "") + System.nanoTime() + "/meta.json";
      s.under().upload(meta, "{\"v\":1}".getBytes());
      String missing = "01HMISSING" + System.nanoTime() + "/deletion-mark.json";
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (true) {
        int gets = s.under().gets.get();
        int exists = s.under().exists.get();
        assertThat(new String(b.readAllBytes(meta))).isEqualTo("{\"v\":1}");
        assertThat(b.exists(meta)).isTrue();
        assertThat(b.exists(missing)).isFalse();
        assertThatThrownBy(() -> b.readAllBytes(missing))
            .satisfies(e -> assertThat(b.isObjNotFound(e)).isTrue());
        if (s.under().gets.get() == gets && s.under().exists.get() == exists) {
          break;
        }
        assertThat(System.nanoTime()).as("meta files cached").isLessThan(deadline);
        Thread.sleep(50);
      }
      assertThat(
              counter(
                  s.reg(),
                  "thanos_store_bucket_cache_operation_hits",
                  "operation",
                  "get",
                  "config",
                  "meta.jsons"))
          .isPositive();
      // Not cached: other objects go to the bucket every time.
      int gets = s.under().gets.get();
      b.readAllBytes(CHUNKS);
      assertThat(s.under().gets.get()).isEqualTo(gets + 1);
    }
  }

  @Test
  void theRootListingIsCachedForBlocksIterTtl() throws Exception {
    Setup s = setup("IN-MEMORY", "blocks_iter_ttl: 1h\n");
    try (CachingBucket b = s.cached()) {
      List<String> first = b.list("", false);
      assertThat(first).containsExactly("01HBLOCK/", "01HOTHER/");
      s.under().upload("01HNEW/meta.json", "{}".getBytes());
      assertThat(b.list("", false)).isEqualTo(first);
      assertThat(s.under().iters.get()).isEqualTo(1);
      // Below the root nothing is cached.
      assertThat(b.list("01HBLOCK/", false)).hasSize(2);
      assertThat(b.list("01HBLOCK/", false)).hasSize(2);
      assertThat(s.under().iters.get()).isEqualTo(3);
    }
    Setup off = setup("IN-MEMORY", "blocks_iter_ttl: 0s\n");
    try (CachingBucket b = off.cached()) {
      b.list("", false);
      b.list("", false);
      assertThat(off.under().iters.get()).isEqualTo(2);
    }
  }

  @Test
  void chunkAttributesAreCached() throws Exception {
    Setup s = setup("IN-MEMORY", "");
    try (CachingBucket b = s.cached()) {
      ObjectAttributes a = b.attributes(CHUNKS);
      assertThat(a.size()).isEqualTo(SIZE);
      assertThat(b.attributes(CHUNKS)).isEqualTo(a);
      assertThat(
              counter(
                  s.reg(),
                  "thanos_store_bucket_cache_operation_hits",
                  "operation",
                  "attributes",
                  "config",
                  "chunks"))
          .isEqualTo(1);
    }
  }

  @Test
  void configFollowsThanos() throws Exception {
    CachingBucketConfig d = CachingBucketConfig.parse("type: IN-MEMORY\n");
    assertThat(d.chunkSubrangeSize).isEqualTo(16000);
    assertThat(d.maxChunksGetRangeRequests).isEqualTo(3);
    assertThat(d.metafileMaxSize.value()).isEqualTo(1L << 20);
    assertThat(d.chunkObjectAttrsTtl).hasHours(24);
    assertThat(d.chunkSubrangeTtl).hasHours(24);
    assertThat(d.blocksIterTtl).hasMinutes(5);
    assertThat(d.metafileExistsTtl).hasHours(2);
    assertThat(d.metafileDoesntExistTtl).hasMinutes(15);
    assertThat(d.metafileContentTtl).hasHours(24);
    CachingBucketConfig c =
        CachingBucketConfig.parse(
            """
            type: MEMCACHED
            config:
              addresses: [127.0.0.1:1]
            chunk_subrange_size: 8000
            max_chunks_get_range_requests: 5
            metafile_max_size: 2MiB
            chunk_object_attrs_ttl: 1h
            chunk_subrange_ttl: 2h
            blocks_iter_ttl: 1m
            metafile_exists_ttl: 3h
            metafile_doesnt_exist_ttl: 4m
            metafile_content_ttl: 5h
            """);
    assertThat(c.chunkSubrangeSize).isEqualTo(8000);
    assertThat(c.maxChunksGetRangeRequests).isEqualTo(5);
    assertThat(c.metafileMaxSize.value()).isEqualTo(2L << 20);
    assertThat(c.chunkSubrangeTtl).hasHours(2);
    assertThat(c.metafileDoesntExistTtl).hasMinutes(4);
    Bucket fs = new FilesystemBucket(Files.createTempDirectory(tmp, "cfg"));
    assertThatThrownBy(() -> CachingBucketConfig.wrap("type: GROUPCACHE\n", fs, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unsupported cache type");
    assertThatThrownBy(() -> CachingBucketConfig.parse("type: IN-MEMORY\nchunk_subrange: 1\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("chunk_subrange");
    assertThatThrownBy(() -> CachingBucketConfig.parse("type: IN-MEMORY\nchunk_subrange_size: 0\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("chunk_subrange_size");
    assertThat(CachingBucketConfig.wrap("", fs, null)).isSameAs(fs);
  }
}
