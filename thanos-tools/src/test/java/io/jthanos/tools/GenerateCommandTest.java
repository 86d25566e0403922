package io.jthanos.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.block.fetcher.FetchResult;
import io.jthanos.block.fetcher.MetaFetcher;
import io.jthanos.block.generator.GeneratorConfig;
import io.jthanos.block.metadata.HashFunc;
import io.jthanos.block.metadata.Meta;
import io.jthanos.objstore.filesystem.FilesystemBucket;
import io.jthanos.server.ComponentMain;
import io.jthanos.server.docs.ComponentDocs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GenerateCommandTest {
  @TempDir Path tmp;

  @Test
  void docsMatchHelp() {
    ComponentDocs.assertUpToDate(
        new ToolsCommand(), ComponentDocs.page("tools"), GenerateCommand.commands());
  }

  @Test
  void helpSaysItIsNotAThanosCommandAndTheTreeNeedsASubcommand() {
    String help = ComponentDocs.help(new ToolsCommand(), "bucket generate");
    assertThat(help)
        .startsWith("Usage: thanos tools bucket generate [<flags>]")
        .contains("Not a Thanos command")
        .contains("--series=<n>")
        .contains("--objstore.config-file=<file-path>");
    assertThat(ComponentDocs.help(new ToolsCommand(), ""))
        .contains("bucket")
        .contains("Tools utility commands.");
    for (String[] args : new String[][] {{}, {"bucket"}}) {
      CommandLine cl = ComponentMain.commandTree(new ToolsCommand());
      StringWriter err = new StringWriter();
      cl.setErr(new PrintWriter(err));
      assertThat(cl.execute(args)).isEqualTo(2);
      assertThat(err.toString()).contains("Missing required subcommand");
    }
  }

  static int run(String... args) {
    return ComponentMain.executeTree(new ToolsCommand(), args);
  }

  static String fs(Path dir) {
    return "--objstore.config=type: FILESYSTEM\nconfig:\n  directory: " + dir + "\n";
  }

  static Map<String, byte[]> files(Path root) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        String rel = root.relativize(p).toString();
        if (!rel.startsWith(".")) {
          out.put(rel, Files.readAllBytes(p));
        }
      }
    }
    return out;
  }

  @Test
  void generatesIntoABucketByteIdenticallyForTheSameFlags() throws Exception {
    String[] common = {
      "bucket",
      "generate",
      "--series=102",
      "--days=1",
      "--interval=30s",
      "--churn=1",
      "--seed=5",
      "--end=2024-03-10T00:00:00Z",
      "--label=cluster=\"c1\"",
      "--label=replica=\"r0\"",
      "--hash-func=SHA256",
      "--work-dir=" + tmp.resolve("work")
    };
    for (String b : new String[] {"a", "b"}) {
      String[] args = java.util.Arrays.copyOf(common, common.length + 1);
      args[common.length] = fs(tmp.resolve(b));
      assertThat(run(args)).isZero();
    }
    Map<String, byte[]> a = files(tmp.resolve("a"));
    Map<String, byte[]> b = files(tmp.resolve("b"));
    assertThat(a.keySet()).isEqualTo(b.keySet()).hasSizeGreaterThanOrEqualTo(12 * 3);
    a.forEach((k, v) -> assertThat(b.get(k)).as(k).isEqualTo(v));
    try (FilesystemBucket bkt = new FilesystemBucket(tmp.resolve("a"))) {
      FetchResult r = MetaFetcher.builder(bkt).build().fetch();
      assertThat(r.metas()).hasSize(12);
      for (Meta m : r.metas().values()) {
        assertThat(m.labels()).isEqualTo(Map.of("cluster", "c1", "replica", "r0"));
        assertThat(m.thanos().files())
            .allMatch(f -> f.relPath().equals("meta.json") || f.hash().func() == HashFunc.SHA256);
        assertThat(m.maxTime()).isLessThanOrEqualTo(1710028800000L);
      }
    }
  }

  @Test
  void cacheDirKeepsTheDatasetAndCopiesIt() throws Exception {
    Path cache = tmp.resolve("cache");
    String[] args = {
      "bucket",
      "generate",
      "--series=34",
      "--days=1",
      "--seed=9",
      "--end=2024-03-10T00:00:00Z",
      "--cache-dir=" + cache
    };
    assertThat(run(args)).isZero();
    try (Stream<Path> s = Files.list(cache)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList())
          .singleElement()
          .asString()
          .startsWith("v" + GeneratorConfig.VERSION + "-s9-34x1d-15s-");
    }
    String[] copy = java.util.Arrays.copyOf(args, args.length + 1);
    copy[args.length] = fs(tmp.resolve("target"));
    assertThat(run(copy)).isZero();
    assertThat(files(tmp.resolve("target")).keySet()).anyMatch(k -> k.endsWith("/meta.json"));
  }

  @Test
  void badFlagsExitNonZero() {
    PrintStream err = System.err;
    System.setErr(new PrintStream(new ByteArrayOutputStream()));
    try {
      assertThat(run("bucket", "generate", "--layout=sideways", fs(tmp.resolve("x")))).isEqualTo(1);
      assertThat(run("bucket", "generate", "--series=10")).isEqualTo(1);
      assertThat(run("bucket", "generate", "--label=bad", fs(tmp.resolve("x")))).isEqualTo(1);
      assertThat(run("bucket", "generate", "--series=lots")).isEqualTo(2);
    } finally {
      System.setErr(err);
    }
  }
}
