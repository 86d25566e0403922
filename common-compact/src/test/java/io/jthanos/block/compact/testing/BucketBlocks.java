package io.jthanos.block.compact.testing;

import io.jthanos.block.Blocks;
import io.jthanos.block.metadata.MarkerType;
import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.Sources;
import io.jthanos.block.metadata.ThanosMeta;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.BucketReader;
import io.jthanos.tsdb.block.BlockFiles;
import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.BlockWriter;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.testing.BlockFixtures;
import io.jthanos.tsdb.testing.TestSeries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Blocks in a bucket for tests of the compactor and the bucket tools: uploads synthetic series as
 * Thanos blocks (external labels, resolution, source, old upload time so consistency delays pass)
 * and reads everything back merged per series, so tests can count samples and spot doubles.
 */
public final class BucketBlocks {
  /** Upload time of fixture blocks: long past, so no consistency delay hides them. */
  public static final Instant UPLOADED = Instant.parse("2020-01-01T00:00:00Z");

  public static final long H = 3_600_000L;

  private BucketBlocks() {}

  /** The parts of {@code series} in [min, max). */
  public static List<TestSeries> slice(List<TestSeries> series, long min, long max) {
    List<TestSeries> out = new ArrayList<>();
    for (TestSeries s : series) {
      TestSeries sl = s.slice(min, max - 1);
      if (sl.size() > 0) {
        out.add(sl);
      }
    }
    return out;
  }

  /**
   * Writes the samples of {@code series} in [min, max) as a level-1 block with {@code labels} and
   * {@code resolution} 0, source sidecar, and uploads it.
   */
  public static Meta upload(
      Bucket bkt,
      Path tmp,
      Map<String, String> labels,
      List<TestSeries> series,
      long min,
      long max) {
    return upload(bkt, tmp, labels, slice(series, min, max), min, max, Sources.SIDECAR);
  }

  /** Uploads exactly these series (already within [min, max)). */
  public static Meta upload(
      Bucket bkt,
      Path tmp,
      Map<String, String> labels,
      List<TestSeries> series,
      long min,
      long max,
      String source) {
    return upload(
        bkt, tmp, labels, series, min, max, source, Clock.fixed(UPLOADED, ZoneOffset.UTC));
  }

  /** As above, with {@code thanos.upload_time} taken from {@code uploadClock}. */
  public static Meta upload(
      Bucket bkt,
      Path tmp,
      Map<String, String> labels,
      List<TestSeries> series,
      long min,
      long max,
      String source,
      Clock uploadClock) {
    try {
      Path dir = Files.createTempDirectory(Files.createDirectories(tmp), "block-");
      BlockMeta b = BlockFixtures.writeBlock(BlockWriter.builder(dir).timeRange(min, max), series);
      Path bdir = dir.resolve(b.ulid().toString());
      Meta m = new Meta(b, ThanosMeta.of(labels, 0, source));
      m.write(bdir);
      Meta up = Blocks.upload(bkt, bdir, Blocks.UploadOptions.DEFAULT.withClock(uploadClock));
      BlockFiles.deleteRecursively(dir);
      return up;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Complete blocks (meta.json present) without a deletion mark, by id. */
  public static TreeMap<Ulid, Meta> live(BucketReader bkt) throws IOException {
    TreeMap<Ulid, Meta> out = new TreeMap<>();
    for (Ulid id : blockIds(bkt)) {
      if (!bkt.exists(id + "/meta.json") || bkt.exists(MarkerType.DELETION.objectName(id))) {
        continue;
      }
      out.put(id, Blocks.downloadMeta(bkt, id));
    }
    return out;
  }

  /** Every block directory in the bucket, complete or not. */
  public static List<Ulid> blockIds(BucketReader bkt) throws IOException {
    List<Ulid> out = new ArrayList<>();
    for (String name : bkt.list("", false)) {
      Blocks.blockId(name).ifPresent(out::add);
    }
    out.sort(null);
    return out;
  }

  /** Block directories without meta.json (partial uploads). */
  public static List<Ulid> partial(BucketReader bkt) throws IOException {
    List<Ulid> out = new ArrayList<>();
    for (Ulid id : blockIds(bkt)) {
      if (!bkt.exists(id + "/meta.json")) {
        out.add(id);
      }
    }
    return out;
  }

  /** What a bucket holds for one stream: series merged over blocks, and samples seen twice. */
  public record Content(Map<Labels, TestSeries> series, long samples, long doubled) {}

  /**
   * Reads every live block of {@code resolution} whose external labels equal {@code labels} (null:
   * any) and merges samples per series. A timestamp present in two blocks counts as doubled.
   */
  public static Content read(
      BucketReader bkt, Path tmp, long resolution, Map<String, String> labels) throws IOException {
    TreeMap<Labels, List<long[]>> merged = new TreeMap<>(Labels::compare);
    long doubled = 0;
    for (Meta m : live(bkt).values()) {
      if (m.resolution() != resolution || (labels != null && !m.labels().equals(labels))) {
        continue;
      }
      Path dir = Files.createTempDirectory(Files.createDirectories(tmp), "read-");
      Path bdir = dir.resolve(m.ulid().toString());
      Blocks.download(bkt, m.ulid(), bdir);
      for (TestSeries s : BlockFixtures.readAll(bdir)) {
        List<long[]> l = merged.computeIfAbsent(s.labels(), k -> new ArrayList<>());
        for (int i = 0; i < s.size(); i++) {
          l.add(new long[] {s.ts()[i], s.valueBits()[i]});
        }
      }
      BlockFiles.deleteRecursively(dir);
    }
    TreeMap<Labels, TestSeries> out = new TreeMap<>(Labels::compare);
    long samples = 0;
    for (var e : merged.entrySet()) {
      List<long[]> l = e.getValue();
      l.sort((a, b) -> Long.compare(a[0], b[0]));
      List<long[]> dedup = new ArrayList<>();
      for (long[] x : l) {
        if (!dedup.isEmpty() && dedup.get(dedup.size() - 1)[0] == x[0]) {
          doubled++;
          continue;
        }
        dedup.add(x);
      }
      long[] ts = dedup.stream().mapToLong(x -> x[0]).toArray();
      long[] vs = dedup.stream().mapToLong(x -> x[1]).toArray();
      out.put(e.getKey(), new TestSeries(e.getKey(), ts, vs));
      samples += ts.length;
    }
    return new Content(out, samples, doubled);
  }

  /** Total samples of {@code series}. */
  public static long samples(List<TestSeries> series) {
    return series.stream().mapToLong(TestSeries::size).sum();
  }

  /** The series as a map, for comparison with {@link Content#series()}. */
  public static Map<Labels, TestSeries> byLabels(List<TestSeries> series) {
    TreeMap<Labels, TestSeries> out = new TreeMap<>(Labels::compare);
    for (TestSeries s : series) {
      out.put(s.labels(), s);
    }
    return out;
  }

  /** The meta of a block if it is complete. */
  public static Optional<Meta> meta(BucketReader bkt, Ulid id) throws IOException {
    if (!bkt.exists(id + "/meta.json")) {
      return Optional.empty();
    }
    return Optional.of(Blocks.downloadMeta(bkt, id));
  }

  static long[] copy(long[] a) {
    return Arrays.copyOf(a, a.length);
  }
}
