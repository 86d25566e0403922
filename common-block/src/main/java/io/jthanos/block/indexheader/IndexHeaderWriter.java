package io.jthanos.block.indexheader;

import io.jthanos.objstore.BucketReader;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.encoding.CorruptBlockException;
import io.jthanos.tsdb.index.IndexFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;

/**
 * Builds an index-header (binary format v1, {@link IndexHeaderFormat}) from range reads of a
 * block's index object, never downloading the whole index: the object size from its attributes, the
 * 5-byte index header, the 52-byte TOC at the end, then the symbol table {@code [TOC.symbols,
 * TOC.series)} and the postings offset table through the end of the object. The two sections are
 * fetched in parts of {@link #PART_SIZE} bytes, a few at a time, and written at their final
 * positions.
 *
 * <p>Files are written to {@code index-header.tmp}, synced and renamed into place, so a crash never
 * leaves a partial index-header behind.
 */
public final class IndexHeaderWriter {
  /** Range reads are split into parts of this size (Thanos' 8 MiB). */
  public static final int PART_SIZE = 8 << 20;

  /** Parts fetched at the same time. */
  public static final int PART_CONCURRENCY = 4;

  private static final int COPY_BUFFER = 64 << 10;

  private IndexHeaderWriter() {}

  /** The sections of the index the header copies. */
  private record Plan(
      Path name, long indexSize, int indexVersion, long symbols, long series, long postingsTable) {
    long symbolsLen() {
      return series - symbols;
    }

    long tableLen() {
      return indexSize - postingsTable;
    }

    long headerSize() {
      return IndexHeaderFormat.HEADER_LEN + symbolsLen() + tableLen() + IndexHeaderFormat.TOC_LEN;
    }
  }

  /**
   * Builds {@code file} for block {@code id} atomically (through {@code file + ".tmp"}). Returns
   * the number of bytes read from the bucket.
   */
  public static long write(BucketReader bkt, Ulid id, Path file) throws IOException {
    Plan plan = plan(bkt, id);
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    boolean ok = false;
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      writeAt(ch, ByteBuffer.wrap(headerBytes(plan)), 0);
      long symPos = IndexHeaderFormat.HEADER_LEN;
      long tablePos = symPos + plan.symbolsLen();
      copyRanges(
          bkt,
          indexName(id),
          List.of(
              new Copy(plan.symbols(), plan.symbolsLen(), symPos),
              new Copy(plan.postingsTable(), plan.tableLen(), tablePos)),
          ch);
      writeAt(ch, ByteBuffer.wrap(tocBytes(symPos, tablePos)), tablePos + plan.tableLen());
      ch.force(true);
      ok = true;
    } finally {
      if (!ok) {
        Files.deleteIfExists(tmp);
      }
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    return 5 + IndexFormat.TOC_LEN + plan.symbolsLen() + plan.tableLen();
  }

  /** Builds the index-header in memory (for {@code --cache-index-header=false}). */
  public static byte[] build(BucketReader bkt, Ulid id) throws IOException {
    Plan plan = plan(bkt, id);
    long size = plan.headerSize();
    if (size > Integer.MAX_VALUE - 16) {
      throw new IOException(
          "index-header of " + id + " is " + size + " bytes, too large to build in memory");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
    out.write(headerBytes(plan));
    String name = indexName(id);
    copySequential(bkt, name, plan.symbols(), plan.symbolsLen(), out);
    copySequential(bkt, name, plan.postingsTable(), plan.tableLen(), out);
    long symPos = IndexHeaderFormat.HEADER_LEN;
    out.write(tocBytes(symPos, symPos + plan.symbolsLen()));
    return out.toByteArray();
  }

  static String indexName(Ulid id) {
    return id + "/index";
  }

  private static Plan plan(BucketReader bkt, Ulid id) throws IOException {
    String name = indexName(id);
    Path errName = Path.of(name);
    long size = bkt.attributes(name).size();
    if (size < IndexFormat.HEADER_LEN + IndexFormat.TOC_LEN) {
      throw new CorruptBlockException(
          errName,
          0,
          "index shorter than header and TOC",
          ">= " + (IndexFormat.HEADER_LEN + IndexFormat.TOC_LEN) + " bytes",
          size + " bytes");
    }
    if (size > IndexHeaderFormat.MAX_INDEX_SIZE) {
      throw new CorruptBlockException(
          errName, 0, "index larger than format v1 addresses", "<= 64 GiB", size + " bytes");
    }
    byte[] head = readRange(bkt, name, 0, IndexFormat.HEADER_LEN);
    ByteBuffer hb = ByteBuffer.wrap(head);
    int magic = hb.getInt(0);
    if (magic != IndexFormat.MAGIC) {
      throw new CorruptBlockException(
          errName,
          0,
          "invalid index magic",
          CorruptBlockException.hex32(IndexFormat.MAGIC),
          CorruptBlockException.hex32(magic));
    }
    int version = head[4] & 0xff;
    if (version != IndexFormat.V2 && version != IndexFormat.V3) {
      throw new CorruptBlockException(errName, 4, "unsupported index version", "2 (or 3)", version);
    }
    long tocPos = size - IndexFormat.TOC_LEN;
    ByteBuffer toc = ByteBuffer.wrap(readRange(bkt, name, tocPos, IndexFormat.TOC_LEN));
    CRC32C crc = new CRC32C();
    crc.update(toc.array(), 0, 48);
    int want = toc.getInt(48);
    if ((int) crc.getValue() != want) {
      throw new CorruptBlockException(
          errName,
          tocPos + 48,
          "TOC checksum mismatch",
          CorruptBlockException.hex32(want),
          CorruptBlockException.hex32((int) crc.getValue()));
    }
    long symbols = toc.getLong(0);
    long series = toc.getLong(8);
    long postingsTable = toc.getLong(40);
    if (symbols < IndexFormat.HEADER_LEN || symbols > tocPos) {
      throw new CorruptBlockException(
          errName, tocPos, "TOC symbol table offset", "in [5, " + tocPos + "]", symbols);
    }
    if (series < symbols || series > tocPos) {
      throw new CorruptBlockException(
          errName, tocPos + 8, "TOC series offset", "in [" + symbols + ", " + tocPos + "]", series);
    }
    if (postingsTable < series || postingsTable > tocPos) {
      throw new CorruptBlockException(
          errName,
          tocPos + 40,
          "TOC postings offset table offset",
          "in [" + series + ", " + tocPos + "]",
          postingsTable);
    }
    return new Plan(errName, size, version, symbols, series, postingsTable);
  }

  private static byte[] headerBytes(Plan plan) {
    ByteBuffer b = ByteBuffer.allocate(IndexHeaderFormat.HEADER_LEN);
    b.putInt(IndexHeaderFormat.MAGIC);
    b.put((byte) IndexHeaderFormat.VERSION_1);
    b.put((byte) plan.indexVersion());
    b.putLong(plan.postingsTable());
    return b.array();
  }

  private static byte[] tocBytes(long symbolsPos, long tablePos) {
    ByteBuffer b = ByteBuffer.allocate(IndexHeaderFormat.TOC_LEN);
    b.putLong(symbolsPos);
    b.putLong(tablePos);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, 16);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  private static byte[] readRange(BucketReader bkt, String name, long off, int len)
      throws IOException {
    try (InputStream in = bkt.getRange(name, off, len)) {
      byte[] b = in.readNBytes(len);
      if (b.length != len) {
        throw new CorruptBlockException(
            Path.of(name), off, "short read", len + " bytes", b.length + " bytes");
      }
      return b;
    }
  }

  private static void copySequential(
      BucketReader bkt, String name, long off, long len, ByteArrayOutputStream out)
      throws IOException {
    try (InputStream in = bkt.getRange(name, off, len)) {
      byte[] buf = new byte[COPY_BUFFER];
      long left = len;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new CorruptBlockException(
              Path.of(name), off + len - left, "short read", left + " more bytes", "end of object");
        }
        out.write(buf, 0, n);
        left -= n;
      }
    }
  }

  /** One range of the index copied to a position of the header file. */
  private record Copy(long from, long len, long to) {}

  private static void copyRanges(BucketReader bkt, String name, List<Copy> copies, FileChannel ch)
      throws IOException {
    List<Copy> parts = new ArrayList<>();
    for (Copy c : copies) {
      for (long o = 0; o < c.len(); o += PART_SIZE) {
        parts.add(new Copy(c.from() + o, Math.min(PART_SIZE, c.len() - o), c.to() + o));
      }
    }
    if (parts.size() <= 1) {
      for (Copy p : parts) {
        copyPart(bkt, name, p, ch);
      }
      return;
    }
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(PART_CONCURRENCY);
      List<Future<Void>> fs = new ArrayList<>();
      for (Copy p : parts) {
        fs.add(
            ex.submit(
                () -> {
                  slots.acquire();
                  try {
                    copyPart(bkt, name, p, ch);
                  } finally {
                    slots.release();
                  }
                  return null;
                }));
      }
      IOException first = null;
      for (Future<Void> f : fs) {
        try {
          f.get();
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          IOException io = c instanceof IOException i ? i : new IOException(c.getMessage(), c);
          if (first == null) {
            first = io;
            fs.forEach(o -> o.cancel(true));
          }
        } catch (java.util.concurrent.CancellationException e) {
          // Cancelled after an earlier failure.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          fs.forEach(o -> o.cancel(true));
          throw new InterruptedIOException("building index-header interrupted");
        }
      }
      if (first != null) {
        throw first;
      }
    }
  }

  private static void copyPart(BucketReader bkt, String name, Copy p, FileChannel ch)
      throws IOException {
    try (InputStream in = bkt.getRange(name, p.from(), p.len())) {
      byte[] buf = new byte[COPY_BUFFER];
      long done = 0;
      while (done < p.len()) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, p.len() - done));
        if (n < 0) {
          throw new CorruptBlockException(
              Path.of(name),
              p.from() + done,
              "short read",
              (p.len() - done) + " more bytes",
              "end of object");
        }
        writeAt(ch, ByteBuffer.wrap(buf, 0, n), p.to() + done);
        done += n;
      }
    }
  }

  private static void writeAt(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      pos += ch.write(b, pos);
    }
  }
}
