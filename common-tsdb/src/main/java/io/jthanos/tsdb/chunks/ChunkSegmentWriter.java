package io.jthanos.tsdb.chunks;

import io.jthanos.tsdb.chunkenc.Chunk;
import io.jthanos.tsdb.encoding.Encbuf;
import io.jthanos.tsdb.encoding.FileWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes chunk segment files {@code 000001, 000002, ...} into a block's {@code chunks/} directory,
 * as Prometheus does: each segment starts with an 8-byte header; each chunk is {@code uvarint len |
 * encoding | data | CRC32C(encoding + data)}. The chunks of one series are written as a batch that
 * stays in one segment when it fits; a new segment is started when the batch would push the current
 * one past the segment size (512 MiB by default). Segments are truncated to their size and fsynced
 * when finished. One owner; not thread-safe.
 */
public final class ChunkSegmentWriter implements AutoCloseable {
  private final Path dir;
  private final long segmentSize;
  private final Encbuf head = new Encbuf(16);
  private final CRC32C crc = new CRC32C();
  private FileWriter current;
  private int seq = -1;
  private long bytesWritten;

  public ChunkSegmentWriter(Path chunksDir) throws IOException {
    this(chunksDir, ChunkSegmentFormat.DEFAULT_SEGMENT_SIZE);
  }

  public ChunkSegmentWriter(Path chunksDir, long segmentSize) throws IOException {
    if (segmentSize < ChunkSegmentFormat.HEADER_SIZE + 16) {
      throw new IllegalArgumentException("segment size too small: " + segmentSize);
    }
    this.dir = chunksDir;
    this.segmentSize = segmentSize;
    Files.createDirectories(chunksDir);
  }

  private static long sizeOf(ByteBuffer data) {
    return ChunkSegmentFormat.MAX_LEN_FIELD + 1 + data.remaining() + 4;
  }

  /** Writes the chunks of one series; returns their refs. */
  public long[] writeSeries(List<? extends Chunk> chunks) throws IOException {
    long[] refs = new long[chunks.size()];
    if (current == null) {
      cut();
    }
    long n0 = current.position();
    long batch = 0;
    boolean first = true;
    for (int i = 0; i < chunks.size(); i++) {
      Chunk c = chunks.get(i);
      ByteBuffer data = c.data();
      long size = sizeOf(data);
      batch += size;
      boolean cutNow = i != 0 && batch + ChunkSegmentFormat.HEADER_SIZE > segmentSize;
      if (first && n0 > ChunkSegmentFormat.HEADER_SIZE) {
        cutNow = batch + n0 > segmentSize;
        if (cutNow) {
          first = false;
        }
      }
      if (cutNow) {
        cut();
        batch = size;
      }
      refs[i] = writeOne(c.encoding().code(), data);
    }
    return refs;
  }

  /** Writes one chunk (a batch of one); returns its ref. */
  public long write(Chunk c) throws IOException {
    return writeSeries(List.of(c))[0];
  }

  private long writeOne(int encoding, ByteBuffer data) throws IOException {
    long off = current.position();
    if (off > 0xffffffffL) {
      throw new IOException("chunk offset exceeds 4 GiB in segment " + current.path());
    }
    int len = data.remaining();
    head.reset().putUvarint(len).putByte(encoding);
    current.write(head);
    current.write(data);
    crc.reset();
    crc.update(encoding);
    crc.update(data.duplicate());
    head.reset().putBE32((int) crc.getValue());
    current.write(head);
    bytesWritten += current.position() - off;
    return ChunkRefs.ref(seq, off);
  }

  private void cut() throws IOException {
    finishCurrent();
    seq++;
    current = new FileWriter(dir.resolve(ChunkSegmentFormat.segmentName(seq)));
    head.reset().putBE32(ChunkSegmentFormat.MAGIC).putByte(ChunkSegmentFormat.VERSION);
    head.putByte(0).putByte(0).putByte(0);
    current.write(head);
  }

  private void finishCurrent() throws IOException {
    if (current != null) {
      current.finish();
      current = null;
    }
  }

  /** Number of segment files written so far. */
  public int segments() {
    return seq + 1;
  }

  /** Bytes of chunk records written (length fields, encodings, data, checksums). */
  public long bytesWritten() {
    return bytesWritten;
  }

  /** Finishes (truncates, fsyncs, closes) the open segment. */
  public void finish() throws IOException {
    finishCurrent();
  }

  @Override
  public void close() throws IOException {
    if (current != null) {
      current.close();
      current = null;
    }
  }
}
