package io.jthanos.block.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.tombstones.Interval;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * meta.json's {@code thanos} section ({@code metadata.Thanos}): external labels, downsampling
 * resolution, upload source, file list, rewrites, index statistics, free-form extensions and upload
 * time. Read and written as Thanos does: same keys and order, {@code omitempty} fields left out
 * when empty, {@code index_stats} always present, {@code labels} sorted by name, and the Go zero
 * time {@value #ZERO_TIME} for an unset {@code upload_time}.
 *
 * @param version the section version; 0 (absent) means 1 and is not written
 * @param labels external labels (never null; sorted)
 * @param resolution downsampling resolution in ms: 0 raw, 300000 (5m), 3600000 (1h)
 * @param source who produced the block, see {@link Sources}
 * @param segmentFiles deprecated list of chunk file names
 * @param files files of the block sorted by path, set on upload
 * @param extensions free-form JSON, or null when absent
 * @param uploadTime when the block was uploaded, or null (written as the Go zero time)
 */
public record ThanosMeta(
    int version,
    Map<String, String> labels,
    long resolution,
    String source,
    List<String> segmentFiles,
    List<BlockFile> files,
    List<Rewrite> rewrites,
    IndexStats indexStats,
    JsonNode extensions,
    Instant uploadTime) {

  public static final String KEY = "thanos";
  public static final int VERSION_1 = 1;
  public static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  public ThanosMeta {
    labels =
        labels == null
            ? Collections.emptySortedMap()
            : Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    source = source == null ? "" : source;
    segmentFiles = segmentFiles == null ? List.of() : List.copyOf(segmentFiles);
    files = files == null ? List.of() : List.copyOf(files);
    rewrites = rewrites == null ? List.of() : List.copyOf(rewrites);
    indexStats = indexStats == null ? IndexStats.EMPTY : indexStats;
  }

  /** A section with labels, resolution and source; everything else empty. */
  public static ThanosMeta of(Map<String, String> labels, long resolution, String source) {
    return new ThanosMeta(0, labels, resolution, source, null, null, null, null, null, null);
  }

  /** External labels as {@link Labels}. */
  public Labels labelSet() {
    return Labels.fromMap(labels);
  }

  /**
   * The compaction group key {@code "<resolution>@<labels hash>"}, as Thanos' {@code GroupKey()}
   * (Prometheus' {@code labels.Hash} of the external labels, unsigned).
   */
  public String groupKey() {
    return resolution + "@" + Long.toUnsignedString(labelSet().hash());
  }

  public ThanosMeta withLabels(Map<String, String> l) {
    return new ThanosMeta(
        version,
        l,
        resolution,
        source,
        segmentFiles,
        files,
        rewrites,
        indexStats,
        extensions,
        uploadTime);
  }

  public ThanosMeta withResolution(long r) {
    return new ThanosMeta(
        version,
        labels,
        r,
        source,
        segmentFiles,
        files,
        rewrites,
        indexStats,
        extensions,
        uploadTime);
  }

  public ThanosMeta withSource(String s) {
    return new ThanosMeta(
        version,
        labels,
        resolution,
        s,
        segmentFiles,
        files,
        rewrites,
        indexStats,
        extensions,
        uploadTime);
  }

  public ThanosMeta withSegmentFiles(List<String> f) {
    return new ThanosMeta(
        version,
        labels,
        resolution,
        source,
        f,
        files,
        rewrites,
        indexStats,
        extensions,
        uploadTime);
  }

  public ThanosMeta withFiles(List<BlockFile> f) {
    return new ThanosMeta(
        version,
        labels,
        resolution,
        source,
        segmentFiles,
        f,
        rewrites,
        indexStats,
        extensions,
        uploadTime);
  }

  public ThanosMeta withUploadTime(Instant t) {
    return new ThanosMeta(
        version,
        labels,
        resolution,
        source,
        segmentFiles,
        files,
        rewrites,
        indexStats,
        extensions,
        t);
  }

  public ThanosMeta withRewrites(List<Rewrite> r) {
    return new ThanosMeta(
        version,
        labels,
        resolution,
        source,
        segmentFiles,
        files,
        r,
        indexStats,
        extensions,
        uploadTime);
  }

  public ThanosMeta withIndexStats(IndexStats s) {
    return new ThanosMeta(
        version,
        labels,
        resolution,
        source,
        segmentFiles,
        files,
        rewrites,
        s,
        extensions,
        uploadTime);
  }

  public ThanosMeta withExtensions(JsonNode e) {
    return new ThanosMeta(
        version,
        labels,
        resolution,
        source,
        segmentFiles,
        files,
        rewrites,
        indexStats,
        e,
        uploadTime);
  }

  // ------------------------------------------------------------------ JSON

  /** The section as Go's encoder writes {@code metadata.Thanos}. */
  public ObjectNode toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    if (version != 0) {
      o.put("version", version);
    }
    ObjectNode l = o.putObject("labels");
    labels.forEach(l::put);
    o.putObject("downsample").put("resolution", resolution);
    o.put("source", source);
    if (!segmentFiles.isEmpty()) {
      ArrayNode a = o.putArray("segment_files");
      segmentFiles.forEach(a::add);
    }
    if (!files.isEmpty()) {
      ArrayNode a = o.putArray("files");
      for (BlockFile bf : files) {
        ObjectNode e = a.addObject();
        e.put("rel_path", bf.relPath());
        if (bf.sizeBytes() != 0) {
          e.put("size_bytes", bf.sizeBytes());
        }
        if (bf.hash() != null) {
          ObjectNode h = e.putObject("hash");
          h.put("hashFunc", bf.hash().func().id());
          h.put("value", bf.hash().value());
        }
      }
    }
    if (!rewrites.isEmpty()) {
      ArrayNode a = o.putArray("rewrites");
      for (Rewrite r : rewrites) {
        ObjectNode e = a.addObject();
        if (!r.sources().isEmpty()) {
          ArrayNode s = e.putArray("sources");
          r.sources().forEach(u -> s.add(u.toString()));
        }
        if (!r.deletionsApplied().isEmpty()) {
          ArrayNode d = e.putArray("deletions_applied");
          for (DeletionRequest dr : r.deletionsApplied()) {
            ObjectNode x = d.addObject();
            x.set("matchers", dr.matchers() == null ? f.nullNode() : dr.matchers());
            if (!dr.intervals().isEmpty()) {
              ArrayNode iv = x.putArray("intervals");
              for (Interval i : dr.intervals()) {
                iv.addObject().put("Mint", i.minTime()).put("Maxt", i.maxTime());
              }
            }
            if (!dr.requestId().isEmpty()) {
              x.put("request_id", dr.requestId());
            }
          }
        }
        if (!r.relabelsApplied().isEmpty()) {
          ArrayNode ra = e.putArray("relabels_applied");
          r.relabelsApplied().forEach(ra::add);
        }
      }
    }
    ObjectNode is = o.putObject("index_stats");
    putNonZero(is, "series_max_size", indexStats.seriesMaxSize());
    putNonZero(is, "series_p90_size", indexStats.seriesP90Size());
    putNonZero(is, "series_p99_size", indexStats.seriesP99Size());
    putNonZero(is, "series_p999_size", indexStats.seriesP999Size());
    putNonZero(is, "series_p99999_size", indexStats.seriesP9999Size());
    putNonZero(is, "chunk_max_size", indexStats.chunkMaxSize());
    if (extensions != null && !extensions.isNull() && !extensions.isMissingNode()) {
      o.set("extensions", extensions);
    }
    o.put("upload_time", formatTime(uploadTime));
    return o;
  }

  private static void putNonZero(ObjectNode o, String k, long v) {
    if (v != 0) {
      o.put(k, v);
    }
  }

  /**
   * Reads the section; {@code null} or a missing node gives an empty section (as Go's zero value).
   * Unknown keys are ignored, as Go's decoder does.
   *
   * @throws MetaFormatException on a value of the wrong type or an unsupported version
   */
  public static ThanosMeta fromJson(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return of(Map.of(), 0, "");
    }
    if (!n.isObject()) {
      throw new MetaFormatException("thanos", "an object", n.getNodeType().toString());
    }
    int version = (int) integer(n, "version", "thanos.version");
    if (version != 0 && version != VERSION_1) {
      throw new MetaFormatException(
          "thanos.version", "1", Integer.toString(version), "unexpected thanos section version");
    }
    Map<String, String> labels = new TreeMap<>();
    JsonNode ln = n.get("labels");
    if (ln != null && !ln.isNull()) {
      if (!ln.isObject()) {
        throw new MetaFormatException("thanos.labels", "an object", ln.getNodeType().toString());
      }
      for (Map.Entry<String, JsonNode> e : ln.properties()) {
        if (!e.getValue().isTextual()) {
          throw new MetaFormatException(
              "thanos.labels." + e.getKey(), "a string", e.getValue().getNodeType().toString());
        }
        labels.put(e.getKey(), e.getValue().textValue());
      }
    }
    long resolution = 0;
    JsonNode ds = n.get("downsample");
    if (ds != null && !ds.isNull()) {
      if (!ds.isObject()) {
        throw new MetaFormatException(
            "thanos.downsample", "an object", ds.getNodeType().toString());
      }
      resolution = integer(ds, "resolution", "thanos.downsample.resolution");
    }
    String source = text(n, "source", "thanos.source");
    List<String> segmentFiles = new ArrayList<>();
    for (JsonNode s : array(n, "segment_files", "thanos.segment_files")) {
      segmentFiles.add(textValue(s, "thanos.segment_files[]"));
    }
    List<BlockFile> files = new ArrayList<>();
    for (JsonNode fn : array(n, "files", "thanos.files")) {
      ObjectHash hash = null;
      JsonNode h = fn.get("hash");
      if (h != null && !h.isNull()) {
        try {
          hash =
              new ObjectHash(
                  HashFunc.parse(text(h, "hashFunc", "thanos.files[].hash.hashFunc")),
                  text(h, "value", "thanos.files[].hash.value"));
        } catch (IllegalArgumentException e) {
          throw new MetaFormatException(
              "thanos.files[].hash.hashFunc", "\"\" or \"SHA256\"", h.toString());
        }
      }
      files.add(
          new BlockFile(
              text(fn, "rel_path", "thanos.files[].rel_path"),
              integer(fn, "size_bytes", "thanos.files[].size_bytes"),
              hash));
    }
    List<Rewrite> rewrites = new ArrayList<>();
    for (JsonNode rn : array(n, "rewrites", "thanos.rewrites")) {
      List<Ulid> sources = new ArrayList<>();
      for (JsonNode s : array(rn, "sources", "thanos.rewrites[].sources")) {
        String v = textValue(s, "thanos.rewrites[].sources[]");
        if (!Ulid.isValid(v)) {
          throw new MetaFormatException("thanos.rewrites[].sources[]", "a ULID", v);
        }
        sources.add(Ulid.parse(v));
      }
      List<DeletionRequest> dels = new ArrayList<>();
      for (JsonNode dn : array(rn, "deletions_applied", "thanos.rewrites[].deletions_applied")) {
        List<Interval> ivs = new ArrayList<>();
        for (JsonNode iv :
            array(dn, "intervals", "thanos.rewrites[].deletions_applied[].intervals")) {
          ivs.add(
              new Interval(
                  integer(iv, "Mint", "intervals[].Mint"),
                  integer(iv, "Maxt", "intervals[].Maxt")));
        }
        dels.add(
            new DeletionRequest(
                dn.get("matchers"),
                ivs,
                text(dn, "request_id", "thanos.rewrites[].deletions_applied[].request_id")));
      }
      List<JsonNode> relabels = new ArrayList<>();
      for (JsonNode r : array(rn, "relabels_applied", "thanos.rewrites[].relabels_applied")) {
        relabels.add(r);
      }
      rewrites.add(new Rewrite(sources, dels, relabels));
    }
    IndexStats stats = IndexStats.EMPTY;
    JsonNode sn = n.get("index_stats");
    if (sn != null && !sn.isNull()) {
      stats =
          new IndexStats(
              integer(sn, "series_max_size", "thanos.index_stats.series_max_size"),
              integer(sn, "series_p90_size", "thanos.index_stats.series_p90_size"),
              integer(sn, "series_p99_size", "thanos.index_stats.series_p99_size"),
              integer(sn, "series_p999_size", "thanos.index_stats.series_p999_size"),
              integer(sn, "series_p99999_size", "thanos.index_stats.series_p99999_size"),
              integer(sn, "chunk_max_size", "thanos.index_stats.chunk_max_size"));
    }
    JsonNode ext = n.get("extensions");
    if (ext != null && ext.isNull()) {
      ext = null;
    }
    Instant uploadTime = null;
    JsonNode ut = n.get("upload_time");
    if (ut != null && !ut.isNull()) {
      uploadTime = parseTime(textValue(ut, "thanos.upload_time"));
    }
    return new ThanosMeta(
        version, labels, resolution, source, segmentFiles, files, rewrites, stats, ext, uploadTime);
  }

  private static long integer(JsonNode n, String field, String path) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return 0;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new MetaFormatException(path, "an integer", v.toString());
    }
    return v.longValue();
  }

  private static String text(JsonNode n, String field, String path) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return "";
    }
    return textValue(v, path);
  }

  private static String textValue(JsonNode v, String path) {
    if (!v.isTextual()) {
      throw new MetaFormatException(path, "a string", v.getNodeType().toString());
    }
    return v.textValue();
  }

  private static Iterable<JsonNode> array(JsonNode n, String field, String path) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new MetaFormatException(path, "an array", v.getNodeType().toString());
    }
    return v;
  }

  /** Parses an RFC 3339 time as Go's {@code time.Time} JSON decoding does; zero time gives null. */
  static Instant parseTime(String s) {
    try {
      Instant t = OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      return t.equals(GO_ZERO) ? null : t;
    } catch (DateTimeParseException e) {
      throw new MetaFormatException("thanos.upload_time", "an RFC 3339 time", s);
    }
  }

  private static final Instant GO_ZERO = Instant.parse(ZERO_TIME);

  /**
   * Formats as Go's {@code time.Time.MarshalJSON} for a UTC time (RFC 3339 with nanoseconds,
   * trailing zeros of the fraction trimmed); null is the Go zero time.
   */
  static String formatTime(Instant t) {
    if (t == null) {
      return ZERO_TIME;
    }
    OffsetDateTime d = t.atOffset(ZoneOffset.UTC);
    StringBuilder sb = new StringBuilder(35);
    pad(sb, d.getYear(), 4).append('-');
    pad(sb, d.getMonthValue(), 2).append('-');
    pad(sb, d.getDayOfMonth(), 2).append('T');
    pad(sb, d.getHour(), 2).append(':');
    pad(sb, d.getMinute(), 2).append(':');
    pad(sb, d.getSecond(), 2);
    int nanos = d.getNano();
    if (nanos != 0) {
      StringBuilder frac = new StringBuilder();
      pad(frac, nanos, 9);
      int end = frac.length();
      while (frac.charAt(end - 1) == '0') {
        end--;
      }
      sb.append('.').append(frac, 0, end);
    }
    return sb.append('Z').toString();
  }

  private static StringBuilder pad(StringBuilder sb, int v, int width) {
    String s = Integer.toString(v);
    for (int i = s.length(); i < width; i++) {
      sb.append('0');
    }
    return sb.append(s);
  }
}
