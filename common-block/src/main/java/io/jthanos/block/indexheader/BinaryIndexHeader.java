package io.jthanos.block.indexheader;

import io.jthanos.tsdb.encoding.CorruptBlockException;
import io.jthanos.tsdb.encoding.Decbuf;
import io.jthanos.tsdb.encoding.MappedFile;
import io.jthanos.tsdb.index.IndexFormat;
import io.jthanos.tsdb.labels.Labels;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an index-header (binary format v1) over a memory mapping or an in-memory buffer. Opening
 * verifies the magic, the version, the TOC checksum and the checksums of the symbol table and the
 * postings offset table, so a damaged file is detected before use ({@link CorruptBlockException})
 * and can be rebuilt. In memory stay only every {@code sampling}-th value per label name of the
 * postings offset table (plus each name's last value) and every 32nd symbol offset, as Thanos'
 * {@code BinaryReader}; the rest is read from the mapping on demand.
 */
public final class BinaryIndexHeader implements IndexHeaderReader {
  /** Symbol offsets kept in memory: every 32nd, as Prometheus' symbols factor. */
  private static final int SYMBOL_FACTOR = 32;

  private static final int SYMBOL_CACHE = 1 << 10;

  // Set once in the constructor (re-mapped at its end, see open); instances are published through
  // concurrent structures.
  private MappedFile file;
  private final int indexVersion;
  private final long indexPostingsTable;
  private final long tableStart; // first entry of the postings offset table
  private final long tableEnd; // end of entries (CRC follows)
  private final long symbolsStart;
  private final long symbolsEnd;
  private final int symbolCount;
  private final long[] symbolOffsets;
  private final Map<String, NameOffsets> postings = new HashMap<>();
  private final List<String> labelNames;
  private final Map<Long, String> nameSymbols = new HashMap<>();
  private final SymbolEntry[] symbolCache = new SymbolEntry[SYMBOL_CACHE];
  private final long postingsStart;

  private record SymbolEntry(long ref, String value) {}

  /** Sampled entries of one label name: values, their table offsets, the end of the last list. */
  private record NameOffsets(byte[] nameBytes, String[] values, long[] tableOffsets, long lastEnd) {
    String last() {
      return values[values.length - 1];
    }
  }

  private BinaryIndexHeader(MappedFile file, int sampling, Path remap) {
    if (sampling <= 0) {
      throw new IllegalArgumentException("posting offsets sampling must be positive: " + sampling);
    }
    this.file = file;
    long size = file.size();
    if (size < IndexHeaderFormat.HEADER_LEN + IndexHeaderFormat.TOC_LEN) {
      throw corrupt(
          0,
          "index-header shorter than header and TOC",
          ">= " + (IndexHeaderFormat.HEADER_LEN + IndexHeaderFormat.TOC_LEN) + " bytes",
          size + " bytes");
    }
    int magic = file.getInt(0);
    if (magic != IndexHeaderFormat.MAGIC) {
      throw corrupt(
          0,
          "invalid index-header magic",
          CorruptBlockException.hex32(IndexHeaderFormat.MAGIC),
          CorruptBlockException.hex32(magic));
    }
    int version = file.get(4) & 0xff;
    if (version != IndexHeaderFormat.VERSION_1) {
      throw corrupt(4, "unknown index-header version", IndexHeaderFormat.VERSION_1, version);
    }
    indexVersion = file.get(5) & 0xff;
    if (indexVersion != IndexFormat.V2 && indexVersion != IndexFormat.V3) {
      throw corrupt(5, "unsupported index version", "2 (or 3)", indexVersion);
    }
    indexPostingsTable = file.getLong(6);
    long tocPos = size - IndexHeaderFormat.TOC_LEN;
    int want = file.getInt(tocPos + 16);
    int got = file.crc32c(tocPos, 16);
    if (want != got) {
      throw corrupt(
          tocPos + 16,
          "index-header TOC checksum mismatch",
          CorruptBlockException.hex32(want),
          CorruptBlockException.hex32(got));
    }
    long symPos = file.getLong(tocPos);
    long tablePos = file.getLong(tocPos + 8);
    if (symPos < IndexHeaderFormat.HEADER_LEN || symPos > tocPos) {
      throw corrupt(tocPos, "symbols position", "in [14, " + tocPos + "]", symPos);
    }
    if (tablePos < symPos || tablePos > tocPos) {
      throw corrupt(
          tocPos + 8,
          "postings offset table position",
          "in [" + symPos + ", " + tocPos + "]",
          tablePos);
    }

    long symLen = sectionLength(symPos, tablePos, "symbol table");
    symbolCount = count(file.getInt(symPos + 4), symLen - 4, symPos + 4, "symbol count");
    symbolsStart = symPos + 8;
    symbolsEnd = symPos + 4 + symLen;
    symbolOffsets = new long[symbolCount / SYMBOL_FACTOR + 1];
    Decbuf sd = file.decbuf(symbolsStart, symbolsEnd);
    for (int i = 0; i < symbolCount; i++) {
      if (i % SYMBOL_FACTOR == 0) {
        symbolOffsets[i / SYMBOL_FACTOR] = sd.position();
      }
      sd.skipUvarintString();
    }

    // The postings offset table section ends with a copy of the index's TOC: verify it too.
    long indexToc = tocPos - IndexFormat.TOC_LEN;
    if (indexToc < tablePos) {
      throw corrupt(
          tocPos, "index TOC missing before the index-header TOC", ">= " + tablePos, indexToc);
    }
    int tocWant = file.getInt(indexToc + 48);
    int tocGot = file.crc32c(indexToc, 48);
    if (tocWant != tocGot) {
      throw corrupt(
          indexToc + 48,
          "index TOC checksum mismatch",
          CorruptBlockException.hex32(tocWant),
          CorruptBlockException.hex32(tocGot));
    }
    long tableLen = sectionLength(tablePos, indexToc, "postings offset table");
    tableStart = tablePos + 8;
    tableEnd = tablePos + 4 + tableLen;
    int entries =
        count(
            file.getInt(tablePos + 4), tableLen - 4, tablePos + 4, "postings offset table entries");
    postingsStart = readTable(entries, sampling);
    List<String> names = new ArrayList<>(postings.keySet());
    names.remove("");
    names.sort(Labels::compareStrings);
    labelNames = List.copyOf(names);
    for (String n : labelNames) {
      long ref = reverseLookup(n);
      if (ref >= 0) {
        nameSymbols.put(ref, n);
      }
    }
    if (remap != null) {
      // Opening read every page of the file through this mapping; serve lookups from a fresh one
      // so that only the pages queries touch count towards the process' resident memory (the old
      // mapping is released with its buffers).
      MappedFile init = this.file;
      this.file = MappedFile.open(remap);
      init.close();
    }
  }

  /** Opens (memory-maps) an index-header file. */
  public static BinaryIndexHeader open(Path file, int sampling) {
    MappedFile f = MappedFile.open(file);
    try {
      return new BinaryIndexHeader(f, sampling, file);
    } catch (RuntimeException e) {
      f.close();
      throw e;
    }
  }

  /** Reads an index-header held in memory. */
  public static BinaryIndexHeader of(Path nameForErrors, byte[] content, int sampling) {
    return new BinaryIndexHeader(
        MappedFile.wrap(nameForErrors, ByteBuffer.wrap(content)), sampling, null);
  }

  public Path path() {
    return file.path();
  }

  /** Size of the index-header in bytes. */
  public long size() {
    return file.size();
  }

  private CorruptBlockException corrupt(
      long offset, String problem, Object expected, Object actual) {
    return new CorruptBlockException(file.path(), offset, problem, expected, actual);
  }

  /** A section's 4-byte length at {@code pos}, bounded by {@code limit} and CRC-verified. */
  private long sectionLength(long pos, long limit, String what) {
    if (pos + 4 > limit) {
      throw corrupt(pos, what + " starts beyond its bounds", "offset <= " + (limit - 4), pos);
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

  private int count(int raw, long maxBytes, long at, String what) {
    long c = raw & 0xffffffffL;
    if (c > maxBytes || c > Integer.MAX_VALUE - 8) {
      throw corrupt(at, what + " exceeds section size", "<= " + maxBytes, c);
    }
    return (int) c;
  }

  /** Reads the postings offset table, keeping samples; returns the smallest postings offset. */
  private long readTable(int entries, int sampling) {
    Decbuf d = file.decbuf(tableStart, tableEnd);
    String curName = null;
    byte[] curBytes = null;
    List<String> vals = new ArrayList<>();
    List<Long> offs = new ArrayList<>();
    int valueCount = 0;
    String lastValue = null;
    long lastTableOff = -1;
    long minOffset = Long.MAX_VALUE;
    for (int i = 0; i < entries; i++) {
      long entryOff = d.position();
      long keys = d.uvarint();
      if (keys != 2) {
        throw corrupt(entryOff, "postings offset table entry key count", 2, keys);
      }
      long nameOff = d.position();
      boolean same = curBytes != null && d.compareUvarintString(curBytes) == 0;
      String value;
      if (!same) {
        d.seek(nameOff);
        String name = d.uvarintString();
        value = d.uvarintString();
        long off = postingsOffset(d, entryOff);
        minOffset = Math.min(minOffset, off);
        if (curName != null) {
          if (Labels.compareStrings(name, curName) <= 0) {
            throw corrupt(
                nameOff,
                "postings offset table names out of order",
                "> \"" + curName + "\"",
                "\"" + name + "\"");
          }
          finishName(
              curName,
              curBytes,
              vals,
              offs,
              valueCount,
              sampling,
              lastValue,
              lastTableOff,
              off - 4);
        }
        curName = name;
        curBytes = name.getBytes(StandardCharsets.UTF_8);
        vals.clear();
        offs.clear();
        valueCount = 0;
      } else {
        value = d.uvarintString();
        minOffset = Math.min(minOffset, postingsOffset(d, entryOff));
      }
      if (valueCount % sampling == 0) {
        vals.add(value);
        offs.add(entryOff);
      }
      lastValue = value;
      lastTableOff = entryOff;
      valueCount++;
    }
    if (curName != null) {
      finishName(
          curName,
          curBytes,
          vals,
          offs,
          valueCount,
          sampling,
          lastValue,
          lastTableOff,
          indexPostingsTable - 4);
    }
    return minOffset == Long.MAX_VALUE ? indexPostingsTable : minOffset;
  }

  private long postingsOffset(Decbuf d, long entryOff) {
    long off = d.uvarint();
    if (off < IndexFormat.HEADER_LEN || off >= indexPostingsTable) {
      throw corrupt(
          entryOff,
          "postings list offset outside the postings section",
          "in [5, " + indexPostingsTable + ")",
          off);
    }
    return off;
  }

  private void finishName(
      String name,
      byte[] nameBytes,
      List<String> vals,
      List<Long> offs,
      int valueCount,
      int sampling,
      String lastValue,
      long lastTableOff,
      long lastEnd) {
    if ((valueCount - 1) % sampling != 0) {
      vals.add(lastValue);
      offs.add(lastTableOff);
    }
    long[] o = new long[offs.size()];
    for (int i = 0; i < o.length; i++) {
      o[i] = offs.get(i);
    }
    postings.put(name, new NameOffsets(nameBytes, vals.toArray(new String[0]), o, lastEnd));
  }

  // --------------------------------------------------------------------------------- symbols

  @Override
  public String lookupSymbol(long ref) {
    String n = nameSymbols.get(ref);
    if (n != null) {
      return n;
    }
    if (ref < 0 || ref >= symbolCount) {
      throw corrupt(symbolsStart, "symbol reference out of range", "< " + symbolCount, ref);
    }
    int slot = (int) (ref & (SYMBOL_CACHE - 1));
    SymbolEntry e = symbolCache[slot];
    if (e != null && e.ref == ref) {
      return e.value;
    }
    int r = (int) ref;
    Decbuf d = file.decbuf(symbolOffsets[r / SYMBOL_FACTOR], symbolsEnd);
    for (int i = r % SYMBOL_FACTOR; i > 0; i--) {
      d.skipUvarintString();
    }
    String s = d.uvarintString();
    symbolCache[slot] = new SymbolEntry(ref, s);
    return s;
  }

  /** The reference of a symbol (sorted table: binary search over the samples), or -1. */
  private long reverseLookup(String sym) {
    byte[] target = sym.getBytes(StandardCharsets.UTF_8);
    int lo = 0;
    int hi = symbolOffsets.length - 1;
    if (symbolCount == 0) {
      return -1;
    }
    int block = 0;
    while (lo <= hi) {
      int m = (lo + hi) >>> 1;
      Decbuf d = file.decbuf(symbolOffsets[m], symbolsEnd);
      if (d.compareUvarintString(target) <= 0) {
        block = m;
        lo = m + 1;
      } else {
        hi = m - 1;
      }
    }
    Decbuf d = file.decbuf(symbolOffsets[block], symbolsEnd);
    int first = block * SYMBOL_FACTOR;
    for (int i = first; i < Math.min(symbolCount, first + SYMBOL_FACTOR); i++) {
      int c = d.compareUvarintString(target);
      if (c == 0) {
        return i;
      }
      if (c > 0) {
        return -1;
      }
    }
    return -1;
  }

  // --------------------------------------------------------------------------------- postings

  @Override
  public int indexVersion() {
    return indexVersion;
  }

  @Override
  public long postingsStart() {
    return postingsStart;
  }

  @Override
  public PostingsRange postingsRange(String name, String value) {
    return postingsRanges(name, List.of(value)).get(0);
  }

  /** Index of the last sample <= v, or -1. */
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

  /** Skips an entry's key count and name, checking the name. */
  private void enterEntry(Decbuf d, NameOffsets no) {
    long at = d.position();
    long keys = d.uvarint();
    if (keys != 2) {
      throw corrupt(at, "postings offset table entry key count", 2, keys);
    }
    if (d.compareUvarintString(no.nameBytes) != 0) {
      throw corrupt(at, "postings offset table entry of another label name", "same name", "other");
    }
  }

  @Override
  public List<PostingsRange> postingsRanges(String name, List<String> values) {
    int n = values.size();
    PostingsRange[] out = new PostingsRange[n];
    NameOffsets no = postings.get(name);
    if (no == null || n == 0) {
      return Arrays.asList(out);
    }
    String last = no.last();
    int vi = 0;
    while (vi < n) {
      String want = values.get(vi);
      if (Labels.compareStrings(want, no.values[0]) < 0) {
        vi++;
        continue;
      }
      if (Labels.compareStrings(want, last) > 0) {
        break;
      }
      int idx = floorSample(no, want);
      Decbuf d = file.decbuf(no.tableOffsets[idx], tableEnd);
      int pendingFrom = -1;
      int pendingTo = -1;
      long pendingStart = 0;
      while (true) {
        enterEntry(d, no);
        String value = d.uvarintString();
        long off = d.uvarint();
        if (pendingFrom >= 0) {
          PostingsRange r = new PostingsRange(pendingStart, off - 4);
          for (int i = pendingFrom; i < pendingTo; i++) {
            out[i] = r;
          }
          pendingFrom = -1;
        }
        while (vi < n && Labels.compareStrings(values.get(vi), value) < 0) {
          vi++;
        }
        int from = vi;
        while (vi < n && values.get(vi).equals(value)) {
          vi++;
        }
        boolean isLast = value.equals(last);
        if (vi > from) {
          if (isLast) {
            PostingsRange r = new PostingsRange(off + 4, Math.max(off + 4, no.lastEnd));
            for (int i = from; i < vi; i++) {
              out[i] = r;
            }
          } else {
            pendingFrom = from;
            pendingTo = vi;
            pendingStart = off + 4;
          }
        }
        if (isLast) {
          break;
        }
        while (idx + 1 < no.values.length
            && Labels.compareStrings(value, no.values[idx + 1]) >= 0) {
          idx++;
        }
        if (pendingFrom < 0
            && (vi == n
                || (idx + 1 < no.values.length
                    && Labels.compareStrings(values.get(vi), no.values[idx + 1]) > 0))) {
          break;
        }
      }
      if (vi < n && Labels.compareStrings(values.get(vi), last) > 0) {
        break;
      }
    }
    return Arrays.asList(out);
  }

  @Override
  public void scanValues(String name, String from, ValueVisitor visitor) {
    NameOffsets no = postings.get(name);
    if (no == null) {
      return;
    }
    int idx = 0;
    if (from != null) {
      if (Labels.compareStrings(from, no.last()) > 0) {
        return;
      }
      idx = Math.max(0, floorSample(no, from));
    }
    String last = no.last();
    Decbuf d = file.decbuf(no.tableOffsets[idx], tableEnd);
    String pending = null;
    long pendingStart = 0;
    while (true) {
      enterEntry(d, no);
      String value = d.uvarintString();
      long off = d.uvarint();
      if (pending != null) {
        if (!visitor.visit(pending, new PostingsRange(pendingStart, off - 4))) {
          return;
        }
        pending = null;
      }
      boolean wanted = from == null || Labels.compareStrings(value, from) >= 0;
      if (value.equals(last)) {
        if (wanted) {
          visitor.visit(value, new PostingsRange(off + 4, Math.max(off + 4, no.lastEnd)));
        }
        return;
      }
      if (wanted) {
        pending = value;
        pendingStart = off + 4;
      }
    }
  }

  @Override
  public List<String> labelNames() {
    return labelNames;
  }

  @Override
  public List<String> labelValues(String name) {
    NameOffsets no = postings.get(name);
    if (no == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    scanValues(
        name,
        null,
        (v, r) -> {
          out.add(v);
          return true;
        });
    return Collections.unmodifiableList(out);
  }

  @Override
  public void close() {
    file.close();
  }
}
