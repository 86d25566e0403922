package io.jthanos.block.indexheader;

import io.jthanos.objstore.BucketReader;
import io.jthanos.tsdb.block.Ulid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a block's index-header the way Thanos' {@code NewBinaryReader} does: reuse the file on disk
 * when it is there and sound (so a restarted store gateway downloads nothing), otherwise build it
 * from range reads of the index; a file that fails verification is rebuilt.
 */
public final class IndexHeaders {
  private static final Logger log = LoggerFactory.getLogger(IndexHeaders.class);

  private IndexHeaders() {}

  /** {@code <dir>/<ULID>/index-header}. */
  public static Path file(Path dir, Ulid id) {
    return dir.resolve(id.toString()).resolve(IndexHeaderFormat.FILE_NAME);
  }

  /**
   * Ensures {@code <dir>/<ULID>/index-header} exists and is sound, building (or rebuilding) it from
   * the bucket when needed; returns whether it was built.
   */
  public static boolean ensure(BucketReader bkt, Path dir, Ulid id, int sampling)
      throws IOException {
    Path f = file(dir, id);
    if (Files.exists(f)) {
      try (BinaryIndexHeader r = BinaryIndexHeader.open(f, sampling)) {
        return false;
      } catch (RuntimeException e) {
        log.atWarn()
            .addKeyValue("block", id)
            .addKeyValue("path", f)
            .addKeyValue("err", e.getMessage())
            .log("index-header on disk is unusable, rebuilding");
      }
    }
    build(bkt, id, f);
    return true;
  }

  /**
   * Opens the index-header of {@code id}: from {@code <dir>/<ULID>/index-header} when {@code dir}
   * is non-null (built or rebuilt from the bucket when missing or corrupt), else built in memory.
   */
  public static BinaryIndexHeader open(BucketReader bkt, Path dir, Ulid id, int sampling)
      throws IOException {
    if (dir == null) {
      long start = System.nanoTime();
      byte[] content = IndexHeaderWriter.build(bkt, id);
      log.atDebug()
          .addKeyValue("block", id)
          .addKeyValue("bytes", content.length)
          .addKeyValue("elapsed", java.time.Duration.ofNanos(System.nanoTime() - start))
          .log("built index-header in memory");
      return BinaryIndexHeader.of(
          Path.of(id.toString(), IndexHeaderFormat.FILE_NAME), content, sampling);
    }
    Path f = file(dir, id);
    try {
      return BinaryIndexHeader.open(f, sampling);
    } catch (RuntimeException e) {
      if (!(e.getCause() instanceof NoSuchFileException) && Files.exists(f)) {
        log.atWarn()
            .addKeyValue("block", id)
            .addKeyValue("path", f)
            .addKeyValue("err", e.getMessage())
            .log("index-header on disk is unusable, rebuilding");
      }
    }
    build(bkt, id, f);
    return BinaryIndexHeader.open(f, sampling);
  }

  private static void build(BucketReader bkt, Ulid id, Path f) throws IOException {
    long start = System.nanoTime();
    long read = IndexHeaderWriter.write(bkt, id, f);
    log.atDebug()
        .addKeyValue("block", id)
        .addKeyValue("path", f)
        .addKeyValue("bytes_read", read)
        .addKeyValue("elapsed", java.time.Duration.ofNanos(System.nanoTime() - start))
        .log("built index-header file");
  }
}
