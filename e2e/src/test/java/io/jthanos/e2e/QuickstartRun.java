package io.jthanos.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One {@code ./quickstart.sh} process in a checkout, with its output captured to a file. Processes
 * of the stack are found by their command line, which always names the checkout (component jars,
 * configs and data directories are under it).
 */
final class QuickstartRun implements AutoCloseable {
  private static final Optional<Path> PERL = onPath("perl");
  private final Path checkout;
  private final Process process;
  private final Path log;

  private QuickstartRun(Path checkout, Process process, Path log) {
    this.checkout = checkout;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code bash quickstart.sh args...} in {@code checkout} with {@code env} added. */
  static QuickstartRun start(Path checkout, Map<String, String> env, Path log, String... args) {
    List<String> cmd = new ArrayList<>();
    if (PERL.isPresent()) {
      // A shell starts a background job with SIGINT ignored and a child keeps that (this JVM's
      // too, when the build runs in the background): bash cannot trap a signal ignored at its
      // start, so the script would not see the Ctrl-C. Start it as a terminal would, with the
      // default disposition.
      cmd.addAll(List.of(PERL.get().toString(), "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die"));
    }
    cmd.addAll(List.of("bash", checkout.resolve("quickstart.sh").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(checkout.toFile());
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().putAll(env);
    try {
      return new QuickstartRun(checkout, pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException("starting " + cmd, e);
    }
  }

  /** Runs {@code ./quickstart.sh args...} to completion. */
  static Result run(Path checkout, Map<String, String> env, Path log, String... args) {
    try (QuickstartRun r = start(checkout, env, log, args)) {
      int code = r.awaitExit(Duration.ofSeconds(120));
      return new Result(code, r.output());
    }
  }

  record Result(int code, String output) {}

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "<cannot read " + log + ": " + e + ">";
    }
  }

  /** Waits until the output matches {@code regex}; fails with the output if the script exits. */
  void awaitOutput(String regex, Duration timeout) {
    Pattern p = Pattern.compile(regex, Pattern.MULTILINE);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!p.matcher(output()).find()) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "quickstart exited with "
                + process.exitValue()
                + " before /"
                + regex
                + "/:\n"
                + dump());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no /" + regex + "/ after " + timeout + ":\n" + dump());
      }
      pause();
    }
  }

  int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("quickstart still running after " + timeout + ":\n" + dump());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    return process.exitValue();
  }

  /** Sends a signal to the script, as a terminal does on Ctrl-C ({@code INT}). */
  void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
      if (kill.waitFor() != 0) {
        throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The output and the last lines of every log under data/logs/, for failure messages. */
  String dump() {
    StringBuilder sb = new StringBuilder(output());
    Path logs = checkout.resolve("data/logs");
    if (Files.isDirectory(logs)) {
      try (Stream<Path> files = Files.list(logs)) {
        for (Path f : files.sorted().toList()) {
          List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
          sb.append("\n--- ").append(f.getFileName()).append(" (last 30 lines) ---\n");
          lines
              .subList(Math.max(0, lines.size() - 30), lines.size())
              .forEach(l -> sb.append(l).append('\n'));
        }
      } catch (IOException e) {
        sb.append("\n<cannot read logs: ").append(e).append('>');
      }
    }
    return sb.toString();
  }

  /** Pid files under data/run: name to pid. */
  Map<String, Long> pidFiles() {
    return pidFiles(checkout);
  }

  static Map<String, Long> pidFiles(Path checkout) {
    Map<String, Long> out = new HashMap<>();
    Path run = checkout.resolve("data/run");
    if (!Files.isDirectory(run)) {
      return out;
    }
    try (Stream<Path> files = Files.list(run)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
        String name = f.getFileName().toString().replaceFirst("\\.pid$", "");
        out.put(name, Long.parseLong(Files.readString(f).trim()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Every live process whose command line names the checkout, as "pid command". */
  static Set<String> processesOf(Path checkout) {
    String marker = checkout.toString() + "/";
    Set<String> out = new TreeSet<>();
    long self = ProcessHandle.current().pid();
    ProcessHandle.allProcesses()
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.pid() != self)
        .forEach(
            p -> {
              Optional<String> cmd = p.info().commandLine();
              if (cmd.isPresent() && cmd.get().contains(marker)) {
                out.add(p.pid() + " " + cmd.get());
              }
            });
    return out;
  }

  /** Kills whatever of the stack is still running (test clean-up, also after a failure). */
  static void killAll(Path checkout) {
    String marker = checkout.toString() + "/";
    ProcessHandle.allProcesses()
        .filter(p -> p.pid() != ProcessHandle.current().pid())
        .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false))
        .forEach(ProcessHandle::destroyForcibly);
  }

  private static Optional<Path> onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String d : path.split(":")) {
      Path p = Path.of(d.isEmpty() ? "." : d, program);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private static void pause() {
    try {
      Thread.sleep(200); // polling interval, not synchronisation
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
