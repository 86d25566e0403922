package io.jthanos.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.server.example.ExampleCommand;
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/thanos against a source tree with one built component (the example) and one unbuilt. */
class LauncherTest {

  private record Run(int exit, String out) {}

  private static Run run(Path tree, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", tree.resolve("bin/thanos").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out);
  }

  /** A runnable jar whose manifest points at the test classpath and runs the example main. */
  private static void exampleJar(Path jar) throws Exception {
    StringBuilder cp = new StringBuilder();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      cp.append(Path.of(e).toAbsolutePath().toUri()).append(' ');
    }
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, ExampleCommand.class.getName());
    m.getMainAttributes().put(Attributes.Name.CLASS_PATH, cp.toString().trim());
    Files.createDirectories(jar.getParent());
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream j = new JarOutputStream(out, m)) {
      j.flush();
    }
  }

  @Test
  void listsRunsAndReportsVersion(@TempDir Path tree) throws Exception {
    Path repo = Path.of(System.getProperty("jthanos.repo.root"));
    Files.createDirectories(tree.resolve("bin"));
    Files.copy(
        repo.resolve("bin/thanos"), tree.resolve("bin/thanos"), StandardCopyOption.COPY_ATTRIBUTES);
    Files.writeString(tree.resolve("pom.xml"), "<project><version>9.9.9</version></project>\n");
    Files.createDirectories(tree.resolve("thanos-other"));
    Files.writeString(tree.resolve("thanos-other/pom.xml"), "<project/>\n");

    Run none = run(tree, "--version");
    assertThat(none.exit()).as(none.out()).isZero();
    assertThat(none.out()).contains("9.9.9").contains("no component built");

    Files.createDirectories(tree.resolve("thanos-example"));
    Files.writeString(tree.resolve("thanos-example/pom.xml"), "<project/>\n");
    exampleJar(tree.resolve("thanos-example/target/thanos-example-9.9.9-all.jar"));

    Run list = run(tree);
    assertThat(list.exit()).as(list.out()).isZero();
    assertThat(list.out())
        .contains("example          thanos-example/target/thanos-example-9.9.9-all.jar")
        .contains("other            (not built");

    Run version = run(tree, "--version");
    assertThat(version.exit()).as(version.out()).isZero();
    assertThat(version.out()).startsWith("thanos, version ").contains("platform:");

    Run help = run(tree, "example", "--help");
    assertThat(help.exit()).as(help.out()).isZero();
    assertThat(help.out()).contains("Usage: thanos example [<flags>]", "--http-address");

    Run badFlag = run(tree, "example", "--http-address");
    assertThat(badFlag.exit()).as(badFlag.out()).isEqualTo(2);

    Run unknown = run(tree, "nope");
    assertThat(unknown.exit()).as(unknown.out()).isEqualTo(2);
    assertThat(unknown.out()).contains("unknown component 'nope'");

    Run unbuilt = run(tree, "other");
    assertThat(unbuilt.exit()).as(unbuilt.out()).isEqualTo(1);
    assertThat(unbuilt.out()).contains("thanos-other is not built");
  }
}
