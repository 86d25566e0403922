package io.jthanos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's file layout without Docker: the Dockerfile's COPY instructions applied to a directory
 * from the built jars, then the entrypoint ({@code /bin/thanos}, a link to the launcher) run from
 * there. It lists every component from lib/ and starts each one.
 */
class DockerImageLayoutIT {
  @TempDir Path root;

  @Test
  void entrypointFindsEveryComponentJarInTheImageLayout() throws Exception {
    List<String> components = new ArrayList<>();
    for (List<String> copy : DockerFilesTest.copies()) {
      String dest = copy.get(copy.size() - 1);
      for (String src : copy.subList(0, copy.size() - 1)) {
        List<Path> matches = glob(DockerFilesTest.REPO, src);
        assertThat(matches).as("COPY source " + src + " (build the jars first)").isNotEmpty();
        for (Path m : matches) {
          Path to =
              dest.endsWith("/")
                  ? root.resolve(dest.substring(1)).resolve(m.getFileName().toString())
                  : root.resolve(dest.substring(1));
          Files.createDirectories(to.getParent());
          Files.copy(m, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
        if (src.endsWith("-all.jar")) {
          components.add(src.substring("thanos-".length(), src.indexOf('/')));
        }
      }
    }
    Path entrypoint = root.resolve("bin/thanos");
    Files.createDirectories(entrypoint.getParent());
    Files.createSymbolicLink(entrypoint, root.resolve("opt/jthanos/bin/thanos"));

    String list = run(entrypoint.toString());
    for (String c : components) {
      assertThat(list).containsPattern("(?m)^  " + c + " +lib/thanos-" + c + "-[^ ]+-all\\.jar$");
    }
    for (String c : components) {
      assertThat(run(entrypoint.toString(), c, "--version")).contains("version");
    }
  }

  private String run(String... cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + ":\n" + out).isZero();
    return out;
  }

  /** Files matching a COPY source pattern ('*' within one segment) under {@code base}. */
  private static List<Path> glob(Path base, String pattern) throws IOException {
    List<Path> current = List.of(base);
    for (String seg : pattern.split("/")) {
      List<Path> next = new ArrayList<>();
      for (Path dir : current) {
        if (!Files.isDirectory(dir)) {
          continue;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, seg)) {
          ds.forEach(next::add);
        }
      }
      current = next;
    }
    return current;
  }
}
