package io.jthanos.tsdb.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.jthanos.tsdb.block.BlockReader;
import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.UnsupportedChunkEncodingException;
import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.compact.Compactor;
import io.jthanos.tsdb.encoding.CorruptBlockException;
import io.jthanos.tsdb.index.IndexReader;
import io.jthanos.tsdb.index.IndexSeries;
import io.jthanos.tsdb.index.Postings;
import io.jthanos.tsdb.index.Toc;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.ChunkMeta;
import io.jthanos.tsdb.storage.ChunkQuerier;
import io.jthanos.tsdb.storage.ChunkSeriesSet;
import io.jthanos.tsdb.storage.LabelHints;
import io.jthanos.tsdb.storage.Querier;
import io.jthanos.tsdb.storage.SeriesSet;
import io.jthanos.tsdb.testing.BlockFixtures;
import io.jthanos.tsdb.testing.SyntheticData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Randomized corruption of a block (fixed seed, bounded count): flipped bits, truncations, bad
 * checksums, bad TOC, lengths and offsets beyond the file, garbage with valid checksums. Reading
 * everything (label names and values, every sample, every chunk, a compaction) must end with a
 * {@link CorruptBlockException} (or an unsupported-encoding error) or with data identical to the
 * pristine block; garbage behind a recomputed checksum may also read as other data. Never any other
 * exception, an OutOfMemoryError, a hang or a crash.
 */
class CorruptionTest {
  @TempDir static Path tmp;
  static Map<String, byte[]> pristine = new LinkedHashMap<>();
  static String fingerprint;
  static Toc toc;
  static List<Long> seriesOffsets = new ArrayList<>();
  static List<Long> postingsOffsets = new ArrayList<>();
  static List<Long> chunkOffsets = new ArrayList<>();

  enum Outcome {
    DETECTED,
    IDENTICAL,
    ALTERED
  }

  @BeforeAll
  static void build() throws IOException {
    Path dir = tmp.resolve("src");
    var meta = BlockFixtures.writeBlock(dir, new SyntheticData(77).mix(3, 400));
    Path block = dir.resolve(meta.ulid().toString());
    for (String f : List.of("meta.json", "index", "chunks/000001", "tombstones")) {
      pristine.put(f, Files.readAllBytes(block.resolve(f)));
    }
    fingerprint = readEverything(block);
    try (IndexReader ix = IndexReader.open(block.resolve("index"))) {
      toc = ix.toc();
      Postings p = ix.allPostings();
      while (p.next()) {
        seriesOffsets.add(p.at() * 16);
        IndexSeries s = ix.series(p.at());
        for (int i = 0; i < s.chunkCount(); i++) {
          chunkOffsets.add(s.chunkRef(i) & 0xffffffffL);
        }
      }
    }
    // Postings list offsets: the all-postings list starts at the postings section (4-aligned).
    postingsOffsets.add((toc.postings() + 3) & ~3L);
  }

  /** Everything a user can read from the block, as text; also runs a compaction. */
  static String readEverything(Path block) throws IOException {
    StringBuilder sb = new StringBuilder();
    try (BlockReader b = BlockReader.open(block)) {
      try (Querier q = b.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
        List<String> names = q.labelNames(LabelHints.NONE, List.of()).values();
        sb.append(names);
        for (String n : names) {
          sb.append(q.labelValues(n, LabelHints.NONE, List.of()).values());
        }
        try (SeriesSet set = q.select(true, null, List.of(Matcher.regex("__name__", ".+")))) {
          while (set.next()) {
            sb.append(set.at().labels());
            SampleIterator it = set.at().iterator(null);
            while (it.next() == ValueType.FLOAT) {
              sb.append(it.atT())
                  .append(':')
                  .append(Double.doubleToRawLongBits(it.atV()))
                  .append(',');
            }
          }
        }
      }
      try (ChunkQuerier q = b.chunkQuerier(Long.MIN_VALUE, Long.MAX_VALUE);
          ChunkSeriesSet set = q.select(true, null, List.of(Matcher.notEqual("job", "")))) {
        while (set.next()) {
          Iterator<ChunkMeta> it = set.at().chunks();
          while (it.hasNext()) {
            ChunkMeta c = it.next();
            sb.append(c.minTime())
                .append('-')
                .append(c.maxTime())
                .append('/')
                .append(c.chunk().numSamples());
          }
        }
      }
    }
    Path out = block.resolveSibling(block.getFileName() + "-compacted");
    Files.createDirectories(out);
    Compactor.CompactionResult r = new Compactor().compact(out, List.of(block));
    sb.append(r.meta().map(m -> m.stats().numSamples()).orElse(-1L));
    return sb.toString();
  }

  static void fixCrc(byte[] b, int from, int to) {
    CRC32C c = new CRC32C();
    c.update(b, from, to - from);
    ByteBuffer.wrap(b).putInt(to, (int) c.getValue());
  }

  /** One corruption: file name, mutated bytes, whether checksums were recomputed. */
  record Case(String what, String file, byte[] bytes, boolean checksumFixed) {}

  static Case randomCase(SplittableRandom r, int i) {
    List<String> files = new ArrayList<>(pristine.keySet());
    String file = files.get(r.nextInt(files.size()));
    byte[] b = pristine.get(file).clone();
    switch (i % 10) {
      case 0, 1, 2, 3 -> {
        int pos = r.nextInt(b.length);
        b[pos] ^= (byte) (1 << r.nextInt(8));
        return new Case("flip bit at " + pos, file, b, false);
      }
      case 4 -> {
        int len = r.nextInt(b.length);
        return new Case("truncate to " + len, file, java.util.Arrays.copyOf(b, len), false);
      }
      case 5 -> {
        // Bad TOC: an offset beyond the file or into the middle of a section, checksum fixed.
        byte[] x = pristine.get("index").clone();
        int entry = r.nextInt(6);
        long v = r.nextBoolean() ? x.length + r.nextLong(1, 1L << 40) : r.nextLong(0, x.length);
        ByteBuffer.wrap(x).putLong(x.length - 52 + 8 * entry, v);
        fixCrc(x, x.length - 52, x.length - 4);
        return new Case("TOC entry " + entry + " = " + v, "index", x, true);
      }
      case 6 -> {
        // A 4-byte section or postings length far beyond the file.
        byte[] x = pristine.get("index").clone();
        long at =
            r.nextBoolean()
                ? toc.symbols()
                : r.nextBoolean() ? toc.postingsTable() : postingsOffsets.get(0);
        ByteBuffer.wrap(x).putInt((int) at, r.nextBoolean() ? 0xfffffff0 : x.length);
        return new Case("section length at " + at, "index", x, false);
      }
      case 7 -> {
        // A series entry replaced by garbage behind a valid checksum.
        byte[] x = pristine.get("index").clone();
        int off = (int) (long) seriesOffsets.get(r.nextInt(seriesOffsets.size()));
        int len = x[off] & 0x7f; // entries here are < 128 bytes
        for (int k = 1; k <= len; k++) {
          x[off + k] = (byte) r.nextInt(256);
        }
        if (r.nextBoolean()) {
          x[off + 1] = (byte) 0xff; // huge label count (multi-byte varint)
          x[off + 2] = (byte) 0xff;
        }
        fixCrc(x, off + 1, off + 1 + len);
        return new Case("garbage series at " + off, "index", x, true);
      }
      case 8 -> {
        // A chunk length far beyond the segment, or chunk data garbage behind a valid checksum.
        byte[] x = pristine.get("chunks/000001").clone();
        int off = (int) (long) chunkOffsets.get(r.nextInt(chunkOffsets.size()));
        if (r.nextBoolean()) {
          x[off] = (byte) 0xff;
          x[off + 1] = (byte) 0xff;
          x[off + 2] = (byte) 0xff;
          x[off + 3] = (byte) 0x7f;
          return new Case("chunk length at " + off, "chunks/000001", x, false);
        }
        int len = (x[off] & 0x7f) | ((x[off + 1] & 0x7f) << 7);
        int lenBytes = (x[off] & 0x80) != 0 ? 2 : 1;
        if (lenBytes == 1) {
          len = x[off] & 0x7f;
        }
        int data = off + lenBytes + 1;
        for (int k = 0; k < len; k++) {
          if (r.nextInt(4) == 0) {
            x[data + k] = (byte) r.nextInt(256);
          }
        }
        if (r.nextInt(4) == 0) {
          x[data - 1] = (byte) r.nextInt(256); // encoding byte
        }
        fixCrc(x, data - 1, data + len);
        return new Case("garbage chunk at " + off, "chunks/000001", x, true);
      }
      default -> {
        // A symbol count far too large behind a valid checksum.
        byte[] x = pristine.get("index").clone();
        int at = (int) toc.symbols();
        int len = ByteBuffer.wrap(x).getInt(at);
        ByteBuffer.wrap(x).putInt(at + 4, r.nextInt(Integer.MAX_VALUE));
        fixCrc(x, at + 4, at + 4 + len);
        return new Case("symbol count", "index", x, true);
      }
    }
  }

  @Test
  void randomizedCorruptionsGivePreciseErrors() throws Exception {
    SplittableRandom r = new SplittableRandom(20240101);
    Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
    int cases = 500;
    for (int i = 0; i < cases; i++) {
      final int n = i;
      Case c = randomCase(r, i);
      Path block = tmp.resolve("case-" + i).resolve("01HK153X49KKDY53XYKJ6B1X86");
      Files.createDirectories(block.resolve("chunks"));
      for (Map.Entry<String, byte[]> e : pristine.entrySet()) {
        Files.write(block.resolve(e.getKey()), e.getKey().equals(c.file) ? c.bytes : e.getValue());
      }
      Outcome o =
          Assertions.assertTimeoutPreemptively(
              Duration.ofSeconds(30),
              () -> {
                try {
                  String got = readEverything(block);
                  return got.equals(fingerprint) ? Outcome.IDENTICAL : Outcome.ALTERED;
                } catch (CorruptBlockException | UnsupportedChunkEncodingException e) {
                  assertThat(e.getMessage()).isNotBlank();
                  if (e instanceof CorruptBlockException cb) {
                    assertThat(cb.file()).isNotNull();
                    assertThat(cb.getMessage()).contains(" at offset ").contains("expected");
                  }
                  return Outcome.DETECTED;
                } catch (Throwable t) {
                  fail("case " + n + " (" + c.what + " in " + c.file + ") threw " + t, t);
                  return null;
                }
              },
              () -> "case " + n + " (" + c.what + " in " + c.file + ") hung");
      if (o == Outcome.ALTERED) {
        // Only garbage behind a valid checksum, or meta.json (no checksum), may read as other data.
        assertThat(c.checksumFixed || c.file.equals("meta.json"))
            .as("case %d (%s in %s) silently altered data", i, c.what, c.file)
            .isTrue();
      }
      outcomes.merge(o, 1, Integer::sum);
      deleteTree(block.getParent());
    }
    assertThat(outcomes.getOrDefault(Outcome.DETECTED, 0)).isGreaterThan(cases / 2);
    System.out.println("corruption outcomes over " + cases + " cases: " + outcomes);
  }

  static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }
}
