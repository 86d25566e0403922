package io.jthanos.block.generator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jthanos.block.Blocks;
import io.jthanos.block.metadata.HashFunc;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.filesystem.FilesystemBucket;
import io.jthanos.tsdb.block.BlockFiles;
import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.GoJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generated datasets kept on local disk, keyed by generator version, seed and size ({@link
 * GeneratorConfig#cacheKey()}), so benchmarks and tests generate each dataset once. A dataset is a
 * directory {@code <root>/<key>/} holding a FILESYSTEM bucket ({@code bucket/}) and {@code
 * dataset.json} (config and summary), written last: a directory without it is incomplete and is
 * regenerated.
 */
public final class DatasetCache {
  public static final String MANIFEST = "dataset.json";
  public static final String BUCKET_DIR = "bucket";

  private static final Logger LOG = LoggerFactory.getLogger(DatasetCache.class);

  /** A complete cached dataset. */
  public record Dataset(Path dir, Path bucketDir, JsonNode manifest) {}

  private DatasetCache() {}

  /** The cached dataset for {@code cfg}, if complete. */
  public static Optional<Dataset> find(Path root, GeneratorConfig cfg) throws IOException {
    Path dir = root.resolve(cfg.cacheKey());
    Path manifest = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(manifest)) {
      return Optional.empty();
    }
    JsonNode m = BlockMeta.mapper().readTree(Files.readAllBytes(manifest));
    if (!cfg.canonical().equals(m.path("config").asText())) {
      throw new IOException("dataset cache " + dir + " holds another config: " + m.path("config"));
    }
    return Optional.of(new Dataset(dir, dir.resolve(BUCKET_DIR), m));
  }

  /** The cached dataset for {@code cfg}, generated first when missing. */
  public static Dataset materialize(Path root, GeneratorConfig cfg, HashFunc hashFunc)
      throws IOException {
    Optional<Dataset> found = find(root, cfg);
    if (found.isPresent()) {
      return found.get();
    }
    Files.createDirectories(root);
    Path dir = root.resolve(cfg.cacheKey());
    if (Files.exists(dir)) {
      BlockFiles.deleteRecursively(dir); // incomplete leftover
    }
    Path tmp = Files.createTempDirectory(root, cfg.cacheKey() + ".tmp-");
    try {
      Path bucketDir = tmp.resolve(BUCKET_DIR);
      FleetGenerator.Summary s;
      try (Bucket bkt = new FilesystemBucket(bucketDir)) {
        s = new FleetGenerator(cfg).generateTo(bkt, tmp.resolve("work"), hashFunc);
      }
      BlockFiles.deleteRecursively(tmp.resolve("work"));
      ObjectNode m = BlockMeta.mapper().createObjectNode();
      m.put("key", cfg.cacheKey());
      m.put("config", cfg.canonical());
      m.put("generator_version", GeneratorConfig.VERSION);
      m.put("blocks", s.blocks());
      m.put("series", s.series());
      m.put("raw_samples", s.rawSamples());
      m.put("raw_chunk_bytes", s.rawChunkBytes());
      m.put("bytes_per_sample", s.bytesPerSample());
      m.put("index_bytes", s.indexBytes());
      m.put("chunk_bytes_5m", s.downsampled5mChunkBytes());
      m.put("chunk_bytes_1h", s.downsampled1hChunkBytes());
      Files.writeString(
          tmp.resolve(MANIFEST), GoJson.marshalIndent(m) + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        // Another process finished the same dataset first: use theirs.
        BlockFiles.deleteRecursively(tmp);
      }
    } catch (IOException | RuntimeException e) {
      BlockFiles.deleteRecursively(tmp);
      throw e;
    }
    LOG.atInfo().addKeyValue("dataset", dir).log("generated dataset");
    return find(root, cfg).orElseThrow(() -> new IOException("dataset " + dir + " vanished"));
  }

  /**
   * Copies a cached dataset into a bucket, block by block, every object of a block before its
   * meta.json (readers never see a half-copied block). Returns the number of blocks copied.
   */
  public static int copy(Dataset ds, Bucket target) throws IOException {
    int blocks = 0;
    List<Path> dirs;
    try (Stream<Path> s = Files.list(ds.bucketDir())) {
      dirs = s.filter(Files::isDirectory).sorted().toList();
    }
    for (Path blockDir : dirs) {
      if (Blocks.blockId(blockDir.getFileName().toString()).isEmpty()) {
        continue;
      }
      String id = blockDir.getFileName().toString();
      List<Path> files = new ArrayList<>();
      try (Stream<Path> s = Files.walk(blockDir)) {
        s.filter(Files::isRegularFile).sorted().forEach(files::add);
      }
      Path meta = blockDir.resolve(Blocks.META_FILENAME);
      for (Path f : files) {
        if (!f.equals(meta)) {
          target.upload(id + "/" + blockDir.relativize(f).toString().replace('\\', '/'), f);
        }
      }
      if (Files.isRegularFile(meta)) {
        target.upload(id + "/" + Blocks.META_FILENAME, meta);
      }
      blocks++;
    }
    return blocks;
  }
}
