package io.jthanos.block.metadata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.Ulid;
import java.io.IOException;

/** The marker kinds, with their file names and JSON decoding. */
public enum MarkerType {
  DELETION("deletion-mark.json"),
  NO_COMPACT("no-compact-mark.json"),
  NO_DOWNSAMPLE("no-downsample-mark.json");

  private final String fileName;

  MarkerType(String fileName) {
    this.fileName = fileName;
  }

  public String fileName() {
    return fileName;
  }

  /** The object name of this marker for a block: {@code <ulid>/<file>}. */
  public String objectName(Ulid id) {
    return id + "/" + fileName;
  }

  /** The type whose file name is {@code name} (e.g. a {@code --marker} flag value). */
  public static MarkerType ofFileName(String name) {
    for (MarkerType t : values()) {
      if (t.fileName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown marker \""
            + name
            + "\" (valid: deletion-mark.json, no-compact-mark.json, no-downsample-mark.json)");
  }

  /**
   * Decodes marker JSON as Go's {@code json.Unmarshal} does (unknown keys ignored, absent keys
   * zero), then checks the version.
   *
   * @throws MarkerFormatException when the content is not a marker (a partial upload, say)
   * @throws MarkerVersionException when the version is not 1
   */
  public Marker parse(String objectName, byte[] json) {
    JsonNode n;
    try {
      n = BlockMeta.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new MarkerFormatException(objectName, e.getOriginalMessage());
    } catch (IOException e) {
      throw new MarkerFormatException(objectName, e.toString());
    }
    if (n == null || !n.isObject()) {
      throw new MarkerFormatException(objectName, "not a JSON object");
    }
    Ulid id = Ulid.of(0, 0, 0);
    JsonNode idn = n.get("id");
    if (idn != null && !idn.isNull()) {
      if (!idn.isTextual() || !Ulid.isValid(idn.textValue())) {
        throw new MarkerFormatException(objectName, "id is not a ULID: " + idn);
      }
      id = Ulid.parse(idn.textValue());
    }
    int version = (int) integer(objectName, n, "version");
    String details = text(objectName, n, "details");
    Marker m =
        switch (this) {
          case DELETION ->
              new DeletionMark(id, version, details, integer(objectName, n, "deletion_time"));
          case NO_COMPACT ->
              new NoCompactMark(
                  id,
                  version,
                  details,
                  integer(objectName, n, "no_compact_time"),
                  text(objectName, n, "reason"));
          case NO_DOWNSAMPLE ->
              new NoDownsampleMark(
                  id,
                  version,
                  details,
                  integer(objectName, n, "no_downsample_time"),
                  text(objectName, n, "reason"));
        };
    if (version != Marker.VERSION_1) {
      throw new MarkerVersionException(objectName, version);
    }
    return m;
  }

  private static long integer(String name, JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return 0;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new MarkerFormatException(name, field + " is not an integer: " + v);
    }
    return v.longValue();
  }

  private static String text(String name, JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return "";
    }
    if (!v.isTextual()) {
      throw new MarkerFormatException(name, field + " is not a string: " + v);
    }
    return v.textValue();
  }
}
