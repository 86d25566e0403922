package io.jthanos.block;

import io.jthanos.block.metadata.BlockFile;
import io.jthanos.block.metadata.DeletionMark;
import io.jthanos.block.metadata.HashFunc;
import io.jthanos.block.metadata.Marker;
import io.jthanos.block.metadata.MarkerType;
import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.NoCompactMark;
import io.jthanos.block.metadata.NoDownsampleMark;
import io.jthanos.block.metadata.ObjectHash;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.BucketReader;
import io.jthanos.objstore.ObjectNotFoundException;
import io.jthanos.tsdb.block.Ulid;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moving blocks between a local directory and a bucket with Thanos' protocol, so that readers never
 * take a half-written block for a complete one:
 *
 * <ul>
 *   <li><b>upload</b>: {@code chunks/*}, then {@code index}, then {@code meta.json} last (a block
 *       directory without meta.json is a partial upload). meta.json gets {@code thanos.files}
 *       (sizes and optional SHA-256) and {@code thanos.upload_time}. Blocks without external labels
 *       are refused. A failed chunk or index upload deletes what was uploaded.
 *   <li><b>download</b>: every object of the block; files whose recorded hash matches the local
 *       copy are skipped; {@code meta.json} is written last, atomically, so a local directory
 *       without it is incomplete.
 *   <li><b>delete</b>: {@code meta.json} first, then the other objects, then {@code
 *       deletion-mark.json}, then (best effort) the directory marker objects some tools create.
 *   <li><b>mark</b>: deletion, no-compact and no-downsample markers, never overwriting one that
 *       exists.
 * </ul>
 */
public final class Blocks {
  public static final String META_FILENAME = Meta.FILE_NAME;
  public static final String INDEX_FILENAME = "index";
  public static final String CHUNKS_DIRNAME = "chunks";
  public static final String INDEX_HEADER_FILENAME = "index-header";

  /** Top-level bucket directory for metas of deleted blocks. */
  public static final String DEBUG_METAS = "debug/metas";

  private static final Logger LOG = LoggerFactory.getLogger(Blocks.class);

  private Blocks() {}

  /** How a block is uploaded. */
  public record UploadOptions(
      HashFunc hashFunc, boolean requireExternalLabels, Clock clock, int concurrency) {
    public static final UploadOptions DEFAULT =
        new UploadOptions(HashFunc.NONE, true, Clock.systemUTC(), 1);

    public UploadOptions {
      hashFunc = hashFunc == null ? HashFunc.NONE : hashFunc;
      clock = clock == null ? Clock.systemUTC() : clock;
      concurrency = Math.max(1, concurrency);
    }

    public UploadOptions withHashFunc(HashFunc h) {
      return new UploadOptions(h, requireExternalLabels, clock, concurrency);
    }

    /** Plain Prometheus blocks (Thanos' {@code UploadPromBlock}) may have no external labels. */
    public UploadOptions withoutExternalLabelCheck() {
      return new UploadOptions(hashFunc, false, clock, concurrency);
    }

    public UploadOptions withClock(Clock c) {
      return new UploadOptions(hashFunc, requireExternalLabels, c, concurrency);
    }

    public UploadOptions withConcurrency(int n) {
      return new UploadOptions(hashFunc, requireExternalLabels, clock, n);
    }
  }

  /** The block id of a directory or object name whose last path element is a ULID. */
  public static Optional<Ulid> blockId(String name) {
    String s = name;
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    int slash = s.lastIndexOf('/');
    String base = slash < 0 ? s : s.substring(slash + 1);
    return Ulid.isValid(base) ? Optional.of(Ulid.parse(base)) : Optional.empty();
  }

  // ------------------------------------------------------------------ upload

  /** Uploads with Thanos' defaults (external labels required) and the given hash function. */
  public static Meta upload(Bucket bkt, Path blockDir, HashFunc hashFunc) throws IOException {
    return upload(bkt, blockDir, UploadOptions.DEFAULT.withHashFunc(hashFunc));
  }

  /**
   * Uploads the block in {@code blockDir} (whose name is its ULID). Returns the meta as uploaded
   * (with files and upload time); the local meta.json is left as it is.
   *
   * @throws BlockUploadException when the directory is not a valid block or an upload fails (the
   *     partial upload has then been removed, unless meta.json itself failed)
   */
  public static Meta upload(Bucket bkt, Path blockDir, UploadOptions opts) throws IOException {
    if (!Files.isDirectory(blockDir)) {
      throw new BlockUploadException(blockDir + " is not a directory");
    }
    String name = blockDir.getFileName().toString();
    if (!Ulid.isValid(name)) {
      throw new BlockUploadException("not a block dir: " + blockDir + " is not named by a ULID");
    }
    Ulid id = Ulid.parse(name);
    Meta meta;
    try {
      meta = Meta.read(blockDir);
    } catch (NoSuchFileException e) {
      throw new BlockUploadException("read meta: " + e.getMessage() + " does not exist", e);
    } catch (RuntimeException e) {
      throw new BlockUploadException("read meta: " + e.getMessage(), e);
    }
    if (!meta.ulid().equals(id)) {
      throw new BlockUploadException(
          "meta.json ulid " + meta.ulid() + " does not match directory " + blockDir);
    }
    if (opts.requireExternalLabels() && meta.labels().isEmpty()) {
      throw new BlockUploadException("empty external labels are not allowed for Thanos block.");
    }
    List<BlockFile> files = gatherFileStats(blockDir, opts.hashFunc());
    Meta uploaded =
        meta.withThanos(meta.thanos().withFiles(files).withUploadTime(opts.clock().instant()));
    byte[] metaBytes = uploaded.toBytes();

    List<Path> chunkFiles = regularFiles(blockDir.resolve(CHUNKS_DIRNAME));
    try {
      runAll(
          opts.concurrency(),
          chunkFiles.stream()
              .map(
                  f ->
                      (IoTask)
                          () ->
                              bkt.upload(id + "/" + CHUNKS_DIRNAME + "/" + relName(blockDir, f), f))
              .toList());
    } catch (IOException | RuntimeException e) {
      throw cleanUp(bkt, id, new BlockUploadException("upload chunks: " + e.getMessage(), e));
    }
    try {
      bkt.upload(id + "/" + INDEX_FILENAME, blockDir.resolve(INDEX_FILENAME));
    } catch (IOException | RuntimeException e) {
      throw cleanUp(bkt, id, new BlockUploadException("upload index: " + e.getMessage(), e));
    }
    // meta.json goes last: its presence is what makes the block complete. No clean-up on failure:
    // the object may still appear (eventual consistency, S3 503 SlowDown); a partial block without
    // meta.json is removed later by the compactor.
    try {
      bkt.upload(id + "/" + META_FILENAME, metaBytes);
    } catch (IOException | RuntimeException e) {
      throw new BlockUploadException("upload meta file: " + e.getMessage(), e);
    }
    LOG.atDebug()
        .addKeyValue("block", id)
        .addKeyValue("bucket", bkt.name())
        .addKeyValue("files", files.size())
        .log("uploaded block");
    return uploaded;
  }

  private static BlockUploadException cleanUp(Bucket bkt, Ulid id, BlockUploadException cause) {
    try {
      delete(bkt, id);
    } catch (IOException | RuntimeException e) {
      BlockUploadException err =
          new BlockUploadException(
              "failed to clean block after upload issue. Partial block in system. Err: "
                  + cause.getMessage(),
              cause);
      err.addSuppressed(e);
      return err;
    }
    return cause;
  }

  private static String relName(Path blockDir, Path file) {
    return blockDir.resolve(CHUNKS_DIRNAME).relativize(file).toString().replace('\\', '/');
  }

  /**
   * The {@code thanos.files} entries of a block directory: every file under {@code chunks/}, {@code
   * index}, and {@code meta.json} (without size or hash), sorted by relative path. Hashes are
   * computed when {@code hashFunc} is not {@link HashFunc#NONE}.
   */
  public static List<BlockFile> gatherFileStats(Path blockDir, HashFunc hashFunc)
      throws IOException {
    List<BlockFile> res = new ArrayList<>();
    Path chunks = blockDir.resolve(CHUNKS_DIRNAME);
    if (!Files.isDirectory(chunks)) {
      throw new NoSuchFileException(chunks.toString(), null, "read dir");
    }
    for (Path f : regularFiles(chunks)) {
      res.add(fileStat(f, CHUNKS_DIRNAME + "/" + relName(blockDir, f), hashFunc));
    }
    Path index = blockDir.resolve(INDEX_FILENAME);
    if (!Files.isRegularFile(index)) {
      throw new NoSuchFileException(index.toString(), null, "stat");
    }
    res.add(fileStat(index, INDEX_FILENAME, hashFunc));
    if (!Files.isRegularFile(blockDir.resolve(META_FILENAME))) {
      throw new NoSuchFileException(blockDir.resolve(META_FILENAME).toString(), null, "stat");
    }
    res.add(new BlockFile(META_FILENAME, 0, null));
    res.sort(Comparator.comparing(BlockFile::relPath));
    return res;
  }

  private static BlockFile fileStat(Path f, String rel, HashFunc hf) throws IOException {
    ObjectHash h = hf == HashFunc.NONE ? null : ObjectHash.of(f, hf);
    return new BlockFile(rel, Files.size(f), h);
  }

  private static List<Path> regularFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  // ------------------------------------------------------------------ download

  /** Downloads only {@code <id>/meta.json}. */
  public static Meta downloadMeta(BucketReader bkt, Ulid id) throws IOException {
    String name = id + "/" + META_FILENAME;
    return Meta.parse(Path.of(name), bkt.readAllBytes(name));
  }

  /** Downloads a block into {@code dst} with one file at a time. */
  public static Meta download(BucketReader bkt, Ulid id, Path dst) throws IOException {
    return download(bkt, id, dst, 1);
  }

  /**
   * Downloads every object of block {@code id} into {@code dst} (created if needed), skipping files
   * whose hash in meta.json matches the local copy. meta.json is written last and atomically;
   * {@code chunks/} is created when the block has none.
   */
  public static Meta download(BucketReader bkt, Ulid id, Path dst, int concurrency)
      throws IOException {
    Files.createDirectories(dst);
    String metaName = id + "/" + META_FILENAME;
    byte[] metaBytes = bkt.readAllBytes(metaName);
    Meta meta = Meta.parse(dst.resolve(META_FILENAME), metaBytes);

    List<String> skip = new ArrayList<>();
    for (BlockFile f : meta.thanos().files()) {
      if (f.hash() == null || f.hash().func() == HashFunc.NONE || f.relPath().isEmpty()) {
        continue;
      }
      Path local = dst.resolve(f.relPath());
      if (!Files.isRegularFile(local)) {
        continue;
      }
      try {
        if (ObjectHash.of(local, f.hash().func()).matches(f.hash())) {
          skip.add(f.relPath());
        }
      } catch (IOException e) {
        LOG.atInfo()
            .setCause(e)
            .addKeyValue("relPath", f.relPath())
            .log("failed to calculate hash when downloading; re-downloading");
      }
    }
    String prefix = id + "/";
    List<IoTask> tasks = new ArrayList<>();
    for (String name : bkt.list(prefix, true)) {
      String rel = name.substring(prefix.length());
      if (rel.isEmpty() || rel.equals(META_FILENAME) || skip.contains(rel)) {
        continue;
      }
      Path target = dst.resolve(rel).normalize();
      if (!target.startsWith(dst.normalize())) {
        throw new IOException("object " + name + " would be written outside " + dst);
      }
      tasks.add(() -> downloadFile(bkt, name, target));
    }
    runAll(concurrency, tasks);
    Files.createDirectories(dst.resolve(CHUNKS_DIRNAME));
    Meta.writeAtomically(dst.resolve(META_FILENAME), metaBytes);
    return meta;
  }

  private static void downloadFile(BucketReader bkt, String name, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling(target.getFileName() + ".download");
    try (InputStream in = bkt.get(name)) {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  // ------------------------------------------------------------------ delete

  /**
   * Deletes block {@code id}: meta.json first (the block stops being complete), then every other
   * object, then deletion-mark.json, then the directory marker objects {@code <id>/chunks/} and
   * {@code <id>/} if a tool created them. Deleting a block that is already gone is not an error.
   */
  public static void delete(Bucket bkt, Ulid id) throws IOException {
    String metaFile = id + "/" + META_FILENAME;
    String markFile = MarkerType.DELETION.objectName(id);
    if (bkt.exists(metaFile)) {
      deleteIfExists(bkt, metaFile);
      LOG.atDebug()
          .addKeyValue("file", metaFile)
          .addKeyValue("bucket", bkt.name())
          .log("deleted file");
    }
    for (String name : bkt.list(id + "/", true)) {
      if (name.equals(metaFile) || name.equals(markFile) || name.endsWith("/")) {
        continue;
      }
      deleteIfExists(bkt, name);
      LOG.atDebug().addKeyValue("file", name).addKeyValue("bucket", bkt.name()).log("deleted file");
    }
    if (bkt.exists(markFile)) {
      deleteIfExists(bkt, markFile);
      LOG.atDebug()
          .addKeyValue("file", markFile)
          .addKeyValue("bucket", bkt.name())
          .log("deleted file");
    }
    for (String dirMarker : List.of(id + "/" + CHUNKS_DIRNAME + "/", id + "/")) {
      try {
        bkt.delete(dirMarker);
      } catch (IOException | RuntimeException e) {
        // Best effort: most buckets have no directory objects (and refuse such names).
      }
    }
  }

  private static void deleteIfExists(Bucket bkt, String name) throws IOException {
    try {
      bkt.delete(name);
    } catch (ObjectNotFoundException e) {
      // Deleted concurrently or listed by an eventually consistent listing: gone either way.
    }
  }

  // ------------------------------------------------------------------ markers

  /**
   * Uploads a marker unless one of that type exists already (then logs a warning, as Thanos does,
   * and returns false).
   */
  public static boolean mark(Bucket bkt, Marker m) throws IOException {
    String name = m.type().objectName(m.id());
    if (bkt.exists(name)) {
      LOG.atWarn()
          .addKeyValue("block", m.id())
          .addKeyValue("marker", m.type().fileName())
          .log("requested to mark block, but the marker already exists");
      return false;
    }
    bkt.upload(name, m.toJson().getBytes(StandardCharsets.UTF_8));
    LOG.atInfo()
        .addKeyValue("block", m.id())
        .addKeyValue("marker", m.type().fileName())
        .log("block has been marked");
    return true;
  }

  /** Writes {@code deletion-mark.json} with the clock's time; false when already marked. */
  public static boolean markForDeletion(Bucket bkt, Ulid id, String details, Clock clock)
      throws IOException {
    return mark(bkt, DeletionMark.of(id, details, clock.instant().getEpochSecond()));
  }

  /** Writes {@code no-compact-mark.json}; false when already marked. */
  public static boolean markForNoCompact(
      Bucket bkt, Ulid id, String reason, String details, Clock clock) throws IOException {
    return mark(bkt, NoCompactMark.of(id, reason, details, clock.instant().getEpochSecond()));
  }

  /** Writes {@code no-downsample-mark.json}; false when already marked. */
  public static boolean markForNoDownsample(
      Bucket bkt, Ulid id, String reason, String details, Clock clock) throws IOException {
    return mark(bkt, NoDownsampleMark.of(id, reason, details, clock.instant().getEpochSecond()));
  }

  /** Removes a marker; false when there was none. */
  public static boolean removeMark(Bucket bkt, Ulid id, MarkerType type) throws IOException {
    try {
      bkt.delete(type.objectName(id));
      return true;
    } catch (ObjectNotFoundException e) {
      return false;
    }
  }

  /**
   * Reads a marker of block {@code id}; empty when there is none.
   *
   * @throws io.jthanos.block.metadata.MarkerFormatException when it cannot be decoded
   * @throws io.jthanos.block.metadata.MarkerVersionException when its version is not 1
   */
  public static Optional<Marker> readMarker(BucketReader bkt, Ulid id, MarkerType type)
      throws IOException {
    String name = type.objectName(id);
    byte[] b;
    try {
      b = bkt.readAllBytes(name);
    } catch (IOException e) {
      if (bkt.isObjNotFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
    return Optional.of(type.parse(name, b));
  }

  // ------------------------------------------------------------------ concurrency

  @FunctionalInterface
  interface IoTask {
    void run() throws IOException;
  }

  /** Runs tasks with at most {@code concurrency} at a time; the first failure is thrown. */
  static void runAll(int concurrency, List<IoTask> tasks) throws IOException {
    if (concurrency <= 1 || tasks.size() <= 1) {
      for (IoTask t : tasks) {
        t.run();
      }
      return;
    }
    try (ExecutorService ex = Executors.newFixedThreadPool(Math.min(concurrency, tasks.size()))) {
      List<Future<?>> fs = new ArrayList<>();
      for (IoTask t : tasks) {
        fs.add(
            ex.submit(
                () -> {
                  t.run();
                  return null;
                }));
      }
      IOException first = null;
      for (Future<?> f : fs) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (first == null) {
            first =
                e.getCause() instanceof IOException io
                    ? io
                    : new IOException(e.getCause().getMessage(), e.getCause());
            fs.forEach(x -> x.cancel(true));
          }
        } catch (java.util.concurrent.CancellationException e) {
          // Cancelled after an earlier failure.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          fs.forEach(x -> x.cancel(true));
          throw new InterruptedIOException("interrupted");
        }
      }
      if (first != null) {
        throw first;
      }
    }
  }
}
