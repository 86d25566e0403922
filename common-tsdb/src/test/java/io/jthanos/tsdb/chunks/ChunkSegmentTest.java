package io.jthanos.tsdb.chunks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.tsdb.chunkenc.Chunk;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import io.jthanos.tsdb.chunkenc.RawChunk;
import io.jthanos.tsdb.chunkenc.UnsupportedChunkEncodingException;
import io.jthanos.tsdb.chunkenc.XorChunk;
import io.jthanos.tsdb.chunkenc.XorEncoder;
import io.jthanos.tsdb.encoding.CorruptBlockException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkSegmentTest {

  static XorChunk chunk(int samples, int seed) {
    XorEncoder e = new XorEncoder();
    for (int i = 0; i < samples; i++) {
      e.append(i * 15_000L + seed, seed + i * 0.5);
    }
    return e.toChunk();
  }

  static byte[] bytes(Chunk c) {
    ByteBuffer b = c.data();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  @Test
  void writesSegmentsWithHeaderRefsAndChecksums(@TempDir Path dir) throws Exception {
    List<XorChunk> chunks = new ArrayList<>();
    List<Long> refs = new ArrayList<>();
    try (ChunkSegmentWriter w = new ChunkSegmentWriter(dir, 4096)) {
      for (int s = 0; s < 40; s++) {
        List<XorChunk> series = List.of(chunk(120, s), chunk(60, s + 1000));
        for (long r : w.writeSeries(series)) {
          refs.add(r);
        }
        chunks.addAll(series);
      }
      w.finish();
      assertThat(w.segments()).isGreaterThan(1);
    }
    assertThat(ChunkRefs.offset(refs.get(0))).isEqualTo(8);
    assertThat(ChunkRefs.segment(refs.get(0))).isZero();
    // A series' chunks never straddle segments.
    for (int i = 0; i < refs.size(); i += 2) {
      assertThat(ChunkRefs.segment(refs.get(i))).isEqualTo(ChunkRefs.segment(refs.get(i + 1)));
    }
    for (Path f : ChunkSegmentReader.segmentFiles(dir)) {
      assertThat(Files.size(f)).isLessThanOrEqualTo(4096);
      byte[] head = new byte[8];
      System.arraycopy(Files.readAllBytes(f), 0, head, 0, 8);
      assertThat(head).containsExactly(0x85, 0xBD, 0x40, 0xDD, 1, 0, 0, 0);
    }
    try (ChunkSegmentReader r = ChunkSegmentReader.open(dir)) {
      for (int i = 0; i < refs.size(); i++) {
        assertThat(bytes(r.chunk(refs.get(i)))).isEqualTo(bytes(chunks.get(i)));
      }
      assertThatThrownBy(() -> r.chunk(ChunkRefs.ref(99, 8)))
          .isInstanceOf(CorruptBlockException.class)
          .hasMessageContaining("missing segment");
      assertThatThrownBy(() -> r.chunk(ChunkRefs.ref(0, 5000)))
          .isInstanceOf(CorruptBlockException.class)
          .hasMessageContaining("outside segment");
    }
    // Flip a data byte of the first chunk: checksum mismatch naming file and offset.
    Path first = dir.resolve("000001");
    byte[] b = Files.readAllBytes(first);
    b[20] ^= 0x40;
    Files.write(first, b);
    try (ChunkSegmentReader r = ChunkSegmentReader.open(dir)) {
      assertThatThrownBy(() -> r.chunk(refs.get(0)))
          .isInstanceOf(CorruptBlockException.class)
          .hasMessageContaining("000001")
          .hasMessageContaining("at offset 8")
          .hasMessageContaining("checksum mismatch");
    }
  }

  @Test
  void histogramChunksPassThroughUnknownEncodingsFail(@TempDir Path dir) throws Exception {
    RawChunk h =
        new RawChunk(ChunkEncoding.HISTOGRAM, ByteBuffer.wrap(new byte[] {0, 3, 0x40, 1, 2}));
    long ref;
    try (ChunkSegmentWriter w = new ChunkSegmentWriter(dir)) {
      ref = w.write(h);
      w.finish();
    }
    try (ChunkSegmentReader r = ChunkSegmentReader.open(dir)) {
      Chunk c = r.chunk(ref);
      assertThat(c.encoding()).isEqualTo(ChunkEncoding.HISTOGRAM);
      assertThat(c.numSamples()).isEqualTo(3);
      assertThatThrownBy(() -> c.iterator(null))
          .isInstanceOf(UnsupportedChunkEncodingException.class)
          .hasMessageContaining("encoding 2 (histogram)");
    }
    // Rewrite the encoding byte to 7 (and fix the CRC): an unknown encoding is an error, not
    // garbage.
    Path seg = dir.resolve("000001");
    byte[] b = Files.readAllBytes(seg);
    b[9] = 7;
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(b, 9, 1 + 5);
    ByteBuffer.wrap(b).putInt(9 + 6, (int) crc.getValue());
    Files.write(seg, b);
    try (ChunkSegmentReader r = ChunkSegmentReader.open(dir)) {
      assertThatThrownBy(() -> r.chunk(ref))
          .isInstanceOf(UnsupportedChunkEncodingException.class)
          .hasMessageContaining("encoding 7 (unknown)");
    }
  }

  @Test
  void badHeaderIsCorruption(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("000001"), new byte[] {1, 2, 3, 4, 1, 0, 0, 0});
    assertThatThrownBy(() -> ChunkSegmentReader.open(dir))
        .isInstanceOf(CorruptBlockException.class)
        .hasMessageContaining("invalid segment magic (expected 0x85bd40dd, actual 0x01020304)");
  }
}
