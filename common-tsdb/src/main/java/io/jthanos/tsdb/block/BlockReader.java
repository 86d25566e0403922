package io.jthanos.tsdb.block;

import io.jthanos.tsdb.chunks.ChunkSegmentReader;
import io.jthanos.tsdb.index.IndexReader;
import io.jthanos.tsdb.storage.ChunkQuerier;
import io.jthanos.tsdb.storage.ChunkQueryable;
import io.jthanos.tsdb.storage.Querier;
import io.jthanos.tsdb.storage.Queryable;
import io.jthanos.tsdb.tombstones.Tombstones;
import java.nio.file.Path;

/**
 * An open block directory: {@code meta.json}, the memory-mapped {@code index} and {@code chunks/},
 * and {@code tombstones}. Opens {@link Querier}s (float samples) and {@link ChunkQuerier}s (encoded
 * chunks) over time ranges. Thread-safe; queriers must be closed before the reader.
 *
 * <pre>{@code
 * try (BlockReader block = BlockReader.open(dir);
 *     Querier q = block.querier(mint, maxt);
 *     SeriesSet set = q.select(true, null, List.of(Matcher.equal("__name__", "up")))) {
 *   while (set.next()) { ... }
 * }
 * }</pre>
 */
public final class BlockReader implements Queryable, ChunkQueryable, AutoCloseable {
  private final Path dir;
  private final BlockMeta meta;
  private final IndexReader index;
  private final ChunkSegmentReader chunks;
  private final Tombstones tombstones;

  private BlockReader(
      Path dir,
      BlockMeta meta,
      IndexReader index,
      ChunkSegmentReader chunks,
      Tombstones tombstones) {
    this.dir = dir;
    this.meta = meta;
    this.index = index;
    this.chunks = chunks;
    this.tombstones = tombstones;
  }

  /** Opens a block directory; every file is validated (see the individual readers). */
  public static BlockReader open(Path dir) {
    BlockMeta meta = BlockMeta.read(dir);
    IndexReader index = IndexReader.open(dir.resolve("index"));
    ChunkSegmentReader chunks = null;
    try {
      chunks = ChunkSegmentReader.open(dir.resolve("chunks"));
      Tombstones tombstones = Tombstones.read(dir);
      return new BlockReader(dir, meta, index, chunks, tombstones);
    } catch (RuntimeException e) {
      index.close();
      if (chunks != null) {
        chunks.close();
      }
      throw e;
    }
  }

  public Path dir() {
    return dir;
  }

  /** The block id as named by the directory. */
  public String id() {
    return dir.getFileName().toString();
  }

  public BlockMeta meta() {
    return meta;
  }

  public IndexReader index() {
    return index;
  }

  public ChunkSegmentReader chunks() {
    return chunks;
  }

  public Tombstones tombstones() {
    return tombstones;
  }

  /** Block minTime (inclusive), from meta.json. */
  public long minTime() {
    return meta.minTime();
  }

  /** Block maxTime (exclusive), from meta.json. */
  public long maxTime() {
    return meta.maxTime();
  }

  /** Whether the block has data possibly overlapping [mint, maxt] (closed). */
  public boolean overlapsClosedInterval(long mint, long maxt) {
    return meta.minTime() <= maxt && mint < meta.maxTime();
  }

  @Override
  public Querier querier(long mint, long maxt) {
    return new BlockQuerier(this, mint, maxt);
  }

  @Override
  public ChunkQuerier chunkQuerier(long mint, long maxt) {
    return new BlockChunkQuerier(this, mint, maxt);
  }

  @Override
  public void close() {
    index.close();
    chunks.close();
  }

  @Override
  public String toString() {
    return "BlockReader{" + dir + "}";
  }
}
