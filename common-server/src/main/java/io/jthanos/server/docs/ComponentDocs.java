package io.jthanos.server.docs;

import io.jthanos.server.ComponentCommand;
import io.jthanos.server.ComponentMain;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Keeps {@code docs/components/<name>.md} in step with the component's {@code --help}: the flags
 * block between {@value #BEGIN} and {@value #END} is generated; the rest of the page is prose. Each
 * component has one test:
 *
 * <pre>{@code
 * @Test void docsMatchHelp() { ComponentDocs.assertUpToDate(new SidecarCommand()); }
 * }</pre>
 *
 * It fails when the page drifts from {@code --help}; run the test with {@code -Ddocs.update=true}
 * to rewrite the block (or create the page).
 */
public final class ComponentDocs {
  public static final String BEGIN = "<!-- flags: generated from --help, do not edit -->";
  public static final String END = "<!-- end of generated flags -->";

  private ComponentDocs() {}

  /** The {@code --help} text, exactly as the component prints it (fixed width, no colours). */
  public static String help(ComponentCommand command) {
    CommandLine cl = ComponentMain.commandLine(command);
    cl.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
    StringWriter out = new StringWriter();
    cl.usage(new PrintWriter(out), CommandLine.Help.Ansi.OFF);
    return out.toString().replace("\r\n", "\n").stripTrailing() + "\n";
  }

  /** The generated block (markers included). */
  public static String block(ComponentCommand command) {
    return BEGIN
        + "\n```text\n$ thanos "
        + name(command)
        + " --help\n"
        + help(command)
        + "```\n"
        + END;
  }

  private static String name(ComponentCommand command) {
    return new CommandLine(command).getCommandName();
  }

  /** The page under {@code docs/components/} of the repository the tests run in. */
  public static Path defaultPage(ComponentCommand command) {
    String root = System.getProperty("jthanos.repo.root");
    if (root == null || root.isEmpty()) {
      throw new IllegalStateException("system property jthanos.repo.root is not set");
    }
    return Path.of(root, "docs", "components", name(command) + ".md");
  }

  public static void assertUpToDate(ComponentCommand command) {
    assertUpToDate(command, defaultPage(command));
  }

  /**
   * Fails (AssertionError) when {@code page}'s flags block differs from the generated one; with
   * {@code -Ddocs.update=true} writes it instead.
   */
  public static void assertUpToDate(ComponentCommand command, Path page) {
    String block = block(command);
    boolean update = Boolean.getBoolean("docs.update");
    try {
      String current = Files.exists(page) ? Files.readString(page) : null;
      String expected;
      if (current == null) {
        expected =
            "# thanos "
                + name(command)
                + "\n\n"
                + String.join(
                    " ", new CommandLine(command).getCommandSpec().usageMessage().description())
                + "\n\n## Flags\n\n"
                + block
                + "\n";
      } else {
        int b = current.indexOf(BEGIN);
        int e = current.indexOf(END);
        if (b < 0 || e < b) {
          expected = current.stripTrailing() + "\n\n## Flags\n\n" + block + "\n";
        } else {
          expected = current.substring(0, b) + block + current.substring(e + END.length());
        }
      }
      if (expected.equals(current)) {
        return;
      }
      if (update) {
        Files.createDirectories(page.getParent());
        Files.writeString(page, expected);
        return;
      }
      throw new AssertionError(
          page
              + " does not match `thanos "
              + name(command)
              + " --help`; regenerate it by running this test with -Ddocs.update=true\n"
              + "expected flags block:\n"
              + block);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------ command trees

  /**
   * The {@code --help} text of one command of a tree, e.g. {@code help(new ToolsCommand(), "bucket
   * generate")} for {@code thanos tools bucket generate --help}.
   */
  public static String help(Object root, String subcommandPath) {
    CommandLine cl = ComponentMain.commandTree(root);
    cl.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
    CommandLine target = cl;
    for (String name : subcommandPath.trim().split("\\s+")) {
      if (name.isEmpty()) {
        continue;
      }
      target = target.getSubcommands().get(name);
      if (target == null) {
        throw new IllegalArgumentException("no subcommand \"" + subcommandPath + "\"");
      }
    }
    StringWriter out = new StringWriter();
    target.usage(new PrintWriter(out), CommandLine.Help.Ansi.OFF);
    return out.toString().replace("\r\n", "\n").stripTrailing() + "\n";
  }

  /** The page {@code docs/components/<name>.md} of the repository the tests run in. */
  public static Path page(String name) {
    String root = System.getProperty("jthanos.repo.root");
    if (root == null || root.isEmpty()) {
      throw new IllegalStateException("system property jthanos.repo.root is not set");
    }
    return Path.of(root, "docs", "components", name + ".md");
  }

  /**
   * Like {@link #assertUpToDate(ComponentCommand, Path)} for a command tree: one generated block
   * per listed command ({@code ""} is the root, {@code "bucket generate"} a leaf), each between its
   * own markers; a command without a block gets a new section at the end of the page.
   */
  public static void assertUpToDate(Object root, Path page, java.util.List<String> commands) {
    boolean update = Boolean.getBoolean("docs.update");
    String rootName = new CommandLine(root).getCommandName();
    try {
      String current = Files.exists(page) ? Files.readString(page) : null;
      String expected =
          current != null
              ? current
              : "# thanos "
                  + rootName
                  + "\n\n"
                  + String.join(
                      " ", new CommandLine(root).getCommandSpec().usageMessage().description())
                  + "\n";
      for (String path : commands) {
        String qualified = (rootName + " " + path).trim();
        String begin =
            "<!-- flags of thanos " + qualified + ": generated from --help, do not edit -->";
        String end = "<!-- end of generated flags of thanos " + qualified + " -->";
        String block =
            begin
                + "\n```text\n$ thanos "
                + qualified
                + " --help\n"
                + help(root, path)
                + "```\n"
                + end;
        int b = expected.indexOf(begin);
        int e = expected.indexOf(end);
        if (b < 0 || e < b) {
          expected =
              expected.stripTrailing() + "\n\n## `thanos " + qualified + "`\n\n" + block + "\n";
        } else {
          expected = expected.substring(0, b) + block + expected.substring(e + end.length());
        }
      }
      if (expected.equals(current)) {
        return;
      }
      if (update) {
        Files.createDirectories(page.getParent());
        Files.writeString(page, expected);
        return;
      }
      throw new AssertionError(
          page
              + " does not match the --help of `thanos "
              + rootName
              + "` commands "
              + commands
              + "; regenerate it by running this test with -Ddocs.update=true");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
