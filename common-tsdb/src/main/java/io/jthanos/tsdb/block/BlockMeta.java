package io.jthanos.tsdb.block;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jthanos.tsdb.encoding.CorruptBlockException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A block's {@code meta.json}: every Prometheus field ({@code ulid}, {@code minTime}, {@code
 * maxTime} exclusive, {@code stats}, {@code compaction}, {@code version}) plus any other top-level
 * sections, kept as JSON trees in their original order ({@link #extensions()}) so they round-trip
 * unchanged. Thanos' {@code thanos} section is one of them; the block layer reads and replaces it
 * with {@link #extension(String)} / {@link #withExtension(String, JsonNode)}.
 */
public record BlockMeta(
    Ulid ulid,
    long minTime,
    long maxTime,
    BlockStats stats,
    BlockCompaction compaction,
    int version,
    Map<String, JsonNode> extensions) {

  public static final String FILE_NAME = "meta.json";
  public static final int VERSION = 1;
  private static final Set<String> KNOWN =
      Set.of("ulid", "minTime", "maxTime", "stats", "compaction", "version");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  public BlockMeta {
    stats = stats == null ? BlockStats.EMPTY : stats;
    extensions =
        extensions == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
  }

  /** The mapper used for meta.json; extensions can be converted with it. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** A top-level section other than the Prometheus fields, e.g. {@code "thanos"}. */
  public Optional<JsonNode> extension(String key) {
    return Optional.ofNullable(extensions.get(key));
  }

  /** A copy with the section set (replacing any previous one, keeping its position). */
  public BlockMeta withExtension(String key, JsonNode value) {
    if (KNOWN.contains(key)) {
      throw new IllegalArgumentException("not an extension key: " + key);
    }
    Map<String, JsonNode> m = new LinkedHashMap<>(extensions);
    m.put(key, value);
    return new BlockMeta(ulid, minTime, maxTime, stats, compaction, version, m);
  }

  public BlockMeta withoutExtension(String key) {
    Map<String, JsonNode> m = new LinkedHashMap<>(extensions);
    m.remove(key);
    return new BlockMeta(ulid, minTime, maxTime, stats, compaction, version, m);
  }

  public BlockMeta withStats(BlockStats s) {
    return new BlockMeta(ulid, minTime, maxTime, s, compaction, version, extensions);
  }

  public BlockMeta withCompaction(BlockCompaction c) {
    return new BlockMeta(ulid, minTime, maxTime, stats, c, version, extensions);
  }

  // ------------------------------------------------------------------ JSON

  /** Reads {@code <blockDir>/meta.json}. */
  public static BlockMeta read(Path blockDir) {
    Path p = blockDir.resolve(FILE_NAME);
    byte[] b;
    try {
      b = Files.readAllBytes(p);
    } catch (NoSuchFileException e) {
      throw new CorruptBlockException(p, 0, "meta.json missing", "a file", "none", e);
    } catch (IOException e) {
      throw new UncheckedIOException("read " + p, e);
    }
    return parse(p, b);
  }

  /** Parses meta.json bytes; {@code name} is used in errors. */
  public static BlockMeta parse(Path name, byte[] json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      long off = loc == null ? 0 : Math.max(0, loc.getByteOffset());
      throw new CorruptBlockException(
          name, off, "invalid meta.json", "a JSON object", e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("parse " + name, e);
    }
    if (root == null || !root.isObject()) {
      throw new CorruptBlockException(
          name,
          0,
          "invalid meta.json",
          "a JSON object",
          root == null ? "empty" : root.getNodeType());
    }
    Ulid ulid;
    try {
      ulid = Ulid.parse(text(name, root, "ulid"));
    } catch (IllegalArgumentException e) {
      throw new CorruptBlockException(
          name, 0, "invalid meta.json ulid", "a ULID", e.getMessage(), e);
    }
    long minTime = integer(name, root, "minTime", true);
    long maxTime = integer(name, root, "maxTime", true);
    if (maxTime < minTime) {
      throw new CorruptBlockException(
          name, 0, "meta.json maxTime before minTime", ">= " + minTime, maxTime);
    }
    int version = (int) integer(name, root, "version", true);
    if (version != VERSION) {
      throw new CorruptBlockException(name, 0, "unexpected meta.json version", VERSION, version);
    }
    BlockStats stats = BlockStats.EMPTY;
    JsonNode s = root.get("stats");
    if (s != null && !s.isNull()) {
      stats =
          new BlockStats(
              integer(name, s, "numSamples", false),
              integer(name, s, "numFloatSamples", false),
              integer(name, s, "numHistogramSamples", false),
              integer(name, s, "numSeries", false),
              integer(name, s, "numChunks", false),
              integer(name, s, "numTombstones", false));
    }
    BlockCompaction comp = new BlockCompaction(0, List.of(), false, List.of(), false, List.of());
    JsonNode c = root.get("compaction");
    if (c != null && !c.isNull()) {
      List<Ulid> sources = new ArrayList<>();
      for (JsonNode u : array(name, c, "sources")) {
        sources.add(ulidOf(name, u));
      }
      List<BlockDesc> parents = new ArrayList<>();
      for (JsonNode pn : array(name, c, "parents")) {
        parents.add(
            new BlockDesc(
                ulidOf(name, pn.get("ulid")),
                integer(name, pn, "minTime", false),
                integer(name, pn, "maxTime", false)));
      }
      List<String> hints = new ArrayList<>();
      for (JsonNode h : array(name, c, "hints")) {
        hints.add(h.asText());
      }
      comp =
          new BlockCompaction(
              (int) integer(name, c, "level", false),
              sources,
              bool(c, "deletable"),
              parents,
              bool(c, "failed"),
              hints);
    }
    Map<String, JsonNode> ext = new LinkedHashMap<>();
    root.properties()
        .forEach(
            e -> {
              if (!KNOWN.contains(e.getKey())) {
                ext.put(e.getKey(), e.getValue());
              }
            });
    return new BlockMeta(ulid, minTime, maxTime, stats, comp, version, ext);
  }

  private static String text(Path name, JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new CorruptBlockException(
          name, 0, "meta.json field " + field, "a string", v == null ? "missing" : v.getNodeType());
    }
    return v.textValue();
  }

  private static long integer(Path name, JsonNode n, String field, boolean required) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new CorruptBlockException(
            name, 0, "meta.json field " + field, "an integer", "missing");
      }
      return 0;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new CorruptBlockException(
          name, 0, "meta.json field " + field, "an integer", v.toString());
    }
    return v.longValue();
  }

  private static boolean bool(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v != null && v.asBoolean(false);
  }

  private static Iterable<JsonNode> array(Path name, JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new CorruptBlockException(
          name, 0, "meta.json field " + field, "an array", v.getNodeType());
    }
    return v;
  }

  private static Ulid ulidOf(Path name, JsonNode n) {
    if (n == null || !n.isTextual() || !Ulid.isValid(n.textValue())) {
      throw new CorruptBlockException(
          name, 0, "meta.json ulid entry", "a ULID", n == null ? "missing" : n.toString());
    }
    return Ulid.parse(n.textValue());
  }

  /** The JSON tree in Prometheus' field order (Go {@code omitempty} rules), then extensions. */
  public ObjectNode toJsonTree() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("ulid", ulid.toString());
    root.put("minTime", minTime);
    root.put("maxTime", maxTime);
    ObjectNode s = root.putObject("stats");
    putNonZero(s, "numSamples", stats.numSamples());
    putNonZero(s, "numFloatSamples", stats.numFloatSamples());
    putNonZero(s, "numHistogramSamples", stats.numHistogramSamples());
    putNonZero(s, "numSeries", stats.numSeries());
    putNonZero(s, "numChunks", stats.numChunks());
    putNonZero(s, "numTombstones", stats.numTombstones());
    ObjectNode c = root.putObject("compaction");
    c.put("level", compaction.level());
    if (!compaction.sources().isEmpty()) {
      ArrayNode a = c.putArray("sources");
      compaction.sources().forEach(u -> a.add(u.toString()));
    }
    if (compaction.deletable()) {
      c.put("deletable", true);
    }
    if (!compaction.parents().isEmpty()) {
      ArrayNode a = c.putArray("parents");
      for (BlockDesc d : compaction.parents()) {
        ObjectNode o = a.addObject();
        o.put("ulid", d.ulid().toString());
        o.put("minTime", d.minTime());
        o.put("maxTime", d.maxTime());
      }
    }
    if (compaction.failed()) {
      c.put("failed", true);
    }
    if (!compaction.hints().isEmpty()) {
      ArrayNode a = c.putArray("hints");
      compaction.hints().forEach(a::add);
    }
    root.put("version", version);
    extensions.forEach(root::set);
    return root;
  }

  private static void putNonZero(ObjectNode o, String k, long v) {
    if (v != 0) {
      o.put(k, v);
    }
  }

  /** meta.json text, formatted as Go's {@code json.MarshalIndent(meta, "", "\t")}. */
  public String toJson() {
    return GoJson.marshalIndent(toJsonTree());
  }

  /**
   * Writes {@code <blockDir>/meta.json} through {@code meta.json.tmp}, fsync and atomic rename,
   * then fsyncs the directory.
   */
  public void write(Path blockDir) throws IOException {
    Path tmp = blockDir.resolve(FILE_NAME + ".tmp");
    Files.deleteIfExists(tmp);
    try (FileChannel ch =
        FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(toJson().getBytes(StandardCharsets.UTF_8));
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
    BlockFiles.fsyncDir(blockDir);
  }
}
