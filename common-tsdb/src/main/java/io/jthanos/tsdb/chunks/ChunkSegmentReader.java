package io.jthanos.tsdb.chunks;

import io.jthanos.tsdb.chunkenc.Chunk;
import io.jthanos.tsdb.chunkenc.ChunkDecodingException;
import io.jthanos.tsdb.chunkenc.Chunks;
import io.jthanos.tsdb.encoding.CorruptBlockException;
import io.jthanos.tsdb.encoding.MappedFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads chunks by ref from a block's memory-mapped segment files. Every segment header is checked
 * on open; every chunk read checks its bounds and (by default) its CRC32C, and reports corruption
 * with the segment file, offset, expected and actual values. Thread-safe.
 */
public final class ChunkSegmentReader implements AutoCloseable {
  private final Path dir;
  private final MappedFile[] segments;
  private final boolean verifyChecksums;

  private ChunkSegmentReader(Path dir, MappedFile[] segments, boolean verifyChecksums) {
    this.dir = dir;
    this.segments = segments;
    this.verifyChecksums = verifyChecksums;
  }

  public static ChunkSegmentReader open(Path chunksDir) {
    return open(chunksDir, true);
  }

  public static ChunkSegmentReader open(Path chunksDir, boolean verifyChecksums) {
    return open(chunksDir, verifyChecksums, MappedFile.DEFAULT_WINDOW_BITS);
  }

  static ChunkSegmentReader open(Path chunksDir, boolean verifyChecksums, int windowBits) {
    List<Path> files = segmentFiles(chunksDir);
    MappedFile[] maps = new MappedFile[files.size()];
    for (int i = 0; i < maps.length; i++) {
      MappedFile f =
          MappedFile.open(
              files.get(i), windowBits, Math.min(MappedFile.DEFAULT_OVERLAP, 1 << windowBits));
      maps[i] = f;
      if (f.size() < ChunkSegmentFormat.HEADER_SIZE) {
        throw new CorruptBlockException(
            f.path(),
            0,
            "segment shorter than its header",
            ChunkSegmentFormat.HEADER_SIZE + " bytes",
            f.size() + " bytes");
      }
      int magic = f.getInt(0);
      if (magic != ChunkSegmentFormat.MAGIC) {
        throw new CorruptBlockException(
            f.path(),
            0,
            "invalid segment magic",
            CorruptBlockException.hex32(ChunkSegmentFormat.MAGIC),
            CorruptBlockException.hex32(magic));
      }
      int version = f.get(4) & 0xff;
      if (version != ChunkSegmentFormat.VERSION) {
        throw new CorruptBlockException(
            f.path(), 4, "unsupported segment version", ChunkSegmentFormat.VERSION, version);
      }
    }
    return new ChunkSegmentReader(chunksDir, maps, verifyChecksums);
  }

  /** Segment files of the directory (names that are decimal numbers), in numeric order. */
  public static List<Path> segmentFiles(Path chunksDir) {
    if (!Files.isDirectory(chunksDir)) {
      throw new CorruptBlockException(
          chunksDir, 0, "chunks directory missing", "a directory", "none");
    }
    try (Stream<Path> s = Files.list(chunksDir)) {
      List<Path> out = new ArrayList<>();
      s.filter(p -> p.getFileName().toString().matches("[0-9]{1,18}")).forEach(out::add);
      out.sort(
          (a, b) ->
              Long.compare(
                  Long.parseLong(a.getFileName().toString()),
                  Long.parseLong(b.getFileName().toString())));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("list " + chunksDir, e);
    }
  }

  public Path dir() {
    return dir;
  }

  public int segmentCount() {
    return segments.length;
  }

  /** Total size of the segment files in bytes. */
  public long size() {
    long n = 0;
    for (MappedFile f : segments) {
      n += f.size();
    }
    return n;
  }

  /** The chunk at {@code ref}. The returned chunk may view the mapping: valid while open. */
  public Chunk chunk(long ref) {
    Located l = locate(ref);
    try {
      return Chunks.of(l.encoding, l.file.slice(l.dataOffset, l.len));
    } catch (ChunkDecodingException e) {
      throw new CorruptBlockException(
          l.file.path(),
          ChunkRefs.offset(ref),
          "undecodable chunk " + ChunkRefs.toString(ref),
          "a chunk header",
          e.getMessage(),
          e);
    }
  }

  /** The encoding byte of the chunk at {@code ref}, after the same checks as {@link #chunk}. */
  public int encodingAt(long ref) {
    return locate(ref).encoding;
  }

  /**
   * The raw chunk record data at {@code ref} as (encoding byte, data) without interpreting the
   * encoding; used to copy chunks of any encoding verbatim.
   */
  public RawRecord raw(long ref) {
    Located l = locate(ref);
    return new RawRecord(l.encoding, l.file.slice(l.dataOffset, l.len));
  }

  /** An encoded chunk record: encoding byte and data bytes. */
  public record RawRecord(int encoding, ByteBuffer data) {}

  private record Located(MappedFile file, int encoding, long dataOffset, int len) {}

  private Located locate(long ref) {
    int seg = ChunkRefs.segment(ref);
    long off = ChunkRefs.offset(ref);
    if (seg < 0 || seg >= segments.length) {
      throw new CorruptBlockException(
          dir,
          off,
          "chunk ref " + ChunkRefs.toString(ref) + " names a missing segment",
          "segment index < " + segments.length,
          seg);
    }
    MappedFile f = segments[seg];
    if (off < ChunkSegmentFormat.HEADER_SIZE || off >= f.size()) {
      throw new CorruptBlockException(
          f.path(),
          off,
          "chunk ref " + ChunkRefs.toString(ref) + " outside segment",
          "offset in [" + ChunkSegmentFormat.HEADER_SIZE + ", " + f.size() + ")",
          off);
    }
    // uvarint length, bounded to 5 bytes (uint32).
    long len = 0;
    int shift = 0;
    long p = off;
    while (true) {
      if (p >= f.size() || p - off >= ChunkSegmentFormat.MAX_LEN_FIELD) {
        throw new CorruptBlockException(
            f.path(),
            off,
            "invalid chunk length field",
            "uvarint of at most 5 bytes",
            "truncated or overlong");
      }
      int b = f.get(p++) & 0xff;
      len |= (long) (b & 0x7f) << shift;
      if (b < 0x80) {
        break;
      }
      shift += 7;
    }
    long avail = f.size() - p - 1 - 4;
    if (len > avail || len > Integer.MAX_VALUE) {
      throw new CorruptBlockException(
          f.path(), off, "chunk length beyond end of segment", "<= " + Math.max(0, avail), len);
    }
    int encoding = f.get(p) & 0xff;
    long dataOff = p + 1;
    if (verifyChecksums) {
      int want = f.getInt(dataOff + len);
      int got = f.crc32c(p, len + 1);
      if (want != got) {
        throw new CorruptBlockException(
            f.path(),
            off,
            "chunk checksum mismatch",
            CorruptBlockException.hex32(want),
            CorruptBlockException.hex32(got));
      }
    }
    return new Located(f, encoding, dataOff, (int) len);
  }

  @Override
  public void close() {
    for (MappedFile f : segments) {
      f.close();
    }
  }
}
