package io.jthanos.server.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import io.jthanos.config.ConfigException;
import io.jthanos.config.ConfigMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus file service discovery ({@code file_sd_configs}): files matching glob patterns, each a
 * JSON ({@code .json}) or YAML ({@code .yml}/{@code .yaml}) list of {@code {targets: [...], labels:
 * {...}}} groups. {@link #targets()} reads them all again; a file that cannot be read or parsed is
 * skipped with an error log, keeping its last good targets.
 */
public final class FileSd {
  private static final Logger LOG = LoggerFactory.getLogger(FileSd.class);

  private final List<String> patterns;
  private final java.util.Map<Path, List<String>> lastGood = new java.util.HashMap<>();

  public FileSd(List<String> patterns) {
    this.patterns = List.copyOf(patterns);
  }

  /** The files the patterns match now. */
  public List<Path> files() {
    List<Path> out = new ArrayList<>();
    for (String p : patterns) {
      Path pattern = Path.of(p);
      Path dir = pattern.getParent() == null ? Path.of(".") : pattern.getParent();
      String glob = pattern.getFileName().toString();
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
        for (Path f : ds) {
          if (Files.isRegularFile(f)) {
            out.add(f);
          }
        }
      } catch (IOException e) {
        LOG.atError().addKeyValue("pattern", p).setCause(e).log("listing file sd files failed");
      }
    }
    out.sort(null);
    return out;
  }

  /** Every target of every file, de-duplicated in file order. */
  public synchronized List<String> targets() {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (Path f : files()) {
      try {
        List<String> t = read(f);
        lastGood.put(f, t);
        out.addAll(t);
      } catch (IOException | ConfigException e) {
        LOG.atError()
            .addKeyValue("file", f.toString())
            .addKeyValue("err", e.getMessage())
            .log("reading file sd file failed");
        out.addAll(lastGood.getOrDefault(f, List.of()));
      }
    }
    return new ArrayList<>(out);
  }

  /** The targets of one file. */
  public static List<String> read(Path f) throws IOException {
    String text = Files.readString(f);
    String name = f.getFileName().toString();
    JsonNode root;
    if (name.endsWith(".json")) {
      root = ConfigMapper.json().readTree(text);
    } else if (name.endsWith(".yml") || name.endsWith(".yaml")) {
      root = text.isBlank() ? null : ConfigMapper.yaml().readTree(text);
    } else {
      throw new ConfigException("unknown file sd file extension: " + f, "store.sd-files");
    }
    List<String> out = new ArrayList<>();
    if (root == null || root.isNull() || root.isMissingNode()) {
      return out;
    }
    if (!root.isArray()) {
      throw new ConfigException(f + ": expected a list of target groups", "store.sd-files");
    }
    for (JsonNode group : root) {
      JsonNode targets = group.get("targets");
      if (targets == null || !targets.isArray()) {
        continue;
      }
      for (JsonNode t : targets) {
        if (!t.asText().isEmpty()) {
          out.add(t.asText());
        }
      }
    }
    return out;
  }
}
