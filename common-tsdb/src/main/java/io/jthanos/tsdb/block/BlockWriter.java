package io.jthanos.tsdb.block;

import com.fasterxml.jackson.databind.JsonNode;
import io.jthanos.tsdb.chunkenc.Chunk;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.chunkenc.XorEncoder;
import io.jthanos.tsdb.chunkenc.XorIterator;
import io.jthanos.tsdb.chunks.ChunkSegmentFormat;
import io.jthanos.tsdb.chunks.ChunkSegmentWriter;
import io.jthanos.tsdb.encoding.Decbuf;
import io.jthanos.tsdb.encoding.Encbuf;
import io.jthanos.tsdb.encoding.FileWriter;
import io.jthanos.tsdb.encoding.MappedFile;
import io.jthanos.tsdb.index.IndexChunkMeta;
import io.jthanos.tsdb.index.IndexWriter;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.storage.ChunkMeta;
import io.jthanos.tsdb.storage.ChunkSeries;
import io.jthanos.tsdb.storage.Series;
import io.jthanos.tsdb.tombstones.Tombstones;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Writes one block from a stream of series sorted by labels. Series are given as samples (encoded
 * into XOR chunks of at most 120 samples, as Prometheus' series-to-chunk encoder does) or as
 * encoded chunks (copied byte for byte, any encoding). Chunks go to segment files as they arrive;
 * series metadata is spilled to a compact temporary file and the index is written on {@link
 * #commit()}, once all symbols are known.
 *
 * <p>Everything is written into {@code <parent>/<ulid>.tmp-for-creation}; commit fsyncs every file
 * and the directory, then renames it to {@code <parent>/<ulid>}. Closing without commit deletes the
 * temporary directory. One owner; not thread-safe.
 *
 * <pre>{@code
 * try (BlockWriter w = BlockWriter.builder(dataDir).build()) {
 *   w.addSeries(labels, sampleIterator);   // in Labels order
 *   BlockMeta meta = w.commit();
 * }
 * }</pre>
 */
public final class BlockWriter implements AutoCloseable {
  /** Samples per chunk when encoding from samples (Prometheus' seriesToChunkEncoderSplit). */
  public static final int DEFAULT_CHUNK_SAMPLES = 120;

  private final Path parent;
  private final Ulid ulid;
  private final Path tmp;
  private final Builder cfg;
  private final ChunkSegmentWriter chunkWriter;
  private final FileWriter spill;
  private final Path spillPath;
  private final Encbuf rec = new Encbuf(256);
  private final Map<String, Integer> symbolIds = new HashMap<>();
  private final List<String> symbolList = new ArrayList<>();
  private final XorEncoder encoder = new XorEncoder();
  private final XorIterator decodeBuf = new XorIterator();

  private Labels last;
  private long numSeries;
  private long numChunks;
  private long numSamples;
  private long numFloatSamples;
  private long numHistogramSamples;
  private long dataMinT = Long.MAX_VALUE;
  private long dataMaxT = Long.MIN_VALUE;
  private boolean committed;
  private boolean closed;

  private BlockWriter(Builder b) throws IOException {
    this.cfg = b;
    this.parent = b.parent;
    this.ulid = b.ulid != null ? b.ulid : b.generator.next();
    Files.createDirectories(parent);
    this.tmp = parent.resolve(ulid + BlockFiles.TMP_CREATION_SUFFIX);
    BlockFiles.deleteRecursively(tmp);
    Files.createDirectories(tmp);
    try {
      this.chunkWriter = new ChunkSegmentWriter(tmp.resolve("chunks"), b.segmentSize);
      this.spillPath = tmp.resolve("series.spill");
      this.spill = new FileWriter(spillPath, 1 << 20);
    } catch (IOException | RuntimeException e) {
      BlockFiles.deleteRecursively(tmp);
      throw e;
    }
    symbolId("");
  }

  public static Builder builder(Path parentDir) {
    return new Builder(parentDir);
  }

  /** The id of the block being written. */
  public Ulid ulid() {
    return ulid;
  }

  /** The temporary directory the block is assembled in. */
  public Path tempDir() {
    return tmp;
  }

  private int symbolId(String s) {
    Integer id = symbolIds.get(s);
    if (id == null) {
      id = symbolList.size();
      symbolIds.put(s, id);
      symbolList.add(s);
    }
    return id;
  }

  private void checkOrder(Labels labels) {
    if (closed || committed) {
      throw new IllegalStateException(
          "block writer already " + (committed ? "committed" : "closed"));
    }
    if (last != null && Labels.compare(labels, last) <= 0) {
      throw new IllegalArgumentException("series out of order: " + labels + " after " + last);
    }
  }

  /** Adds a series from its samples (oldest first, strictly increasing timestamps). */
  public void addSeries(Labels labels, SampleIterator samples) throws IOException {
    checkOrder(labels);
    List<ChunkMeta> chunks = new ArrayList<>();
    encoder.reset();
    long prev = Long.MIN_VALUE;
    boolean first = true;
    XorIterator bits = samples instanceof XorIterator x ? x : null;
    while (true) {
      ValueType vt = samples.next();
      if (vt == ValueType.NONE) {
        break;
      }
      if (vt != ValueType.FLOAT) {
        throw new IllegalArgumentException(
            "only float samples can be encoded, got " + vt + " for " + labels);
      }
      long t = samples.atT();
      if (!first && t <= prev) {
        throw new IllegalArgumentException(
            "out-of-order sample for " + labels + ": " + t + " after " + prev);
      }
      first = false;
      prev = t;
      if (encoder.numSamples() >= cfg.chunkSamples) {
        chunks.add(new ChunkMeta(encoder.minTime(), encoder.maxTime(), encoder.toChunk()));
        encoder.reset();
      }
      if (bits != null) {
        encoder.appendBits(t, bits.atVBits());
      } else {
        encoder.append(t, samples.atV());
      }
    }
    if (encoder.numSamples() > 0) {
      chunks.add(new ChunkMeta(encoder.minTime(), encoder.maxTime(), encoder.toChunk()));
    }
    writeSeries(labels, chunks);
  }

  /** Adds a series whose samples are given as parallel arrays (for tests and tools). */
  public void addSeries(Labels labels, long[] ts, double[] vs) throws IOException {
    addSeries(labels, new ArraySampleIterator(ts, vs));
  }

  /** Adds a series of {@link Series}. */
  public void addSeries(Series s) throws IOException {
    addSeries(s.labels(), s.iterator(null));
  }

  /**
   * Adds a series from encoded chunks in time order, not overlapping; copied verbatim. A series
   * without chunks is skipped, as Prometheus' compactor does.
   */
  public void addChunkSeries(Labels labels, List<ChunkMeta> chunks) throws IOException {
    checkOrder(labels);
    long prevMax = Long.MIN_VALUE;
    for (int i = 0; i < chunks.size(); i++) {
      ChunkMeta c = chunks.get(i);
      if (c.maxTime() < c.minTime()) {
        throw new IllegalArgumentException("chunk maxTime < minTime for " + labels);
      }
      if (i > 0 && c.minTime() <= prevMax) {
        throw new IllegalArgumentException(
            "overlapping or unordered chunks for "
                + labels
                + ": minTime "
                + c.minTime()
                + " <= previous maxTime "
                + prevMax);
      }
      prevMax = c.maxTime();
    }
    writeSeries(labels, chunks);
  }

  public void addChunkSeries(ChunkSeries s) throws IOException {
    List<ChunkMeta> chunks = new ArrayList<>();
    Iterator<ChunkMeta> it = s.chunks();
    while (it.hasNext()) {
      chunks.add(it.next());
    }
    addChunkSeries(s.labels(), chunks);
  }

  private void writeSeries(Labels labels, List<ChunkMeta> chunks) throws IOException {
    if (chunks.isEmpty()) {
      last = labels;
      return;
    }
    List<Chunk> cs = new ArrayList<>(chunks.size());
    for (ChunkMeta m : chunks) {
      cs.add(m.chunk());
    }
    long[] refs = chunkWriter.writeSeries(cs);
    rec.reset().putUvarint(labels.size());
    for (int i = 0; i < labels.size(); i++) {
      rec.putUvarint(symbolId(labels.name(i))).putUvarint(symbolId(labels.value(i)));
    }
    rec.putUvarint(chunks.size());
    for (int i = 0; i < chunks.size(); i++) {
      ChunkMeta m = chunks.get(i);
      rec.putVarint(m.minTime()).putVarint(m.maxTime()).putUvarint(refs[i]);
      int n = m.chunk().numSamples();
      numSamples += n;
      ChunkEncoding e = m.chunk().encoding();
      if (e == ChunkEncoding.XOR) {
        numFloatSamples += n;
      } else if (e == ChunkEncoding.HISTOGRAM || e == ChunkEncoding.FLOAT_HISTOGRAM) {
        numHistogramSamples += n;
      }
      dataMinT = Math.min(dataMinT, m.minTime());
      dataMaxT = Math.max(dataMaxT, m.maxTime());
    }
    spill.write(rec);
    numChunks += chunks.size();
    numSeries++;
    last = labels;
  }

  /** Series written so far. */
  public long numSeries() {
    return numSeries;
  }

  /** Samples written so far. */
  public long numSamples() {
    return numSamples;
  }

  /** Bytes of chunk records written so far. */
  public long chunkBytes() {
    return chunkWriter.bytesWritten();
  }

  /**
   * Writes the index, tombstones and meta.json, fsyncs, and renames the temporary directory into
   * place. Returns the block's meta.
   */
  public BlockMeta commit() throws IOException {
    if (committed || closed) {
      throw new IllegalStateException(
          "block writer already " + (committed ? "committed" : "closed"));
    }
    long minT;
    long maxT;
    if (cfg.minTime != null) {
      minT = cfg.minTime;
      maxT = cfg.maxTime;
    } else if (numSeries > 0) {
      minT = dataMinT;
      maxT = dataMaxT + 1;
    } else {
      throw new IllegalStateException("empty block needs an explicit time range");
    }
    chunkWriter.finish();
    spill.finish();
    writeIndex();
    Files.delete(spillPath);
    Tombstones.empty().write(tmp);

    BlockStats stats =
        new BlockStats(numSamples, numFloatSamples, numHistogramSamples, numSeries, numChunks, 0);
    List<Ulid> sources = cfg.sources != null ? cfg.sources : List.of(ulid);
    BlockCompaction comp =
        new BlockCompaction(cfg.level, sources, false, cfg.parents, false, cfg.hints);
    BlockMeta meta =
        new BlockMeta(ulid, minT, maxT, stats, comp, BlockMeta.VERSION, cfg.extensions);
    if (cfg.finishMeta != null) {
      meta = cfg.finishMeta.apply(meta, tmp);
    }
    meta.write(tmp);
    BlockFiles.fsyncDir(tmp.resolve("chunks"));
    BlockFiles.fsyncDir(tmp);

    Path dst = parent.resolve(ulid.toString());
    if (Files.exists(dst)) {
      throw new IOException("block directory already exists: " + dst);
    }
    Files.move(tmp, dst, StandardCopyOption.ATOMIC_MOVE);
    BlockFiles.fsyncDir(parent);
    committed = true;
    return meta;
  }

  private void writeIndex() throws IOException {
    int n = symbolList.size();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Labels.compareStrings(symbolList.get(a), symbolList.get(b)));
    try (IndexWriter iw = new IndexWriter(tmp.resolve("index"));
        MappedFile sp = MappedFile.open(spillPath)) {
      for (Integer id : order) {
        iw.addSymbol(symbolList.get(id));
      }
      Decbuf d = sp.decbuf(0, sp.size());
      List<IndexChunkMeta> metas = new ArrayList<>();
      while (d.remaining() > 0) {
        int nl = d.uvarint32();
        String[] nv = new String[2 * nl];
        for (int i = 0; i < 2 * nl; i++) {
          nv[i] = symbolList.get(d.uvarint32());
        }
        int nc = d.uvarint32();
        metas.clear();
        for (int i = 0; i < nc; i++) {
          metas.add(new IndexChunkMeta(d.varint(), d.varint(), d.uvarint()));
        }
        iw.addSeries(Labels.fromSortedUnchecked(nv), metas);
      }
      iw.finish();
    }
  }

  /** Deletes the temporary directory unless the block was committed. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (!committed) {
      try {
        chunkWriter.close();
        spill.close();
      } finally {
        BlockFiles.deleteRecursively(tmp);
      }
    }
  }

  /** Options of a block to write. */
  public static final class Builder {
    private final Path parent;
    private Ulid ulid;
    private UlidGenerator generator = UlidGenerator.defaultGenerator();
    private int level = 1;
    private List<Ulid> sources;
    private List<BlockDesc> parents = List.of();
    private List<String> hints = List.of();
    private Long minTime;
    private Long maxTime;
    private long segmentSize = ChunkSegmentFormat.DEFAULT_SEGMENT_SIZE;
    private int chunkSamples = DEFAULT_CHUNK_SAMPLES;
    private final Map<String, JsonNode> extensions = new LinkedHashMap<>();
    private BiFunction<BlockMeta, Path, BlockMeta> finishMeta;

    private Builder(Path parent) {
      this.parent = parent;
    }

    /** The block id; default: a fresh monotonic ULID. */
    public Builder ulid(Ulid id) {
      this.ulid = id;
      return this;
    }

    public Builder ulidGenerator(UlidGenerator g) {
      this.generator = g;
      return this;
    }

    /** compaction.level; default 1. */
    public Builder level(int l) {
      this.level = l;
      return this;
    }

    /** compaction.sources; default: the block itself. */
    public Builder sources(List<Ulid> s) {
      this.sources = List.copyOf(s);
      return this;
    }

    /** compaction.parents; default none. */
    public Builder parents(List<BlockDesc> p) {
      this.parents = List.copyOf(p);
      return this;
    }

    /** compaction.hints; default none. */
    public Builder hints(List<String> h) {
      this.hints = List.copyOf(h);
      return this;
    }

    /** Block time range [minTime, maxTime); default: first chunk start to last chunk end + 1. */
    public Builder timeRange(long minTime, long maxTime) {
      if (maxTime < minTime) {
        throw new IllegalArgumentException("maxTime < minTime");
      }
      this.minTime = minTime;
      this.maxTime = maxTime;
      return this;
    }

    /** Segment file size; default 512 MiB. */
    public Builder segmentSize(long bytes) {
      this.segmentSize = bytes;
      return this;
    }

    /** Samples per chunk when encoding from samples; default 120. */
    public Builder chunkSamples(int n) {
      if (n < 1 || n > XorEncoder.MAX_SAMPLES) {
        throw new IllegalArgumentException("chunk samples out of range: " + n);
      }
      this.chunkSamples = n;
      return this;
    }

    /** An extra top-level meta.json section (e.g. {@code thanos}). */
    public Builder extension(String key, JsonNode value) {
      this.extensions.put(key, value);
      return this;
    }

    /**
     * Adjusts the meta before it is written: called on commit with the computed meta and the
     * temporary block directory (chunks and index already complete). Used by writers that record
     * more than Prometheus does (Thanos' downsampler: stats, segment files, resolution).
     */
    public Builder finishMeta(BiFunction<BlockMeta, Path, BlockMeta> f) {
      this.finishMeta = f;
      return this;
    }

    public BlockWriter build() throws IOException {
      return new BlockWriter(this);
    }
  }

  /** Samples from parallel arrays. */
  static final class ArraySampleIterator implements SampleIterator {
    private final long[] ts;
    private final double[] vs;
    private int i = -1;

    ArraySampleIterator(long[] ts, double[] vs) {
      if (ts.length != vs.length) {
        throw new IllegalArgumentException("timestamps and values differ in length");
      }
      this.ts = ts;
      this.vs = vs;
    }

    @Override
    public ValueType next() {
      if (i + 1 < ts.length) {
        i++;
        return ValueType.FLOAT;
      }
      i = ts.length;
      return ValueType.NONE;
    }

    @Override
    public ValueType seek(long t) {
      if (i >= 0 && i < ts.length && ts[i] >= t) {
        return ValueType.FLOAT;
      }
      while (next() == ValueType.FLOAT) {
        if (ts[i] >= t) {
          return ValueType.FLOAT;
        }
      }
      return ValueType.NONE;
    }

    @Override
    public long atT() {
      return ts[i];
    }

    @Override
    public double atV() {
      return vs[i];
    }
  }
}
