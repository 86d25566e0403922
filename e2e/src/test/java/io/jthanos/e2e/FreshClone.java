package io.jthanos.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A fresh clone of the checkout: the files git would check out (tracked files as they are in the
 * working tree, plus new files not ignored), without build output or data, and then the built
 * runnable jars copied in, so that the quickstart in the clone finds them up to date and builds
 * nothing. Maven's local repository (~/.m2) is shared as it is.
 */
final class FreshClone {
  private FreshClone() {}

  static Path repoRoot() {
    String root = System.getProperty("jthanos.repo.root");
    if (root == null || root.isBlank()) {
      throw new IllegalStateException(
          "system property jthanos.repo.root is not set (run via Maven)");
    }
    return Path.of(root).toAbsolutePath().normalize();
  }

  /** Copies the checkout at {@code repo} to {@code dest} and the jars of {@code components}. */
  static void create(Path repo, Path dest, List<String> components) throws IOException {
    for (String rel : gitFiles(repo)) {
      Path src = repo.resolve(rel);
      if (!Files.isRegularFile(src)) {
        continue; // deleted in the working tree
      }
      Path to = dest.resolve(rel);
      Files.createDirectories(to.getParent());
      Files.copy(src, to, StandardCopyOption.COPY_ATTRIBUTES);
    }
    // Built after the sources were copied: newer than every source, so not rebuilt.
    FileTime now = FileTime.from(Instant.now().plusSeconds(5));
    for (String c : components) {
      Path jar = jar(repo, c);
      Path to = dest.resolve(repo.relativize(jar));
      Files.createDirectories(to.getParent());
      Files.copy(jar, to);
      Files.setLastModifiedTime(to, now);
    }
  }

  /** The newest {@code thanos-<c>/target/thanos-<c>-*-all.jar}. */
  static Path jar(Path repo, String component) throws IOException {
    Path target = repo.resolve("thanos-" + component).resolve("target");
    Path newest = null;
    if (Files.isDirectory(target)) {
      try (DirectoryStream<Path> ds =
          Files.newDirectoryStream(target, "thanos-" + component + "-*-all.jar")) {
        for (Path p : ds) {
          if (newest == null
              || Files.getLastModifiedTime(p).compareTo(Files.getLastModifiedTime(newest)) > 0) {
            newest = p;
          }
        }
      }
    }
    if (newest == null) {
      throw new IllegalStateException(
          "no runnable jar in " + target + ": build it first (./mvnw -pl e2e -am verify does)");
    }
    return newest;
  }

  private static List<String> gitFiles(Path repo) throws IOException {
    Process p =
        new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
            .directory(repo.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    try {
      if (p.waitFor() != 0) {
        throw new IOException("git ls-files failed in " + repo);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    List<String> files = new ArrayList<>();
    for (String s : new String(out, StandardCharsets.UTF_8).split("\0")) {
      if (!s.isEmpty()) {
        files.add(s);
      }
    }
    if (files.isEmpty()) {
      throw new UncheckedIOException(new IOException("git lists no files in " + repo));
    }
    return files;
  }
}
