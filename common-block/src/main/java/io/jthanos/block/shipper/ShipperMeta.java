package io.jthanos.block.shipper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jthanos.block.metadata.Meta;
import io.jthanos.tsdb.block.Ulid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shipper's local state file ({@code thanos.shipper.json} in the TSDB directory, spec 4.5):
 * {@code {"version": 1, "uploaded": [ULID, ...]}}, written exactly as Thanos' Go encoder writes it
 * (tab indentation, trailing newline, {@code null} for an empty list) because recent Prometheus
 * versions read it too ({@code --storage.tsdb.delay-compact-file.path}).
 *
 * @param version always {@link #VERSION_1} when written
 * @param uploaded blocks known to be in the bucket, in the order they were recorded
 */
public record ShipperMeta(int version, List<Ulid> uploaded) {
  /** Default file name ({@code --shipper.meta-file-name}). */
  public static final String DEFAULT_FILE_NAME = "thanos.shipper.json";

  public static final int VERSION_1 = 1;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  public ShipperMeta {
    uploaded = uploaded == null ? List.of() : List.copyOf(uploaded);
  }

  public static ShipperMeta of(List<Ulid> uploaded) {
    return new ShipperMeta(VERSION_1, uploaded);
  }

  /** The file's text as Thanos writes it. */
  public String toJson() {
    StringBuilder sb = new StringBuilder("{\n\t\"version\": ").append(version).append(",\n");
    if (uploaded.isEmpty()) {
      sb.append("\t\"uploaded\": null\n");
    } else {
      sb.append("\t\"uploaded\": [\n");
      for (int i = 0; i < uploaded.size(); i++) {
        sb.append("\t\t\"").append(uploaded.get(i)).append('"');
        sb.append(i < uploaded.size() - 1 ? ",\n" : "\n");
      }
      sb.append("\t]\n");
    }
    return sb.append("}\n").toString();
  }

  /**
   * Parses the file's bytes. {@code file} is used in messages.
   *
   * @throws ShipperMetaException when the bytes are not such a file or its version is not 1
   */
  public static ShipperMeta parse(Path file, byte[] json) throws ShipperMetaException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ShipperMetaException(
          "failed to parse " + file + " as JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ShipperMetaException("failed to read " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ShipperMetaException("failed to parse " + file + " as JSON: not an object");
    }
    JsonNode v = root.get("version");
    int version = v != null && v.isIntegralNumber() ? v.asInt() : 0;
    if (version != VERSION_1) {
      throw new ShipperMetaException("unexpected meta file version " + version);
    }
    JsonNode list = root.get("uploaded");
    List<Ulid> ids = new ArrayList<>();
    if (list != null && !list.isNull()) {
      if (!list.isArray()) {
        throw new ShipperMetaException(
            "failed to parse " + file + " as JSON: \"uploaded\" is not a list");
      }
      for (JsonNode n : list) {
        if (!n.isTextual() || !Ulid.isValid(n.asText())) {
          throw new ShipperMetaException(
              "failed to parse " + file + " as JSON: invalid block id " + n);
        }
        ids.add(Ulid.parse(n.asText()));
      }
    }
    return new ShipperMeta(version, ids);
  }

  /**
   * Reads {@code <dir>/<fileName>}.
   *
   * @throws java.nio.file.NoSuchFileException when there is none
   * @throws ShipperMetaException when it cannot be decoded
   */
  public static ShipperMeta read(Path dir, String fileName) throws IOException {
    Path p = dir.resolve(fileName);
    return parse(p, Files.readAllBytes(p));
  }

  /** Writes {@code <dir>/<fileName>} atomically (temporary file, fsync, rename, fsync dir). */
  public void write(Path dir, String fileName) throws IOException {
    Meta.writeAtomically(dir.resolve(fileName), toJson().getBytes(StandardCharsets.UTF_8));
  }

  /** The file could not be decoded. */
  public static final class ShipperMetaException extends IOException {
    public ShipperMetaException(String message) {
      super(message);
    }

    public ShipperMetaException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
