package io.jthanos.benchmarks.tsdb;

import io.jthanos.tsdb.block.BlockFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Scratch directories for benchmarks: under {@code -Djthanos.bench.dir} or the temp dir. */
final class BenchDirs {
  private BenchDirs() {}

  static Path root() {
    String d = System.getProperty("jthanos.bench.dir", System.getProperty("java.io.tmpdir"));
    return Path.of(d);
  }

  static Path fresh(String prefix) {
    try {
      Files.createDirectories(root());
      return Files.createTempDirectory(root(), prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void delete(Path p) {
    try {
      BlockFiles.deleteRecursively(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
