package io.jthanos.tsdb.index;

import io.jthanos.tsdb.encoding.CorruptBlockException;
import io.jthanos.tsdb.encoding.Decbuf;
import io.jthanos.tsdb.encoding.MappedFile;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads an index file (format 2; 3 is read the same way, as Prometheus 3 does) over a memory
 * mapping of any size. Opening verifies the header, the TOC checksum, the symbol table and postings
 * offset table checksums, and keeps in memory only every 32nd symbol offset and, per label name,
 * every 32nd value of the postings offset table (plus the last), as Prometheus does. Series entries
 * and postings lists are checksum-verified on every read. Thread-safe.
 */
public final class IndexReader implements AutoCloseable {
  private final MappedFile file;
  private final int version;
  private final Toc toc;

  private final long symbolsStart; // first symbol entry
  private final long symbolsEnd; // end of entries (CRC follows)
  private final int symbolCount;
  private final long[] symbolOffsets; // every SAMPLING-th symbol
  private final SymbolCacheEntry[] symbolCache = new SymbolCacheEntry[1 << 12];

  private final long tableEnd; // end of postings offset table entries
  private final Map<String, NameOffsets> postingsTable;
  private final List<String> labelNames; // sorted, without ""

  private record SymbolCacheEntry(int ref, String value) {}

  /** Sampled postings offset table entries of one label name. */
  private record NameOffsets(String name, byte[] nameBytes, String[] values, long[] entryOffsets) {}

  private IndexReader(MappedFile file) {
    this.file = file;
    long size = file.size();
    if (size < IndexFormat.HEADER_LEN + IndexFormat.TOC_LEN) {
      throw corrupt(
          0,
          "index shorter than header and TOC",
          ">= " + (IndexFormat.HEADER_LEN + IndexFormat.TOC_LEN) + " bytes",
          size + " bytes");
    }
    int magic = file.getInt(0);
    if (magic != IndexFormat.MAGIC) {
      throw corrupt(
          0,
          "invalid index magic",
          CorruptBlockException.hex32(IndexFormat.MAGIC),
          CorruptBlockException.hex32(magic));
    }
    version = file.get(4) & 0xff;
    if (version != IndexFormat.V2 && version != IndexFormat.V3) {
      throw corrupt(4, "unsupported index version", "2 (or 3)", version);
    }
    toc = readToc();

    // Symbols.
    long symPos = toc.symbols();
    long symLen = sectionLength(symPos, "symbol table");
    int count = boundedCount(file.getInt(symPos + 4), symLen - 4, symPos + 4, "symbol count");
    symbolCount = count;
    symbolsStart = symPos + 8;
    symbolsEnd = symPos + 4 + symLen;
    symbolOffsets = new long[count / IndexFormat.SAMPLING + 1];
    Decbuf d = file.decbuf(symbolsStart, symbolsEnd);
    for (int i = 0; i < count; i++) {
      if (i % IndexFormat.SAMPLING == 0) {
        symbolOffsets[i / IndexFormat.SAMPLING] = d.position();
      }
      d.skipUvarintString();
    }

    // Postings offset table.
    long ptPos = toc.postingsTable();
    long ptLen = sectionLength(ptPos, "postings offset table");
    tableEnd = ptPos + 4 + ptLen;
    int entries =
        boundedCount(
            file.getInt(ptPos + 4), ptLen - 4, ptPos + 4, "postings offset table entry count");
    postingsTable = new HashMap<>();
    labelNames = new ArrayList<>();
    readPostingsTable(file.decbuf(ptPos + 8, tableEnd), entries);
  }

  public static IndexReader open(Path indexFile) {
    return new IndexReader(MappedFile.open(indexFile));
  }

  /** Opens with a custom mapping window (tests exercise window boundaries this way). */
  public static IndexReader open(Path indexFile, int windowBits, int overlap) {
    return new IndexReader(MappedFile.open(indexFile, windowBits, overlap));
  }

  public Path path() {
    return file.path();
  }

  public int version() {
    return version;
  }

  public Toc toc() {
    return toc;
  }

  /** Size of the index file in bytes. */
  public long size() {
    return file.size();
  }

  public int symbolCount() {
    return symbolCount;
  }

  CorruptBlockException corrupt(long offset, String problem, Object expected, Object actual) {
    return new CorruptBlockException(file.path(), offset, problem, expected, actual);
  }

  private Toc readToc() {
    long pos = file.size() - IndexFormat.TOC_LEN;
    int want = file.getInt(pos + 48);
    int got = file.crc32c(pos, 48);
    if (want != got) {
      throw corrupt(
          pos + 48,
          "TOC checksum mismatch",
          CorruptBlockException.hex32(want),
          CorruptBlockException.hex32(got));
    }
    long[] o = new long[6];
    for (int i = 0; i < 6; i++) {
      o[i] = file.getLong(pos + 8L * i);
      if (o[i] < 0 || o[i] > pos) {
        throw corrupt(
            pos + 8L * i,
            "TOC offset beyond index",
            "offset <= " + pos,
            Long.toUnsignedString(o[i]));
      }
    }
    Toc t = new Toc(o[0], o[1], o[2], o[3], o[4], o[5]);
    if (t.symbols() < IndexFormat.HEADER_LEN) {
      throw corrupt(pos, "TOC symbol table offset", ">= " + IndexFormat.HEADER_LEN, t.symbols());
    }
    if (t.postingsTable() < IndexFormat.HEADER_LEN) {
      throw corrupt(
          pos + 40,
          "TOC postings offset table offset",
          ">= " + IndexFormat.HEADER_LEN,
          t.postingsTable());
    }
    return t;
  }

  /**
   * Reads a section's 4-byte length at {@code pos}, checks that length + CRC fit before the TOC,
   * verifies the CRC32C and returns the length.
   */
  private long sectionLength(long pos, String what) {
    long limit = file.size() - IndexFormat.TOC_LEN;
    if (pos + 4 > limit) {
      throw corrupt(pos, what + " starts beyond the index", "offset <= " + (limit - 4), pos);
    }
    long len = file.getInt(pos) & 0xffffffffL;
    if (len < 4 || pos + 4 + len + 4 > limit) {
      throw corrupt(
          pos,
          what + " length out of bounds",
          "4 <= length <= " + Math.max(0, limit - pos - 8),
          len);
    }
    int want = file.getInt(pos + 4 + len);
    int got = file.crc32c(pos + 4, len);
    if (want != got) {
      throw corrupt(
          pos + 4 + len,
          what + " checksum mismatch",
          CorruptBlockException.hex32(want),
          CorruptBlockException.hex32(got));
    }
    return len;
  }

  private int boundedCount(int raw, long maxBytes, long at, String what) {
    long c = raw & 0xffffffffL;
    if (c > maxBytes || c > Integer.MAX_VALUE - 8) {
      throw corrupt(at, what + " exceeds section size", "<= " + maxBytes, c);
    }
    return (int) c;
  }

  private void readPostingsTable(Decbuf d, int entries) {
    String curName = null;
    byte[] curNameBytes = null;
    List<String> vals = new ArrayList<>();
    List<Long> offs = new ArrayList<>();
    int valueCount = 0;
    long lastEntry = -1; // last entry of the current name when not sampled
    for (int i = 0; i < entries; i++) {
      long entryOff = d.position();
      long keys = d.uvarint();
      if (keys != 2) {
        throw corrupt(entryOff, "postings offset table entry key count", 2, keys);
      }
      long nameOff = d.position();
      boolean sameName = curNameBytes != null && d.compareUvarintString(curNameBytes) == 0;
      if (!sameName) {
        d.seek(nameOff);
        String name = d.uvarintString();
        if (curName != null) {
          if (Labels.compareStrings(name, curName) <= 0) {
            throw corrupt(
                nameOff,
                "postings offset table names out of order",
                "> \"" + curName + "\"",
                "\"" + name + "\"");
          }
          finishName(curName, curNameBytes, vals, offs, lastEntry);
        }
        curName = name;
        curNameBytes = name.getBytes(StandardCharsets.UTF_8);
        vals.clear();
        offs.clear();
        valueCount = 0;
        lastEntry = -1;
      }
      if (valueCount % IndexFormat.SAMPLING == 0) {
        vals.add(d.uvarintString());
        offs.add(entryOff);
        lastEntry = -1;
      } else {
        d.skipUvarintString();
        lastEntry = entryOff;
      }
      valueCount++;
      d.uvarint(); // postings list offset
    }
    if (curName != null) {
      finishName(curName, curNameBytes, vals, offs, lastEntry);
    }
  }

  private void finishName(
      String name, byte[] nameBytes, List<String> vals, List<Long> offs, long lastEntry) {
    if (lastEntry >= 0) {
      Entry e = readEntry(file.decbuf(lastEntry, tableEnd));
      vals.add(e.value);
      offs.add(lastEntry);
    }
    long[] o = new long[offs.size()];
    for (int i = 0; i < o.length; i++) {
      o[i] = offs.get(i);
    }
    postingsTable.put(name, new NameOffsets(name, nameBytes, vals.toArray(new String[0]), o));
    if (!name.isEmpty()) {
      labelNames.add(name);
    }
  }

  private record Entry(String name, String value, long postingsOffset) {}

  private Entry readEntry(Decbuf d) {
    long at = d.position();
    long keys = d.uvarint();
    if (keys != 2) {
      throw corrupt(at, "postings offset table entry key count", 2, keys);
    }
    String n = d.uvarintString();
    String v = d.uvarintString();
    return new Entry(n, v, d.uvarint());
  }

  // ---------------------------------------------------------------- symbols

  /** The symbol with 0-based reference {@code ref}. */
  public String symbol(long ref) {
    return symbol(ref, toc.symbols());
  }

  private String symbol(long ref, long readAt) {
    if (ref < 0 || ref >= symbolCount) {
      throw corrupt(readAt, "symbol reference out of range", "< " + symbolCount, ref);
    }
    int r = (int) ref;
    int slot = r & (symbolCache.length - 1);
    SymbolCacheEntry e = symbolCache[slot];
    if (e != null && e.ref == r) {
      return e.value;
    }
    Decbuf d = file.decbuf(symbolOffsets[r / IndexFormat.SAMPLING], symbolsEnd);
    for (int i = r % IndexFormat.SAMPLING; i > 0; i--) {
      d.skipUvarintString();
    }
    String s = d.uvarintString();
    symbolCache[slot] = new SymbolCacheEntry(r, s);
    return s;
  }

  /** All symbols in order. */
  public List<String> symbols() {
    List<String> out = new ArrayList<>(symbolCount);
    Decbuf d = file.decbuf(symbolsStart, symbolsEnd);
    for (int i = 0; i < symbolCount; i++) {
      out.add(d.uvarintString());
    }
    return out;
  }

  // ---------------------------------------------------------------- label names and values

  /** Sorted label names of the block. */
  public List<String> labelNames() {
    return List.copyOf(labelNames);
  }

  /** Sorted values of a label name (empty when the name is absent). */
  public List<String> labelValues(String name) {
    List<String> out = new ArrayList<>();
    scanValues(
        name,
        null,
        (v, off) -> {
          out.add(v);
          return true;
        });
    return out;
  }

  @FunctionalInterface
  private interface ValueVisitor {
    /** Returns false to stop. */
    boolean visit(String value, long postingsOffset);
  }

  /** Visits the values of {@code name} from the first value >= {@code from} (null: all). */
  private void scanValues(String name, String from, ValueVisitor v) {
    NameOffsets no = postingsTable.get(name);
    if (no == null) {
      return;
    }
    int start = 0;
    if (from != null) {
      int idx = floorSample(no, from);
      start = Math.max(idx, 0);
    }
    Decbuf d = file.decbuf(no.entryOffsets[start], tableEnd);
    while (d.remaining() > 0) {
      long at = d.position();
      long keys = d.uvarint();
      if (keys != 2) {
        throw corrupt(at, "postings offset table entry key count", 2, keys);
      }
      if (d.compareUvarintString(no.nameBytes) != 0) {
        return;
      }
      String value = d.uvarintString();
      long off = d.uvarint();
      if (from != null && Labels.compareStrings(value, from) < 0) {
        continue;
      }
      if (!v.visit(value, off)) {
        return;
      }
    }
  }

  /** Index of the last sampled value <= v, or -1. */
  private static int floorSample(NameOffsets no, String v) {
    int lo = 0;
    int hi = no.values.length - 1;
    int res = -1;
    while (lo <= hi) {
      int m = (lo + hi) >>> 1;
      if (Labels.compareStrings(no.values[m], v) <= 0) {
        res = m;
        lo = m + 1;
      } else {
        hi = m - 1;
      }
    }
    return res;
  }

  /** File offset of the postings list for (name, value), or -1 when absent. */
  long postingsOffset(String name, String value) {
    NameOffsets no = postingsTable.get(name);
    if (no == null) {
      return -1;
    }
    int idx = floorSample(no, value);
    if (idx < 0) {
      return -1;
    }
    if (Labels.compareStrings(value, no.values[no.values.length - 1]) > 0) {
      return -1;
    }
    byte[] target = value.getBytes(StandardCharsets.UTF_8);
    Decbuf d = file.decbuf(no.entryOffsets[idx], tableEnd);
    while (d.remaining() > 0) {
      long at = d.position();
      long keys = d.uvarint();
      if (keys != 2) {
        throw corrupt(at, "postings offset table entry key count", 2, keys);
      }
      if (d.compareUvarintString(no.nameBytes) != 0) {
        return -1;
      }
      int c = d.compareUvarintString(target);
      long off = d.uvarint();
      if (c == 0) {
        return off;
      }
      if (c > 0) {
        return -1;
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------- postings

  /** The postings list stored at {@code offset}, checksum-verified. */
  public Postings postingsAt(long offset) {
    long size = file.size();
    if (offset < IndexFormat.HEADER_LEN || offset + 8 > size) {
      throw corrupt(offset, "postings list offset beyond index", "offset <= " + (size - 8), offset);
    }
    long len = file.getInt(offset) & 0xffffffffL;
    long n = file.getInt(offset + 4) & 0xffffffffL;
    if (len != 4 + 4 * n) {
      throw corrupt(offset, "postings list length does not match its entry count", 4 + 4 * n, len);
    }
    if (offset + 4 + len + 4 > size || 4 * n > Integer.MAX_VALUE) {
      throw corrupt(
          offset,
          "postings list beyond end of index",
          "length <= " + Math.max(0, size - offset - 8),
          len);
    }
    int want = file.getInt(offset + 4 + len);
    int got = file.crc32c(offset + 4, len);
    if (want != got) {
      throw corrupt(
          offset + 4 + len,
          "postings list checksum mismatch",
          CorruptBlockException.hex32(want),
          CorruptBlockException.hex32(got));
    }
    if (n == 0) {
      return Postings.empty();
    }
    ByteBuffer b = file.slice(offset + 8, (int) (4 * n));
    return Postings.bigEndian(b, (int) n);
  }

  /** Postings of one label pair (empty when absent). */
  public Postings postings(String name, String value) {
    long off = postingsOffset(name, value);
    return off < 0 ? Postings.empty() : postingsAt(off);
  }

  /** Union of the postings of {@code name} with any of {@code values}. */
  public Postings postings(String name, Collection<String> values) {
    List<Postings> lists = new ArrayList<>(values.size());
    for (String v : values) {
      Postings p = postings(name, v);
      if (p != Postings.EMPTY) {
        lists.add(p);
      }
    }
    return Postings.merge(lists);
  }

  /** Every series of the block. */
  public Postings allPostings() {
    return postings("", "");
  }

  /** Union of the postings of every value of {@code name} accepted by {@code accept}. */
  public Postings postingsMatching(String name, Predicate<String> accept) {
    List<Postings> lists = new ArrayList<>();
    scanValues(
        name,
        null,
        (v, off) -> {
          if (accept.test(v)) {
            lists.add(postingsAt(off));
          }
          return true;
        });
    return Postings.merge(lists);
  }

  /**
   * Postings of series whose value for the matcher's label is accepted by the matcher, using the
   * matcher's fast paths: a single value for {@code =}, direct lookups for a set of literals, a
   * range scan for a literal prefix. Series without the label are never returned here.
   */
  public Postings postingsForMatcher(Matcher m) {
    switch (m.type()) {
      case EQUAL -> {
        return postings(m.name(), m.value());
      }
      case REGEX -> {
        if (m.setMatches() != null) {
          List<String> vals = new ArrayList<>(m.setMatches());
          vals.sort(Labels::compareStrings);
          return postings(m.name(), vals);
        }
        String prefix = m.literalPrefix();
        if (prefix != null && !prefix.isEmpty()) {
          List<Postings> lists = new ArrayList<>();
          scanValues(
              m.name(),
              prefix,
              (v, off) -> {
                if (!v.startsWith(prefix)) {
                  return false;
                }
                if (m.matches(v)) {
                  lists.add(postingsAt(off));
                }
                return true;
              });
          return Postings.merge(lists);
        }
        return postingsMatching(m.name(), m::matches);
      }
      default -> {
        return postingsMatching(m.name(), m::matches);
      }
    }
  }

  // ---------------------------------------------------------------- series

  /** Reads the series entry with {@code ref}, with its chunk metas. */
  public IndexSeries series(long ref) {
    return series(ref, true);
  }

  /** Reads the series entry; without chunks when {@code withChunks} is false. */
  public IndexSeries series(long ref, boolean withChunks) {
    long off = ref * IndexFormat.SERIES_ALIGN;
    long limit = file.size() - IndexFormat.TOC_LEN;
    if (ref < 0 || off < toc.series() || off >= limit) {
      throw corrupt(
          off,
          "series reference outside the series section",
          "offset in [" + toc.series() + ", " + limit + ")",
          off);
    }
    Decbuf head = file.decbuf(off, limit);
    long len = head.uvarint();
    long body = head.position();
    if (len > limit - body - 4) {
      throw corrupt(
          off, "series entry length beyond index", "<= " + Math.max(0, limit - body - 4), len);
    }
    int want = file.getInt(body + len);
    int got = file.crc32c(body, len);
    if (want != got) {
      throw corrupt(
          body + len,
          "series entry checksum mismatch (ref " + ref + ")",
          CorruptBlockException.hex32(want),
          CorruptBlockException.hex32(got));
    }
    Decbuf d = file.decbuf(body, body + len);
    int nl = d.uvarint32();
    if (nl > len / 2) {
      throw corrupt(body, "series label count exceeds entry size", "<= " + len / 2, nl);
    }
    String[] nv = new String[2 * nl];
    for (int i = 0; i < nl; i++) {
      long at = d.position();
      nv[2 * i] = symbol(d.uvarint(), at);
      at = d.position();
      nv[2 * i + 1] = symbol(d.uvarint(), at);
    }
    Labels labels = Labels.fromSortedUnchecked(nv);
    if (!withChunks) {
      return new IndexSeries(ref, labels, new long[0]);
    }
    int nc = d.uvarint32();
    if (nc > d.remaining() / 3) {
      throw corrupt(
          d.position(), "series chunk count exceeds entry size", "<= " + d.remaining() / 3, nc);
    }
    long[] chunks = new long[3 * nc];
    if (nc > 0) {
      long at = d.position();
      long mint = d.varint();
      long maxt = mint + d.uvarint();
      long cref = d.uvarint();
      checkChunkRange(at, mint, maxt);
      chunks[0] = mint;
      chunks[1] = maxt;
      chunks[2] = cref;
      for (int i = 1; i < nc; i++) {
        at = d.position();
        mint = maxt + d.uvarint();
        maxt = mint + d.uvarint();
        cref += d.varint();
        checkChunkRange(at, mint, maxt);
        chunks[3 * i] = mint;
        chunks[3 * i + 1] = maxt;
        chunks[3 * i + 2] = cref;
      }
    }
    return new IndexSeries(ref, labels, chunks);
  }

  private void checkChunkRange(long at, long mint, long maxt) {
    if (maxt < mint) {
      throw corrupt(at, "chunk meta time range reversed", "maxTime >= " + mint, maxt);
    }
  }

  /** Labels of the series with {@code ref}. */
  public Labels seriesLabels(long ref) {
    return series(ref, false).labels();
  }

  @Override
  public void close() {
    file.close();
    Arrays.fill(symbolCache, null);
  }
}
