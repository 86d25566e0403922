package io.jthanos.block.indexheader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.objstore.testing.InMemoryBucket;
import io.jthanos.tsdb.block.BlockWriter;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.encoding.CorruptBlockException;
import io.jthanos.tsdb.index.IndexReader;
import io.jthanos.tsdb.index.Postings;
import io.jthanos.tsdb.labels.Labels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The index-header against the index it is built from: byte layout of binary format v1, range reads
 * only, and every lookup (names, values, postings ranges, symbols) equal to what the TSDB library's
 * index reader answers from the whole index.
 */
class IndexHeaderTest {
  @TempDir static Path tmp;
  static final Ulid ID = Ulid.of(1_700_000_000_000L, 0, 7);
  static InMemoryBucket bucket;
  static byte[] index;

  @BeforeAll
  static void writeBlock() throws IOException {
    Path blocks = tmp.resolve("blocks");
    try (BlockWriter w =
        BlockWriter.builder(blocks).ulid(ID).timeRange(0, 3_600_000).segmentSize(1 << 16).build()) {
      List<Labels> all = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        java.util.Map<String, String> m = new java.util.HashMap<>();
        m.put("__name__", "metric_" + (i % 7));
        m.put("instance", String.format("host-%04d", i));
        m.put("job", i % 3 == 0 ? "api" : i % 3 == 1 ? "web" : "db");
        if (i % 11 != 0) {
          m.put("zone", "z" + (i % 5));
        }
        m.put("unicode", i % 13 == 0 ? "\u00fc" + i : "a" + (i % 4));
        all.add(Labels.fromMap(m));
      }
      all.sort(Labels::compare);
      for (int i = 0; i < all.size(); i++) {
        w.addSeries(all.get(i), new long[] {1000, 2000}, new double[] {i, i + 1});
      }
      w.commit();
    }
    bucket = new InMemoryBucket();
    Path dir = blocks.resolve(ID.toString());
    index = Files.readAllBytes(dir.resolve("index"));
    bucket.upload(ID + "/index", index);
  }

  private static Path indexFile() {
    return tmp.resolve("blocks").resolve(ID.toString()).resolve("index");
  }

  @Test
  void layoutIsBinaryFormatV1() throws IOException {
    Path f = tmp.resolve("layout").resolve(IndexHeaderFormat.FILE_NAME);
    IndexHeaderWriter.write(bucket, ID, f);
    ByteBuffer h = ByteBuffer.wrap(Files.readAllBytes(f));
    ByteBuffer ix = ByteBuffer.wrap(index);
    long tocPos = index.length - 52;
    long symbols = ix.getLong((int) tocPos);
    long series = ix.getLong((int) tocPos + 8);
    long table = ix.getLong((int) tocPos + 40);

    assertThat(h.getInt(0)).isEqualTo(0xBAAAD792);
    assertThat(h.get(4)).isEqualTo((byte) 1);
    assertThat(h.get(5)).isEqualTo((byte) 2);
    assertThat(h.getLong(6)).isEqualTo(table);
    int symLen = (int) (series - symbols);
    int tableLen = (int) (index.length - table);
    assertThat(h.capacity()).isEqualTo(14 + symLen + tableLen + 20);
    assertThat(slice(h, 14, symLen)).isEqualTo(slice(ix, (int) symbols, symLen));
    assertThat(slice(h, 14 + symLen, tableLen)).isEqualTo(slice(ix, (int) table, tableLen));
    int toc = h.capacity() - 20;
    assertThat(h.getLong(toc)).isEqualTo(14);
    assertThat(h.getLong(toc + 8)).isEqualTo(14 + symLen);
    CRC32C crc = new CRC32C();
    crc.update(slice(h, toc, 16));
    assertThat(h.getInt(toc + 16)).isEqualTo((int) crc.getValue());
    assertThat(Files.exists(f.resolveSibling(IndexHeaderFormat.FILE_NAME + ".tmp"))).isFalse();
  }

  @Test
  void goldenIndexHeaderOfAFixedIndex() throws IOException {
    // A tiny index with fixed content: its index-header bytes must never change.
    Path blocks = tmp.resolve("golden");
    Ulid id = Ulid.of(1_600_000_000_000L, 0, 1);
    try (BlockWriter w = BlockWriter.builder(blocks).ulid(id).timeRange(0, 10_000).build()) {
      w.addSeries(Labels.of("__name__", "up", "job", "a"), new long[] {1}, new double[] {1});
      w.addSeries(Labels.of("__name__", "up", "job", "b"), new long[] {1}, new double[] {0});
      w.commit();
    }
    InMemoryBucket b = new InMemoryBucket();
    b.upload(id + "/index", Files.readAllBytes(blocks.resolve(id.toString()).resolve("index")));
    byte[] got = IndexHeaderWriter.build(b, id);
    Path golden = Path.of("src/test/resources/indexheader/golden.index-header");
    if (Boolean.getBoolean("golden.update")) {
      Files.write(golden, got);
    }
    assertThat(got).isEqualTo(Files.readAllBytes(golden));
  }

  private static ByteBuffer slice(ByteBuffer b, int off, int len) {
    return b.slice(off, len);
  }

  @Test
  void buildsFromRangeReadsOnlyAndInMemoryBuildIsIdentical() throws IOException {
    CountingBucket counting = new CountingBucket(bucket);
    Path f = tmp.resolve("ranges").resolve(IndexHeaderFormat.FILE_NAME);
    IndexHeaderWriter.write(counting, ID, f);
    assertThat(counting.gets).isEmpty();
    assertThat(counting.ranges).isNotEmpty();
    assertThat(counting.ranges).allMatch(r -> r.name().equals(ID + "/index") && r.length() >= 0);
    assertThat(counting.rangeBytes.get()).isLessThan(index.length);
    assertThat(IndexHeaderWriter.build(bucket, ID)).isEqualTo(Files.readAllBytes(f));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 32})
  void lookupsEqualTheIndexReader(int sampling) throws IOException {
    try (IndexReader ix = IndexReader.open(indexFile());
        BinaryIndexHeader h =
            BinaryIndexHeader.of(Path.of("ih"), IndexHeaderWriter.build(bucket, ID), sampling)) {
      assertThat(h.indexVersion()).isEqualTo(2);
      assertThat(h.labelNames()).isEqualTo(ix.labelNames());
      for (int r = 0; r < ix.symbolCount(); r++) {
        assertThat(h.lookupSymbol(r)).isEqualTo(ix.symbol(r));
      }
      for (String name : ix.labelNames()) {
        List<String> values = ix.labelValues(name);
        assertThat(h.labelValues(name)).isEqualTo(values);
        List<PostingsRange> ranges = h.postingsRanges(name, values);
        List<String> visited = new ArrayList<>();
        h.scanValues(
            name,
            null,
            (v, r) -> {
              visited.add(v);
              assertThat(r).isEqualTo(ranges.get(values.indexOf(v)));
              return true;
            });
        assertThat(visited).isEqualTo(values);
        for (int i = 0; i < values.size(); i++) {
          assertThat(decode(ranges.get(i)))
              .as("%s=%s", name, values.get(i))
              .isEqualTo(Postings.expand(ix.postings(name, values.get(i))));
          assertThat(h.postingsRange(name, values.get(i))).isEqualTo(ranges.get(i));
        }
        // Missing values in between, before and after, and duplicates.
        List<String> probe = new ArrayList<>();
        probe.add("");
        for (String v : values) {
          probe.add(v);
          probe.add(v);
          probe.add(v + "\u0000");
        }
        probe.add("\uffff");
        List<PostingsRange> pr = h.postingsRanges(name, probe);
        for (int i = 0; i < probe.size(); i++) {
          int at = values.indexOf(probe.get(i));
          assertThat(pr.get(i)).isEqualTo(at < 0 ? null : ranges.get(at));
        }
      }
      String all = "";
      assertThat(decode(h.postingsRange(all, all))).isEqualTo(Postings.expand(ix.allPostings()));
      assertThat(h.postingsRange("job", "nope")).isNull();
      assertThat(h.postingsRange("nope", "x")).isNull();
      assertThat(h.labelValues("nope")).isEmpty();
      List<String> from = new ArrayList<>();
      h.scanValues(
          "instance",
          "host-2990",
          (v, r) -> {
            from.add(v);
            return from.size() < 5;
          });
      assertThat(from)
          .containsExactly("host-2990", "host-2991", "host-2992", "host-2993", "host-2994");
      assertThat(h.postingsStart()).isLessThanOrEqualTo(h.postingsRange(all, all).start() - 4);
    }
  }

  private static long[] decode(PostingsRange r) {
    ByteBuffer b = ByteBuffer.wrap(index, (int) r.start(), (int) r.length()).slice();
    int n = b.getInt(0);
    assertThat(4 + 4L * n).isLessThanOrEqualTo(r.length());
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = b.getInt(4 + 4 * i) & 0xffffffffL;
    }
    return out;
  }

  @Test
  void corruptFileIsDetectedAndRebuiltAndAGoodFileIsReusedWithoutReads() throws IOException {
    Path dir = tmp.resolve("data");
    CountingBucket counting = new CountingBucket(bucket);
    try (BinaryIndexHeader h = IndexHeaders.open(counting, dir, ID, 32)) {
      assertThat(h.labelNames()).contains("job");
    }
    assertThat(counting.ranges).isNotEmpty();

    counting.reset();
    try (BinaryIndexHeader h = IndexHeaders.open(counting, dir, ID, 32)) {
      assertThat(h.labelValues("job")).containsExactly("api", "db", "web");
    }
    assertThat(counting.ranges).as("restart reuses the file").isEmpty();

    Path f = IndexHeaders.file(dir, ID);
    byte[] good = Files.readAllBytes(f);
    for (int pos : new int[] {0, 4, 30, good.length / 2, good.length - 30, good.length - 3}) {
      byte[] bad = good.clone();
      bad[pos] ^= 0x5a;
      Files.write(f, bad);
      assertThatThrownBy(() -> BinaryIndexHeader.open(f, 32))
          .as("flipped byte at %d", pos)
          .isInstanceOf(CorruptBlockException.class);
      counting.reset();
      try (BinaryIndexHeader h = IndexHeaders.open(counting, dir, ID, 32)) {
        assertThat(h.labelValues("job")).containsExactly("api", "db", "web");
      }
      assertThat(counting.ranges).as("rebuilt from the bucket").isNotEmpty();
      assertThat(Files.readAllBytes(f)).isEqualTo(good);
    }
    Files.write(f, new byte[] {1, 2, 3});
    try (BinaryIndexHeader h = IndexHeaders.open(counting, dir, ID, 32)) {
      assertThat(h.labelNames()).contains("zone");
    }
  }

  @Test
  void corruptIndexObjectIsReportedPrecisely() throws IOException {
    InMemoryBucket b = new InMemoryBucket();
    byte[] bad = index.clone();
    bad[bad.length - 10] ^= 1; // inside the TOC
    b.upload(ID + "/index", bad);
    assertThatThrownBy(() -> IndexHeaderWriter.build(b, ID))
        .isInstanceOf(CorruptBlockException.class)
        .hasMessageContaining("TOC checksum mismatch")
        .hasMessageContaining(ID + "/index");
    b.upload(ID + "/index", new byte[10]);
    assertThatThrownBy(() -> IndexHeaderWriter.build(b, ID))
        .isInstanceOf(CorruptBlockException.class)
        .hasMessageContaining("shorter than header and TOC");
  }

  @Test
  void lazyReaderLoadsOnFirstUseAndUnloadsWhenIdleButNotWhileAcquired() throws IOException {
    Path dir = tmp.resolve("lazy");
    CountingBucket counting = new CountingBucket(bucket);
    try (ReaderPool pool =
        new ReaderPool(
            counting,
            new ReaderPool.Config(
                dir, 32, true, java.time.Duration.ofHours(1), ReaderPool.DownloadStrategy.LAZY),
            null)) {
      LazyIndexHeaderReader r = (LazyIndexHeaderReader) pool.open(ID);
      assertThat(counting.ranges).as("lazy download: nothing built yet").isEmpty();
      assertThat(Files.exists(IndexHeaders.file(dir, ID))).isFalse();
      assertThat(r.loaded()).isFalse();
      assertThat(r.labelValues("job")).containsExactly("api", "db", "web");
      assertThat(r.loaded()).isTrue();
      assertThat(pool.metrics().loads()).isEqualTo(1);

      IndexHeaderReader pinned = r.acquire();
      assertThat(r.unloadIfIdle(0)).isFalse();
      assertThat(pinned.lookupSymbol(0)).isNotNull();
      r.release();
      assertThat(r.unloadIfIdle(java.time.Duration.ofHours(1).toNanos())).isFalse();
      assertThat(pool.unloadIdle()).isZero();
      assertThat(r.unloadIfIdle(0)).isTrue();
      assertThat(r.loaded()).isFalse();
      assertThat(pool.metrics().unloads()).isEqualTo(1);

      counting.reset();
      assertThat(r.labelNames()).contains("instance");
      assertThat(counting.ranges).as("reloaded from the file on disk").isEmpty();
      assertThat(pool.metrics().loads()).isEqualTo(2);
      pool.close(r);
    }
  }

  @Test
  void eagerDownloadStrategyBuildsTheFileButMapsLater() throws IOException {
    Path dir = tmp.resolve("eager-strategy");
    try (ReaderPool pool =
        new ReaderPool(
            bucket,
            new ReaderPool.Config(
                dir, 32, true, java.time.Duration.ZERO, ReaderPool.DownloadStrategy.EAGER),
            null)) {
      LazyIndexHeaderReader r = (LazyIndexHeaderReader) pool.open(ID);
      assertThat(Files.exists(IndexHeaders.file(dir, ID))).isTrue();
      assertThat(r.loaded()).isFalse();
      assertThat(r.indexVersion()).isEqualTo(2);
    }
  }

  @Test
  void lazyLoadFailureIsReportedAndCounted() throws IOException {
    try (ReaderPool pool =
        new ReaderPool(
            new InMemoryBucket(),
            new ReaderPool.Config(
                tmp.resolve("missing"),
                32,
                true,
                java.time.Duration.ZERO,
                ReaderPool.DownloadStrategy.LAZY),
            null)) {
      IndexHeaderReader r = pool.open(ID);
      assertThatThrownBy(r::labelNames).hasMessageContaining("lazy load index-header");
    }
  }
}
