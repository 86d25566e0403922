package io.jthanos.tsdb.block;

import java.util.List;

/**
 * meta.json {@code compaction}: level (1 for blocks cut from a head or backfilled), the level-1
 * blocks whose data this block holds ({@code sources}), the direct inputs of the compaction that
 * made it ({@code parents}), the {@code deletable}/{@code failed} flags and free-form {@code hints}
 * (e.g. {@code from-out-of-order}), passed through unchanged.
 */
public record BlockCompaction(
    int level,
    List<Ulid> sources,
    boolean deletable,
    List<BlockDesc> parents,
    boolean failed,
    List<String> hints) {

  public BlockCompaction {
    sources = sources == null ? List.of() : List.copyOf(sources);
    parents = parents == null ? List.of() : List.copyOf(parents);
    hints = hints == null ? List.of() : List.copyOf(hints);
  }

  /** Level 1 with the block itself as only source. */
  public static BlockCompaction level1(Ulid self) {
    return new BlockCompaction(1, List.of(self), false, List.of(), false, List.of());
  }
}
