package io.jthanos.tsdb.index;

import io.jthanos.tsdb.encoding.Encbuf;
import io.jthanos.tsdb.encoding.FileWriter;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.util.IntList;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Writes an index file in format version 2 with the layout Prometheus 2.x writes: header, symbol
 * table, series (16-byte aligned), label indices, postings (4-byte aligned, the all-postings list
 * first), label offset table, postings offset table, TOC.
 *
 * <p>Usage: {@link #addSymbol} every label name and value in byte order (include {@code ""}, as
 * Prometheus does), then {@link #addSeries} in label order, then {@link #finish()}. Postings are
 * collected in memory as compact int arrays (12 bytes per series label) and written at the end. One
 * owner; not thread-safe.
 */
public final class IndexWriter implements AutoCloseable {
  private enum Stage {
    NONE,
    SYMBOLS,
    SERIES,
    DONE
  }

  private final FileWriter f;
  private Stage stage = Stage.NONE;
  private final Encbuf buf1 = new Encbuf(1 << 12);
  private final Encbuf buf2 = new Encbuf(1 << 12);

  private long tocSymbols;
  private long tocSeries;
  private long tocLabelIndices;
  private long tocLabelIndicesTable;
  private long tocPostings;
  private long tocPostingsTable;

  private final Map<String, Integer> symbolRefs = new HashMap<>();
  private final List<String> symbols = new ArrayList<>();
  private String lastSymbol;

  private final IntList entryName = new IntList(1 << 12);
  private final IntList entryValue = new IntList(1 << 12);
  private final IntList entrySeries = new IntList(1 << 12);
  private final IntList allSeries = new IntList(1 << 10);
  private Labels lastSeries;
  private long lastChunkRef;

  public IndexWriter(Path file) throws IOException {
    this.f = new FileWriter(file, 1 << 22);
    buf1.reset().putBE32(IndexFormat.MAGIC).putByte(IndexFormat.V2);
    f.write(buf1);
  }

  public Path path() {
    return f.path();
  }

  private void ensureStage(Stage s) throws IOException {
    if (stage == s) {
      return;
    }
    if (stage.ordinal() > s.ordinal()) {
      throw new IllegalStateException("index writer: stage " + s + " after " + stage);
    }
    if (s.ordinal() - stage.ordinal() > 1) {
      ensureStage(Stage.values()[s.ordinal() - 1]);
    }
    switch (s) {
      case SYMBOLS -> {
        tocSymbols = f.position();
        buf1.reset().putBE32(0).putBE32(0); // length and count, patched later
        f.write(buf1);
      }
      case SERIES -> {
        finishSymbols();
        tocSeries = f.position();
      }
      case DONE -> writeTail();
      default -> throw new IllegalStateException();
    }
    stage = s;
  }

  /** Adds the next symbol; symbols must come in strictly increasing byte order. */
  public void addSymbol(String s) throws IOException {
    ensureStage(Stage.SYMBOLS);
    if (lastSymbol != null && Labels.compareStrings(s, lastSymbol) <= 0) {
      throw new IllegalArgumentException(
          "symbol out of order: \"" + s + "\" after \"" + lastSymbol + "\"");
    }
    lastSymbol = s;
    symbolRefs.put(s, symbols.size());
    symbols.add(s);
    buf1.reset().putUvarintString(s);
    f.write(buf1);
  }

  public void addSymbols(Iterable<String> sorted) throws IOException {
    for (String s : sorted) {
      addSymbol(s);
    }
  }

  private void finishSymbols() throws IOException {
    long len = f.position() - tocSymbols - 4;
    if (len > 0xffffffffL) {
      throw new IOException("symbol table exceeds 4 GiB: " + len + " bytes");
    }
    buf1.reset().putBE32((int) len).putBE32(symbols.size());
    f.writeAt(tocSymbols, buf1.array(), 0, buf1.len());
    int crc = crcOfWritten(tocSymbols + 4, len);
    buf1.reset().putBE32(crc);
    f.write(buf1);
  }

  private int crcOfWritten(long pos, long len) throws IOException {
    FileChannel ch = f.channel();
    CRC32C crc = new CRC32C();
    ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
    long p = pos;
    long end = pos + len;
    while (p < end) {
      b.clear().limit((int) Math.min(b.capacity(), end - p));
      int n = ch.read(b, p);
      if (n < 0) {
        throw new IOException("short read-back of " + f.path() + " at " + p);
      }
      b.flip();
      crc.update(b);
      p += n;
    }
    return (int) crc.getValue();
  }

  /**
   * Adds a series; label sets must come in strictly increasing {@link Labels#compare} order, chunk
   * refs must not decrease, chunks must not overlap. Returns the series ref (offset / 16).
   */
  public long addSeries(Labels labels, List<IndexChunkMeta> chunks) throws IOException {
    ensureStage(Stage.SERIES);
    if (lastSeries != null && Labels.compare(labels, lastSeries) <= 0) {
      throw new IllegalArgumentException(
          "out-of-order series added with label set " + labels + ", last label set " + lastSeries);
    }
    long lastRef = lastChunkRef;
    long lastMaxT = 0;
    for (int i = 0; i < chunks.size(); i++) {
      IndexChunkMeta c = chunks.get(i);
      if (Long.compareUnsigned(c.ref(), lastRef) < 0) {
        throw new IllegalArgumentException(
            "unsorted chunk reference: " + c.ref() + ", previous: " + lastRef);
      }
      lastRef = c.ref();
      if (i > 0 && c.minTime() <= lastMaxT) {
        throw new IllegalArgumentException(
            "chunk minT " + c.minTime() + " is not higher than previous chunk maxT " + lastMaxT);
      }
      if (c.maxTime() < c.minTime()) {
        throw new IllegalArgumentException(
            "chunk maxT " + c.maxTime() + " is less than minT " + c.minTime());
      }
      lastMaxT = c.maxTime();
    }
    f.padTo(IndexFormat.SERIES_ALIGN);
    long ref = f.position() / IndexFormat.SERIES_ALIGN;
    if (ref > 0xffffffffL) {
      throw new IOException("index exceeds the 64 GiB addressable by series refs");
    }
    int sref = (int) ref;

    buf2.reset().putUvarint(labels.size());
    for (int i = 0; i < labels.size(); i++) {
      int n = symbolRef(labels.name(i));
      int v = symbolRef(labels.value(i));
      buf2.putUvarint(n).putUvarint(v);
      entryName.add(n);
      entryValue.add(v);
      entrySeries.add(sref);
    }
    allSeries.add(sref);
    buf2.putUvarint(chunks.size());
    if (!chunks.isEmpty()) {
      IndexChunkMeta c = chunks.get(0);
      buf2.putVarint(c.minTime());
      buf2.putUvarint(c.maxTime() - c.minTime());
      buf2.putUvarint(c.ref());
      long t0 = c.maxTime();
      long ref0 = c.ref();
      for (int i = 1; i < chunks.size(); i++) {
        c = chunks.get(i);
        buf2.putUvarint(c.minTime() - t0);
        buf2.putUvarint(c.maxTime() - c.minTime());
        t0 = c.maxTime();
        buf2.putVarint(c.ref() - ref0);
        ref0 = c.ref();
      }
    }
    buf1.reset().putUvarint(buf2.len());
    buf2.putCrc32c(0);
    f.write(buf1);
    f.write(buf2);
    lastSeries = labels;
    lastChunkRef = lastRef;
    return ref;
  }

  private int symbolRef(String s) {
    Integer r = symbolRefs.get(s);
    if (r == null) {
      throw new IllegalArgumentException("symbol entry for \"" + s + "\" does not exist");
    }
    return r;
  }

  /** Writes label indices, postings, offset tables and TOC; fsyncs and closes the file. */
  public void finish() throws IOException {
    ensureStage(Stage.DONE);
    f.finish();
  }

  private static int[] countingSort(IntList keys, int[] in, int range) {
    int[] count = new int[range + 1];
    int[] k = keys.array();
    for (int idx : in) {
      count[k[idx] + 1]++;
    }
    for (int i = 0; i < range; i++) {
      count[i + 1] += count[i];
    }
    int[] out = new int[in.length];
    for (int idx : in) {
      out[count[k[idx]]++] = idx;
    }
    return out;
  }

  private void writeTail() throws IOException {
    if (stage == Stage.SYMBOLS) {
      finishSymbols();
    }
    int n = entryName.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    // Stable sort by (name ref, value ref): symbols are sorted, so this is string order.
    order = countingSort(entryValue, order, symbols.size());
    order = countingSort(entryName, order, symbols.size());
    int[] names = entryName.array();
    int[] values = entryValue.array();
    int[] series = entrySeries.array();

    // Label indices: per name, its sorted distinct values.
    tocLabelIndices = f.position();
    IntList nameOrder = new IntList();
    List<Long> labelIndexPos = new ArrayList<>();
    int i = 0;
    while (i < n) {
      int name = names[order[i]];
      int j = i;
      IntList vals = new IntList();
      int lastVal = -1;
      while (j < n && names[order[j]] == name) {
        int v = values[order[j]];
        if (v != lastVal) {
          vals.add(v);
          lastVal = v;
        }
        j++;
      }
      f.padTo(4);
      nameOrder.add(name);
      labelIndexPos.add(f.position());
      buf1.reset().putBE32(4 + 4 + 4 * vals.size()).putBE32(1).putBE32(vals.size());
      for (int k = 0; k < vals.size(); k++) {
        buf1.putBE32(vals.get(k));
      }
      buf1.putCrc32c(4);
      f.write(buf1);
      i = j;
    }

    // Postings: all-postings first, then each (name, value).
    tocPostings = f.position();
    List<long[]> postingOffsets = new ArrayList<>(); // {nameRef, valueRef, offset}; -1 for ""
    f.padTo(4);
    postingOffsets.add(new long[] {-1, -1, f.position()});
    writePostings(allSeries.array(), null, 0, allSeries.size());
    i = 0;
    while (i < n) {
      int name = names[order[i]];
      int value = values[order[i]];
      int j = i;
      while (j < n && names[order[j]] == name && values[order[j]] == value) {
        j++;
      }
      f.padTo(4);
      postingOffsets.add(new long[] {name, value, f.position()});
      writePostings(series, order, i, j);
      i = j;
    }

    // Label offset table (legacy, still written by Prometheus 2.x).
    tocLabelIndicesTable = f.position();
    buf1.reset().putBE32(0).putBE32(nameOrder.size());
    for (int k = 0; k < nameOrder.size(); k++) {
      buf1.putUvarint(1).putUvarintString(symbols.get(nameOrder.get(k)));
      buf1.putUvarint(labelIndexPos.get(k));
    }
    buf1.setBE32(0, buf1.len() - 4);
    buf1.putCrc32c(4);
    f.write(buf1);

    // Postings offset table, streamed with a running checksum.
    tocPostingsTable = f.position();
    CRC32C crc = new CRC32C();
    buf1.reset().putBE32(0);
    f.write(buf1);
    long start = f.position();
    buf1.reset().putBE32(postingOffsets.size());
    crc.update(buf1.array(), 0, buf1.len());
    f.write(buf1);
    for (long[] e : postingOffsets) {
      buf1.reset().putUvarint(2);
      if (e[0] < 0) {
        buf1.putUvarintString("").putUvarintString("");
      } else {
        buf1.putUvarintString(symbols.get((int) e[0])).putUvarintString(symbols.get((int) e[1]));
      }
      buf1.putUvarint(e[2]);
      crc.update(buf1.array(), 0, buf1.len());
      f.write(buf1);
    }
    long len = f.position() - start;
    if (len > 0xffffffffL) {
      throw new IOException("postings offset table exceeds 4 GiB");
    }
    buf1.reset().putBE32((int) len);
    f.writeAt(tocPostingsTable, buf1.array(), 0, 4);
    buf1.reset().putBE32((int) crc.getValue());
    f.write(buf1);

    buf1.reset()
        .putBE64(tocSymbols)
        .putBE64(tocSeries)
        .putBE64(tocLabelIndices)
        .putBE64(tocLabelIndicesTable)
        .putBE64(tocPostings)
        .putBE64(tocPostingsTable);
    buf1.putCrc32c(0);
    f.write(buf1);
    if (f.position() > IndexFormat.MAX_INDEX_SIZE) {
      throw new IOException("index exceeds 64 GiB");
    }
  }

  /** Writes one postings list from {@code refs[order[from..to)]} (or refs[from..to) when null). */
  private void writePostings(int[] refs, int[] order, int from, int to) throws IOException {
    int m = to - from;
    buf2.reset().putBE32(4 + 4 * m).putBE32(m);
    for (int k = from; k < to; k++) {
      buf2.putBE32(order == null ? refs[k] : refs[order[k]]);
    }
    buf2.putCrc32c(4);
    f.write(buf2);
  }

  @Override
  public void close() throws IOException {
    f.close();
  }
}
