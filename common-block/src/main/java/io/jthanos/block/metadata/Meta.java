package io.jthanos.block.metadata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.jthanos.tsdb.block.BlockFiles;
import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.GoJson;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.encoding.CorruptBlockException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * A block's meta.json as Thanos sees it ({@code metadata.Meta}): the Prometheus fields ({@link
 * BlockMeta}) plus the typed {@code thanos} section. Written as Thanos' encoder does ({@code
 * json.Encoder} with tab indentation and a trailing newline).
 */
public record Meta(BlockMeta block, ThanosMeta thanos) {
  public static final String FILE_NAME = BlockMeta.FILE_NAME;

  public Meta {
    if (block == null) {
      throw new IllegalArgumentException("block meta must be set");
    }
    JsonNode ext = block.extension(ThanosMeta.KEY).orElse(null);
    if (ext != null) {
      if (thanos == null) {
        thanos = ThanosMeta.fromJson(ext);
      }
      block = block.withoutExtension(ThanosMeta.KEY);
    }
    thanos = thanos == null ? ThanosMeta.fromJson(null) : thanos;
  }

  /**
   * The typed view of a {@link BlockMeta}: its {@code thanos} extension parsed (and held only in
   * typed form: {@link #block()} has no {@code thanos} extension).
   */
  public static Meta of(BlockMeta block) {
    return new Meta(block, null);
  }

  public Ulid ulid() {
    return block.ulid();
  }

  public long minTime() {
    return block.minTime();
  }

  public long maxTime() {
    return block.maxTime();
  }

  /** Shorthand for {@code thanos().resolution()}. */
  public long resolution() {
    return thanos.resolution();
  }

  /** Shorthand for {@code thanos().labels()}. */
  public Map<String, String> labels() {
    return thanos.labels();
  }

  public Meta withThanos(ThanosMeta t) {
    return new Meta(block, t);
  }

  public Meta withBlock(BlockMeta b) {
    return new Meta(b, thanos);
  }

  /** The Prometheus meta with this {@code thanos} section as its extension. */
  public BlockMeta toBlockMeta() {
    return block.withExtension(ThanosMeta.KEY, thanos.toJson());
  }

  /** meta.json text exactly as Thanos writes it. */
  public String toJson() {
    return GoJson.marshalIndent(toBlockMeta().toJsonTree()) + "\n";
  }

  public byte[] toBytes() {
    return toJson().getBytes(StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------ reading

  /**
   * Parses meta.json bytes. {@code name} is used in errors.
   *
   * @throws CorruptBlockException when the bytes are not a meta.json (invalid JSON, wrong types)
   * @throws UnsupportedMetaVersionException when {@code version} is not 1
   */
  public static Meta parse(Path name, byte[] json) {
    JsonNode root;
    try {
      root = BlockMeta.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new CorruptBlockException(
          name, 0, "invalid meta.json", "a JSON object", e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new CorruptBlockException(name, 0, "unreadable meta.json", "JSON", e.toString(), e);
    }
    if (root != null && root.isObject()) {
      JsonNode v = root.get("version");
      if (v != null && v.isIntegralNumber() && v.asLong() != BlockMeta.VERSION) {
        throw new UnsupportedMetaVersionException(name, v.asLong());
      }
    }
    BlockMeta block = BlockMeta.parse(name, json);
    try {
      return of(block);
    } catch (MetaFormatException e) {
      throw new CorruptBlockException(
          name, 0, "invalid meta.json " + e.path(), e.expected(), e.actual(), e);
    }
  }

  /** Reads {@code <dir>/meta.json} ({@link java.nio.file.NoSuchFileException} when missing). */
  public static Meta read(Path dir) throws IOException {
    Path p = dir.resolve(FILE_NAME);
    return parse(p, Files.readAllBytes(p));
  }

  /**
   * Writes {@code <dir>/meta.json} atomically: {@code meta.json.tmp}, fsync, rename, fsync of the
   * directory.
   */
  public void write(Path dir) throws IOException {
    writeAtomically(dir.resolve(FILE_NAME), toBytes());
  }

  /** Writes a file through a temporary sibling, fsync and rename, then fsyncs the directory. */
  public static void writeAtomically(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try (FileChannel ch =
        FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(content);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    BlockFiles.fsyncDir(file.getParent());
  }

  @Override
  public String toString() {
    return ulid() + " (min time: " + minTime() + ", max time: " + maxTime() + ")";
  }
}
