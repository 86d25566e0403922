package io.jthanos.block.shipper;

import io.jthanos.block.BlockUploadException;
import io.jthanos.block.Blocks;
import io.jthanos.block.metadata.HashFunc;
import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.ThanosMeta;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.NameIterator;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.labels.Labels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads the blocks a TSDB writes into its directory to a bucket, once each, as Thanos' shipper
 * ({@code pkg/shipper}, spec 4.5 and 8). Used by the sidecar (Prometheus' blocks), and meant for
 * every component that cuts its own blocks (receiver, ruler).
 *
 * <p>One {@link #sync()}: read the state file ({@value ShipperMeta#DEFAULT_FILE_NAME}; missing or
 * corrupt = empty, the bucket check below still prevents a second upload); walk the local blocks
 * oldest first; skip those already recorded, empty ones (no samples) and compacted ones (level &gt;
 * 1) unless uploading compacted blocks is on; record without uploading those whose {@code
 * meta.json} is already in the bucket; for a compacted block check first that it overlaps no block
 * of the same external labels in the bucket; then hard-link the block into {@code
 * thanos/upload/<ULID>} (so Prometheus deleting or compacting it does not disturb the upload),
 * write the {@code thanos} section (external labels, source, resolution 0, segment files) into the
 * staged meta.json and upload chunks, index and meta.json last ({@link Blocks#upload}). The state
 * file is rewritten with the recorded blocks that still exist locally.
 *
 * <p>A failed upload stops the sync (blocks after it wait, so the bucket never holds a newer block
 * without the older ones) unless out-of-order uploads are allowed. A block whose meta.json cannot
 * be read fails the sync unless corrupted blocks are skipped. Metrics: {@code
 * thanos_shipper_dir_syncs_total}, {@code thanos_shipper_dir_sync_failures_total}, {@code
 * thanos_shipper_uploads_total}, {@code thanos_shipper_upload_failures_total}, {@code
 * thanos_shipper_corrupted_blocks_total}, and with compacted uploads {@code
 * thanos_shipper_upload_compacted_done}.
 *
 * <p>Not safe for concurrent {@code sync} calls on the same directory (they are serialised here);
 * safe to run while the TSDB writes, compacts and deletes blocks.
 */
public final class Shipper {
  private static final Logger LOG = LoggerFactory.getLogger(Shipper.class);

  /** Staging directory for uploads, relative to the TSDB directory. */
  public static final String UPLOAD_DIR = "thanos/upload";

  private final Path dir;
  private final Bucket bucket;
  private final Supplier<Labels> labels;
  private final String source;
  private final BooleanSupplier uploadCompacted;
  private final boolean allowOutOfOrderUploads;
  private final boolean skipCorruptedBlocks;
  private final String metaFileName;
  private final Blocks.UploadOptions uploadOptions;
  private final Counter dirSyncs;
  private final Counter dirSyncFailures;
  private final Counter uploads;
  private final Counter uploadFailures;
  private final Counter corruptedBlocks;
  private final AtomicInteger uploadCompactedDone = new AtomicInteger();

  private Shipper(Builder b) {
    this.dir = b.dir;
    this.bucket = b.bucket;
    this.labels = b.labels;
    this.source = b.source;
    this.uploadCompacted = b.uploadCompacted;
    this.allowOutOfOrderUploads = b.allowOutOfOrderUploads;
    this.skipCorruptedBlocks = b.skipCorruptedBlocks;
    this.metaFileName = b.metaFileName;
    this.uploadOptions =
        Blocks.UploadOptions.DEFAULT
            .withHashFunc(b.hashFunc)
            .withClock(b.clock)
            .withConcurrency(b.uploadConcurrency);
    MeterRegistry reg = b.registry != null ? b.registry : new SimpleMeterRegistry();
    this.dirSyncs =
        Counter.builder("thanos_shipper_dir_syncs")
            .description("Total number of dir syncs")
            .register(reg);
    this.dirSyncFailures =
        Counter.builder("thanos_shipper_dir_sync_failures")
            .description("Total number of failed dir syncs")
            .register(reg);
    this.uploads =
        Counter.builder("thanos_shipper_uploads")
            .description("Total number of uploaded blocks")
            .register(reg);
    this.uploadFailures =
        Counter.builder("thanos_shipper_upload_failures")
            .description("Total number of block upload failures")
            .register(reg);
    this.corruptedBlocks =
        Counter.builder("thanos_shipper_corrupted_blocks")
            .description("Total number of corrupted blocks")
            .register(reg);
    if (b.registerUploadCompactedDone) {
      io.micrometer.core.instrument.Gauge.builder(
              "thanos_shipper_upload_compacted_done", uploadCompactedDone, AtomicInteger::get)
          .description("If 1 it means shipper uploaded all compacted blocks from the filesystem.")
          .register(reg);
    }
  }

  /** A shipper for the TSDB directory {@code dir} uploading into {@code bucket}. */
  public static Builder builder(Path dir, Bucket bucket) {
    return new Builder(dir, bucket);
  }

  public Path dir() {
    return dir;
  }

  /** The state file's name in {@link #dir()}. */
  public String metaFileName() {
    return metaFileName;
  }

  /**
   * Uploads every local block that should be in the bucket and is not yet.
   *
   * @return the number of blocks uploaded
   * @throws IOException when the directory cannot be read, the bucket cannot be checked, an upload
   *     failed (blocks uploaded before it stay uploaded and recorded) or a compacted block overlaps
   *     a block in the bucket
   */
  public synchronized int sync() throws IOException {
    try {
      int n = doSync();
      dirSyncs.increment();
      return n;
    } catch (IOException | RuntimeException e) {
      dirSyncFailures.increment();
      throw e;
    }
  }

  private int doSync() throws IOException {
    Set<Ulid> recorded = new HashSet<>(readState().uploaded());
    List<Meta> metas = blockMetasFromOldest();
    List<Ulid> nowRecorded = new ArrayList<>();
    OverlapChecker checker = new OverlapChecker(bucket, labels);
    boolean compacted = uploadCompacted.getAsBoolean();
    int uploaded = 0;
    int failed = 0;
    IOException stop = null;
    try {
      for (Meta m : metas) {
        Ulid id = m.ulid();
        if (recorded.contains(id)) {
          nowRecorded.add(id);
          continue;
        }
        if (stop != null) {
          continue;
        }
        if (m.block().stats().numSamples() == 0) {
          LOG.atDebug().addKeyValue("block", id).log("ignoring empty block");
          continue;
        }
        if (m.block().compaction() != null && m.block().compaction().level() > 1 && !compacted) {
          continue;
        }
        if (bucket.exists(id + "/" + Blocks.META_FILENAME)) {
          nowRecorded.add(id);
          continue;
        }
        if (m.block().compaction() != null
            && m.block().compaction().level() > 1
            && !allowOutOfOrderUploads) {
          Optional<String> overlap = checker.overlap(m);
          if (overlap.isPresent()) {
            stop =
                new IOException(
                    "Found overlap or error during sync, cannot upload compacted block, details: "
                        + overlap.get());
            continue;
          }
        }
        try {
          upload(m);
        } catch (IOException | RuntimeException e) {
          uploadFailures.increment();
          if (!allowOutOfOrderUploads) {
            stop = new BlockUploadException("upload " + id + ": " + e.getMessage(), e);
            continue;
          }
          LOG.atError().addKeyValue("block", id).setCause(e).log("shipping failed");
          failed++;
          continue;
        }
        nowRecorded.add(id);
        uploaded++;
        uploads.increment();
      }
    } finally {
      try {
        ShipperMeta.of(nowRecorded).write(dir, metaFileName);
      } catch (IOException e) {
        LOG.atWarn().setCause(e).log("updating meta file failed");
      }
    }
    if (stop != null) {
      throw stop;
    }
    if (failed > 0) {
      throw new BlockUploadException("failed to sync " + failed + " blocks");
    }
    if (compacted) {
      uploadCompactedDone.set(1);
    }
    return uploaded;
  }

  private ShipperMeta readState() {
    try {
      return ShipperMeta.read(dir, metaFileName);
    } catch (NoSuchFileException e) {
      return ShipperMeta.of(List.of());
    } catch (IOException e) {
      // The file only saves bucket existence checks: start over and rewrite it.
      LOG.atWarn().setCause(e).log("reading meta file failed, will override it");
      return ShipperMeta.of(List.of());
    }
  }

  /** Hard-links the block into the staging directory, adds the thanos section and uploads. */
  private void upload(Meta meta) throws IOException {
    Ulid id = meta.ulid();
    LOG.atInfo().addKeyValue("id", id).log("upload new block");
    Path updir = dir.resolve(UPLOAD_DIR).resolve(id.toString());
    deleteTree(updir);
    Files.createDirectories(updir);
    try {
      hardLinkBlock(dir.resolve(id.toString()), updir);
      Labels lset = labels.get();
      List<String> segments = new ArrayList<>();
      try (Stream<Path> s = Files.list(updir.resolve(Blocks.CHUNKS_DIRNAME))) {
        s.map(p -> p.getFileName().toString()).sorted().forEach(segments::add);
      }
      ThanosMeta t = meta.thanos();
      ThanosMeta withLabels =
          new ThanosMeta(
              t.version(),
              lset == null ? t.labels() : lset.toMap(),
              t.resolution(),
              source,
              segments,
              t.files(),
              t.rewrites(),
              t.indexStats(),
              t.extensions(),
              t.uploadTime());
      meta.withThanos(withLabels).write(updir);
      Blocks.upload(bucket, updir, uploadOptions);
    } finally {
      try {
        deleteTree(updir);
      } catch (IOException e) {
        LOG.atError().setCause(e).log("failed to clean upload directory");
      }
    }
  }

  private static void hardLinkBlock(Path src, Path dst) throws IOException {
    Path chunks = dst.resolve(Blocks.CHUNKS_DIRNAME);
    Files.createDirectories(chunks);
    List<String> files = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(src.resolve(Blocks.CHUNKS_DIRNAME))) {
      for (Path p : s) {
        files.add(Blocks.CHUNKS_DIRNAME + "/" + p.getFileName());
      }
    }
    files.add(Blocks.META_FILENAME);
    files.add(Blocks.INDEX_FILENAME);
    for (String f : files) {
      try {
        Files.createLink(dst.resolve(f), src.resolve(f));
      } catch (IOException e) {
        throw new IOException("hard link file " + f + ": " + e.getMessage(), e);
      }
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }

  /**
   * The metas of the local blocks (directories named by a ULID), oldest min time first. A block
   * whose meta.json cannot be read fails, or is counted and skipped with {@code
   * skipCorruptedBlocks}.
   */
  private List<Meta> blockMetasFromOldest() throws IOException {
    List<Meta> metas = new ArrayList<>();
    List<Path> dirs = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        if (Ulid.isValid(p.getFileName().toString()) && Files.isDirectory(p)) {
          dirs.add(p);
        }
      }
    } catch (IOException e) {
      throw new IOException("read dir " + dir + ": " + e.getMessage(), e);
    }
    dirs.sort(Comparator.naturalOrder());
    for (Path p : dirs) {
      try {
        metas.add(Meta.read(p));
      } catch (IOException | RuntimeException e) {
        if (!Files.isDirectory(p)) {
          continue; // deleted by the TSDB meanwhile
        }
        corruptedBlocks.increment();
        if (skipCorruptedBlocks) {
          LOG.atError()
              .addKeyValue("dir", p)
              .addKeyValue("err", e.getMessage())
              .log("read metadata for block failed; skipping corrupted block");
          continue;
        }
        throw new IOException("read metadata for block " + p + ": " + e.getMessage(), e);
      }
    }
    metas.sort(Comparator.comparingLong(Meta::minTime));
    return metas;
  }

  /** What {@link #timestamps()} reports. */
  public record Timestamps(long minTime, long maxSyncTime) {}

  /**
   * The smallest min time of the local blocks (0 when there is none) and the greatest max time of
   * the blocks recorded as uploaded ({@link Long#MIN_VALUE} when none), as Thanos' {@code
   * Shipper.Timestamps}.
   */
  public Timestamps timestamps() throws IOException {
    Set<Ulid> recorded = new HashSet<>(readState().uploaded());
    long min = Long.MAX_VALUE;
    long maxSync = Long.MIN_VALUE;
    for (Meta m : blockMetasFromOldest()) {
      min = Math.min(min, m.minTime());
      if (recorded.contains(m.ulid())) {
        maxSync = Math.max(maxSync, m.maxTime());
      }
    }
    return new Timestamps(min == Long.MAX_VALUE ? 0 : min, maxSync);
  }

  /**
   * Checks compacted blocks against the bucket's blocks of the same external labels; the bucket's
   * metas are read once per sync, when the first compacted block needs it.
   */
  private static final class OverlapChecker {
    private final Bucket bucket;
    private final Supplier<Labels> labels;
    private List<Meta> metas;

    OverlapChecker(Bucket bucket, Supplier<Labels> labels) {
      this.bucket = bucket;
      this.labels = labels;
    }

    Optional<String> overlap(Meta candidate) throws IOException {
      if (metas == null) {
        LOG.atInfo()
            .addKeyValue("id", candidate.ulid())
            .log("gathering all existing blocks from the remote bucket for check");
        metas = new ArrayList<>();
        Labels want = labels.get();
        try (NameIterator it = bucket.iter("", false)) {
          while (it.next()) {
            Optional<Ulid> id = Blocks.blockId(it.at());
            if (id.isEmpty() || !it.at().endsWith("/")) {
              continue;
            }
            Meta m;
            try {
              m = Blocks.downloadMeta(bucket, id.get());
            } catch (IOException e) {
              if (bucket.isObjNotFound(e)) {
                continue; // partial upload: not a block (yet)
              }
              throw new IOException("get all block meta: " + e.getMessage(), e);
            }
            if (m.thanos().labelSet().equals(want)) {
              metas.add(m);
            }
          }
        }
      }
      List<Meta> all = new ArrayList<>(metas);
      all.add(candidate);
      return overlaps(all)
          .map(
              o ->
                  "shipping compacted block "
                      + candidate.ulid()
                      + " is blocked; overlap spotted: "
                      + o);
    }
  }

  /**
   * Describes the overlapping blocks among {@code metas} (half-open [min, max) ranges), as
   * Prometheus' {@code OverlappingBlocks}; empty when none overlap.
   */
  static Optional<String> overlaps(List<Meta> metas) {
    List<Meta> sorted = new ArrayList<>(metas);
    sorted.sort(Comparator.comparingLong(Meta::minTime).thenComparingLong(Meta::maxTime));
    StringBuilder sb = new StringBuilder();
    List<Meta> group = new ArrayList<>();
    long groupMax = Long.MIN_VALUE;
    for (Meta m : sorted) {
      if (!group.isEmpty() && m.minTime() < groupMax) {
        group.add(m);
        groupMax = Math.max(groupMax, m.maxTime());
        continue;
      }
      appendGroup(sb, group);
      group.clear();
      group.add(m);
      groupMax = m.maxTime();
    }
    appendGroup(sb, group);
    return sb.isEmpty() ? Optional.empty() : Optional.of(sb.toString());
  }

  private static void appendGroup(StringBuilder sb, List<Meta> group) {
    if (group.size() < 2) {
      return;
    }
    long min = group.stream().mapToLong(Meta::minTime).max().orElseThrow();
    long max = group.stream().mapToLong(Meta::maxTime).min().orElseThrow();
    if (!sb.isEmpty()) {
      sb.append(", ");
    }
    sb.append("[mint: ")
        .append(min)
        .append(", maxt: ")
        .append(max)
        .append(", range: ")
        .append(Math.max(0, max - min) / 1000)
        .append("s, blocks: ")
        .append(group.size())
        .append("]: ");
    for (int i = 0; i < group.size(); i++) {
      Meta m = group.get(i);
      if (i > 0) {
        sb.append(", ");
      }
      sb.append("<ulid: ")
          .append(m.ulid())
          .append(", mint: ")
          .append(m.minTime())
          .append(", maxt: ")
          .append(m.maxTime())
          .append(", range: ")
          .append((m.maxTime() - m.minTime()) / 1000)
          .append("s>");
    }
  }

  /** Configures a {@link Shipper}. */
  public static final class Builder {
    private final Path dir;
    private final Bucket bucket;
    private Supplier<Labels> labels = Labels::empty;
    private String source = "";
    private BooleanSupplier uploadCompacted = () -> false;
    private boolean registerUploadCompactedDone;
    private boolean allowOutOfOrderUploads;
    private boolean skipCorruptedBlocks;
    private HashFunc hashFunc = HashFunc.NONE;
    private String metaFileName = ShipperMeta.DEFAULT_FILE_NAME;
    private int uploadConcurrency = 1;
    private Clock clock = Clock.systemUTC();
    private MeterRegistry registry;

    private Builder(Path dir, Bucket bucket) {
      this.dir = Objects.requireNonNull(dir, "dir");
      this.bucket = Objects.requireNonNull(bucket, "bucket");
    }

    /** External labels put into every uploaded block (read at each upload); must not be empty. */
    public Builder labels(Supplier<Labels> labels) {
      this.labels = Objects.requireNonNull(labels, "labels");
      return this;
    }

    /** {@code thanos.source} of uploaded blocks, e.g. {@code sidecar}. */
    public Builder source(String source) {
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * Uploads compacted (level &gt; 1) blocks as well, after an overlap check against the bucket
     * ({@code --shipper.upload-compacted}); registers {@code thanos_shipper_upload_compacted_done}.
     */
    public Builder uploadCompacted(boolean on) {
      return uploadCompacted(() -> on, on);
    }

    /** As {@link #uploadCompacted(boolean)}, decided at every sync. */
    public Builder uploadCompacted(BooleanSupplier on, boolean registerDoneGauge) {
      this.uploadCompacted = Objects.requireNonNull(on, "on");
      this.registerUploadCompactedDone = registerDoneGauge;
      return this;
    }

    /** A failed upload does not hold back newer blocks (they may arrive in the bucket first). */
    public Builder allowOutOfOrderUploads(boolean on) {
      this.allowOutOfOrderUploads = on;
      return this;
    }

    /** Skips blocks whose meta.json cannot be read instead of failing the sync. */
    public Builder skipCorruptedBlocks(boolean on) {
      this.skipCorruptedBlocks = on;
      return this;
    }

    /** Hash recorded for every uploaded file in {@code thanos.files} ({@code --hash-func}). */
    public Builder hashFunc(HashFunc h) {
      this.hashFunc = Objects.requireNonNull(h, "hashFunc");
      return this;
    }

    /** The state file name ({@code --shipper.meta-file-name}). */
    public Builder metaFileName(String name) {
      if (name == null || name.isEmpty() || name.contains("/")) {
        throw new IllegalArgumentException("invalid shipper meta file name: " + name);
      }
      this.metaFileName = name;
      return this;
    }

    /** Files uploaded in parallel per block ({@code --shipper.upload-concurrency}; 0 = 1). */
    public Builder uploadConcurrency(int n) {
      this.uploadConcurrency = Math.max(1, n);
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    public Shipper build() {
      return new Shipper(this);
    }
  }
}
