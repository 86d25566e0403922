package io.jthanos.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.block.fetcher.FetchResult;
import io.jthanos.block.fetcher.MetaFetcher;
import io.jthanos.block.metadata.BlockFile;
import io.jthanos.block.metadata.HashFunc;
import io.jthanos.block.metadata.MarkerType;
import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.NoCompactMark;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.ForwardingBucket;
import io.jthanos.tsdb.block.BlockReader;
import io.jthanos.tsdb.block.Ulid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upload / download / delete / mark round trips, and crash injection between files: whatever step
 * the process dies at, readers and the fetcher never take an incomplete block for a complete one.
 * Run against every bucket type by subclasses.
 */
abstract class AbstractBlockTransferTest {
  static final Map<String, String> EXT = Map.of("cluster", "eu1", "replica", "a");
  static final Clock CLOCK = Clock.fixed(Instant.parse("2024-03-10T12:00:00Z"), ZoneOffset.UTC);

  @TempDir Path tmp;

  protected abstract Bucket newBucket() throws Exception;

  private int blocks;

  Path blockDir(Ulid id) throws IOException {
    Path parent = tmp.resolve("local-" + blocks++);
    TestBlocks.write(parent, id, EXT, 12);
    return parent.resolve(id.toString());
  }

  static Ulid id(int n) {
    return TestBlocks.ulid(1_700_000_000_000L + n, n);
  }

  static Blocks.UploadOptions opts() {
    return Blocks.UploadOptions.DEFAULT.withClock(CLOCK);
  }

  static List<String> relFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  @Test
  void uploadDownloadRoundTrip() throws Exception {
    try (Bucket bkt = newBucket()) {
      Ulid id = id(1);
      Path src = blockDir(id);
      Meta up = Blocks.upload(bkt, src, opts().withHashFunc(HashFunc.SHA256));

      assertThat(up.thanos().uploadTime()).isEqualTo(CLOCK.instant());
      List<String> rel = up.thanos().files().stream().map(BlockFile::relPath).toList();
      assertThat(rel)
          .isSorted()
          .contains("index", "meta.json")
          .anyMatch(r -> r.startsWith("chunks/"));
      assertThat(rel.stream().filter(r -> r.startsWith("chunks/")).count()).isGreaterThan(1);
      for (BlockFile f : up.thanos().files()) {
        if (!f.relPath().equals("meta.json")) {
          assertThat(f.sizeBytes()).isEqualTo(Files.size(src.resolve(f.relPath())));
          assertThat(f.hash().func()).isEqualTo(HashFunc.SHA256);
        }
      }
      List<String> objects = bkt.list(id + "/", true);
      assertThat(objects).doesNotContain(id + "/tombstones");
      assertThat(Blocks.downloadMeta(bkt, id)).isEqualTo(up);

      Path dst = tmp.resolve("download").resolve(id.toString());
      Meta down = Blocks.download(bkt, id, dst, 3);
      assertThat(down).isEqualTo(up);
      for (String r : rel) {
        if (!r.equals("meta.json")) {
          assertThat(Files.readAllBytes(dst.resolve(r)))
              .isEqualTo(Files.readAllBytes(src.resolve(r)));
        }
      }
      try (BlockReader a = BlockReader.open(src);
          BlockReader b = BlockReader.open(dst)) {
        assertThat(b.meta().stats()).isEqualTo(a.meta().stats());
        assertThat(io.jthanos.tsdb.testing.BlockFixtures.readAll(b, Long.MIN_VALUE, Long.MAX_VALUE))
            .isEqualTo(
                io.jthanos.tsdb.testing.BlockFixtures.readAll(a, Long.MIN_VALUE, Long.MAX_VALUE));
      }

      // Second download: every hashed file matches and is skipped; only meta.json is fetched.
      CrashingBucket rec = new CrashingBucket(bkt);
      Blocks.download(rec, id, dst);
      assertThat(rec.ops).containsExactly("get " + id + "/meta.json");
    }
  }

  @Test
  void uploadWritesMetaLastAndRefusesUnlabelledBlocks() throws Exception {
    try (Bucket bkt = newBucket()) {
      Ulid id = id(2);
      Path src = blockDir(id);
      CrashingBucket rec = new CrashingBucket(bkt);
      Blocks.upload(rec, src, opts());
      List<String> ops = List.copyOf(rec.ops);
      assertThat(ops.get(ops.size() - 1)).isEqualTo("upload " + id + "/meta.json");
      assertThat(ops.get(ops.size() - 2)).isEqualTo("upload " + id + "/index");
      assertThat(ops.subList(0, ops.size() - 2))
          .allMatch(o -> o.startsWith("upload " + id + "/chunks/"));

      Ulid bare = id(3);
      Path parent = tmp.resolve("bare");
      TestBlocks.write(parent, bare, Map.of(), 1);
      assertThatThrownBy(() -> Blocks.upload(bkt, parent.resolve(bare.toString()), opts()))
          .isInstanceOf(BlockUploadException.class)
          .hasMessageContaining("empty external labels");
      assertThat(bkt.list(bare + "/", true)).isEmpty();
      // Plain Prometheus blocks may be uploaded without labels when asked.
      Blocks.upload(bkt, parent.resolve(bare.toString()), opts().withoutExternalLabelCheck());
      assertThat(bkt.exists(bare + "/meta.json")).isTrue();
    }
  }

  @Test
  void failedUploadCleansUp() throws Exception {
    try (Bucket bkt = newBucket()) {
      Ulid id = id(4);
      Path src = blockDir(id);
      Bucket failing =
          new ForwardingBucket(bkt) {
            @Override
            public void upload(String name, Path file) throws IOException {
              if (name.endsWith("/index")) {
                throw new IOException("injected failure");
              }
              super.upload(name, file);
            }
          };
      assertThatThrownBy(() -> Blocks.upload(failing, src, opts()))
          .isInstanceOf(BlockUploadException.class)
          .hasMessageContaining("upload index");
      assertThat(bkt.list(id + "/", true)).isEmpty();
    }
  }

  @Test
  void deleteRemovesMetaFirstAndDeletionMarkLast() throws Exception {
    try (Bucket bkt = newBucket()) {
      Ulid id = id(5);
      Blocks.upload(bkt, blockDir(id), opts());
      assertThat(Blocks.markForDeletion(bkt, id, "test", CLOCK)).isTrue();
      assertThat(Blocks.markForDeletion(bkt, id, "again", CLOCK)).isFalse();
      assertThat(Blocks.markForNoCompact(bkt, id, NoCompactMark.REASON_MANUAL, "", CLOCK)).isTrue();
      assertThat(Blocks.readMarker(bkt, id, MarkerType.DELETION).orElseThrow().details())
          .isEqualTo("test");
      CrashingBucket rec = new CrashingBucket(bkt);
      Blocks.delete(rec, id);
      List<String> deletes =
          rec.ops.stream().filter(o -> o.startsWith("delete ")).map(o -> o.substring(7)).toList();
      assertThat(deletes.get(0)).isEqualTo(id + "/meta.json");
      int mark = deletes.indexOf(id + "/deletion-mark.json");
      assertThat(deletes.subList(mark + 1, deletes.size())).allMatch(n -> n.endsWith("/"));
      assertThat(deletes).contains(id + "/index", id + "/no-compact-mark.json");
      assertThat(bkt.list(id + "/", true)).isEmpty();
      assertThat(bkt.list("", false)).doesNotContain(id + "/");
      Blocks.delete(bkt, id); // already gone: no error
    }
  }

  @Test
  void crashAtEveryUploadStepNeverExposesAnIncompleteBlock() throws Exception {
    try (Bucket bkt = newBucket()) {
      Ulid id = id(6);
      Path src = blockDir(id);
      int uploads = (int) (Files.list(src.resolve("chunks")).count() + 2);
      MetaFetcher fetcher = MetaFetcher.builder(bkt).concurrency(4).build();
      for (int k = 1; k <= uploads; k++) {
        CrashingBucket crashing = new CrashingBucket(bkt).crashBeforeUpload(k);
        assertThatThrownBy(() -> Blocks.upload(crashing, src, opts()))
            .isInstanceOf(CrashingBucket.Crash.class);
        FetchResult r = fetcher.fetch();
        assertThat(r.metas()).as("crash before upload %d", k).doesNotContainKey(id);
        if (k > 1) {
          assertThat(r.partial()).containsKey(id);
        }
        Path dst = tmp.resolve("dl-" + k).resolve(id.toString());
        assertThatThrownBy(() -> Blocks.download(bkt, id, dst)).isInstanceOf(IOException.class);
        assertThat(dst.resolve("meta.json")).doesNotExist();
      }
      // The restarted process uploads again and the block becomes visible, complete.
      Blocks.upload(bkt, src, opts());
      FetchResult r = fetcher.fetch();
      assertThat(r.metas()).containsKey(id);
      assertThat(r.partial()).doesNotContainKey(id);
      assertComplete(bkt, id);
    }
  }

  @Test
  void crashAtEveryDeleteStepNeverExposesAnIncompleteBlock() throws Exception {
    try (Bucket bkt = newBucket()) {
      Ulid id = id(7);
      Path src = blockDir(id);
      MetaFetcher fetcher = MetaFetcher.builder(bkt).concurrency(4).build();
      int k = 1;
      while (true) {
        Blocks.upload(bkt, src, opts());
        Blocks.markForDeletion(bkt, id, "", CLOCK);
        CrashingBucket crashing = new CrashingBucket(bkt).crashBeforeDelete(k);
        boolean crashed;
        try {
          Blocks.delete(crashing, id);
          crashed = false;
        } catch (CrashingBucket.Crash c) {
          crashed = true;
        }
        FetchResult r = fetcher.fetch();
        if (r.metas().containsKey(id)) {
          assertThat(k).as("only a crash before the first delete leaves the block").isEqualTo(1);
          assertComplete(bkt, id);
        }
        if (!crashed) {
          assertThat(bkt.list(id + "/", true)).isEmpty();
          break;
        }
        // The restarted compactor finishes the deletion.
        Blocks.delete(bkt, id);
        assertThat(bkt.list(id + "/", true)).isEmpty();
        k++;
      }
      assertThat(k).isGreaterThan(3);
    }
  }

  @Test
  void crashDuringDownloadLeavesNoMetaJson() throws Exception {
    try (Bucket bkt = newBucket()) {
      Ulid id = id(8);
      Blocks.upload(bkt, blockDir(id), opts());
      int objects = bkt.list(id + "/", true).size();
      for (int k = 2; k <= objects; k++) {
        Path dst = tmp.resolve("crash-dl-" + k).resolve(id.toString());
        CrashingBucket crashing = new CrashingBucket(bkt).crashBeforeGet(k);
        assertThatThrownBy(() -> Blocks.download(crashing, id, dst))
            .isInstanceOf(CrashingBucket.Crash.class);
        assertThat(dst.resolve("meta.json")).doesNotExist();
        // Resuming completes the block.
        Blocks.download(bkt, id, dst);
        try (BlockReader r = BlockReader.open(dst)) {
          assertThat(r.meta().stats().numSeries()).isEqualTo(12);
        }
      }
    }
  }

  /** Every file meta.json lists is in the bucket with its size, and the block reads back. */
  void assertComplete(Bucket bkt, Ulid id) throws IOException {
    Meta m = Blocks.downloadMeta(bkt, id);
    List<String> missing = new ArrayList<>();
    for (BlockFile f : m.thanos().files()) {
      String name = id + "/" + f.relPath();
      if (!bkt.exists(name)) {
        missing.add(name);
      } else if (f.sizeBytes() > 0) {
        assertThat(bkt.attributes(name).size()).isEqualTo(f.sizeBytes());
      }
    }
    assertThat(missing).isEmpty();
    Path dst = tmp.resolve("complete-" + System.nanoTime()).resolve(id.toString());
    Blocks.download(bkt, id, dst);
    try (BlockReader r = BlockReader.open(dst)) {
      assertThat(r.meta().stats().numSeries()).isEqualTo(12);
    }
  }
}
