package io.jthanos.tsdb.tombstones;

import io.jthanos.tsdb.encoding.CorruptBlockException;
import io.jthanos.tsdb.encoding.Decbuf;
import io.jthanos.tsdb.encoding.Encbuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.zip.CRC32C;

/**
 * Deleted time ranges per series ref of a block, and the {@code tombstones} file format: {@code
 * magic 0x0130BA30 | version 1 | (uvarint ref, varint mint, varint maxt)* | CRC32C of the entries}.
 * Immutable once built; {@link #with} returns a copy.
 */
public final class Tombstones {
  public static final String FILE_NAME = "tombstones";
  public static final int MAGIC = 0x0130BA30;
  public static final int VERSION = 1;

  private static final Tombstones EMPTY = new Tombstones(new TreeMap<>());
  private final TreeMap<Long, Intervals> byRef;

  private Tombstones(TreeMap<Long, Intervals> byRef) {
    this.byRef = byRef;
  }

  public static Tombstones empty() {
    return EMPTY;
  }

  /** A copy with {@code in} added for series {@code ref}. */
  public Tombstones with(long ref, Interval in) {
    TreeMap<Long, Intervals> m = new TreeMap<>(byRef);
    m.merge(ref, Intervals.of(in), (a, b) -> a.add(in));
    return new Tombstones(m);
  }

  /** Deleted intervals of series {@code ref} (empty when none). */
  public Intervals get(long ref) {
    Intervals i = byRef.get(ref);
    return i == null ? Intervals.empty() : i;
  }

  public boolean isEmpty() {
    return byRef.isEmpty();
  }

  /** Number of intervals over all series (meta.json {@code stats.numTombstones}). */
  public long count() {
    long n = 0;
    for (Intervals i : byRef.values()) {
      n += i.size();
    }
    return n;
  }

  /** Visits series refs in ascending order. */
  public void forEach(BiConsumer<Long, Intervals> action) {
    byRef.forEach(action);
  }

  public Map<Long, Intervals> asMap() {
    return Collections.unmodifiableMap(byRef);
  }

  /** Reads {@code <blockDir>/tombstones}; a missing file means no tombstones (as Prometheus). */
  public static Tombstones read(Path blockDir) {
    Path p = blockDir.resolve(FILE_NAME);
    byte[] b;
    try {
      b = Files.readAllBytes(p);
    } catch (NoSuchFileException e) {
      return EMPTY;
    } catch (IOException e) {
      throw new UncheckedIOException("read " + p, e);
    }
    return decode(p, b);
  }

  /** Decodes the file bytes; {@code name} is used in errors. */
  public static Tombstones decode(Path name, byte[] b) {
    if (b.length < 9) {
      throw new CorruptBlockException(
          name, 0, "tombstones file too short", ">= 9 bytes", b.length + " bytes");
    }
    ByteBuffer bb = ByteBuffer.wrap(b);
    int magic = bb.getInt(0);
    if (magic != MAGIC) {
      throw new CorruptBlockException(
          name,
          0,
          "invalid tombstones magic",
          CorruptBlockException.hex32(MAGIC),
          CorruptBlockException.hex32(magic));
    }
    int version = b[4] & 0xff;
    if (version != VERSION) {
      throw new CorruptBlockException(name, 4, "unsupported tombstones version", VERSION, version);
    }
    int want = bb.getInt(b.length - 4);
    CRC32C crc = new CRC32C();
    crc.update(b, 5, b.length - 9);
    int got = (int) crc.getValue();
    if (want != got) {
      throw new CorruptBlockException(
          name,
          b.length - 4,
          "tombstones checksum mismatch",
          CorruptBlockException.hex32(want),
          CorruptBlockException.hex32(got));
    }
    TreeMap<Long, Intervals> m = new TreeMap<>();
    Decbuf d = Decbuf.of(name, ByteBuffer.wrap(b, 0, b.length - 4).slice());
    d.skip(5);
    while (d.remaining() > 0) {
      long at = d.position();
      long ref = d.uvarint();
      long mint = d.varint();
      long maxt = d.varint();
      if (maxt < mint) {
        throw new CorruptBlockException(
            name, at, "tombstone interval reversed", "maxt >= " + mint, maxt);
      }
      Interval in = new Interval(mint, maxt);
      m.merge(ref, Intervals.of(in), (a, x) -> a.add(in));
    }
    return new Tombstones(m);
  }

  /** The file bytes for these tombstones, entries in ascending ref order. */
  public byte[] encode() {
    Encbuf e = new Encbuf(64);
    e.putBE32(MAGIC).putByte(VERSION);
    byRef.forEach(
        (ref, ivs) -> {
          for (Interval i : ivs.list()) {
            e.putUvarint(ref).putVarint(i.minTime()).putVarint(i.maxTime());
          }
        });
    e.putBE32(e.crc32c(5, e.len()));
    return e.toByteArray();
  }

  /**
   * Writes {@code <blockDir>/tombstones} via a temporary file, fsync and rename, so readers see the
   * old or the new file, never a partial one.
   */
  public void write(Path blockDir) throws IOException {
    Path tmp = blockDir.resolve(FILE_NAME + ".tmp");
    Files.deleteIfExists(tmp);
    try (FileChannel ch =
        FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(encode());
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    Files.move(
        tmp,
        blockDir.resolve(FILE_NAME),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tombstones t && byRef.equals(t.byRef);
  }

  @Override
  public int hashCode() {
    return byRef.hashCode();
  }

  @Override
  public String toString() {
    return "Tombstones" + byRef;
  }
}
