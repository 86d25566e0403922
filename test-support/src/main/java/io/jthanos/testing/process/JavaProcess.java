package io.jthanos.testing.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A real JVM process started by a test: a main class on a classpath (by default the test's own) or
 * a runnable jar, with stdout and stderr captured to a log file. Waits for readiness by polling
 * HTTP, sends SIGTERM, and on {@link #close()} kills whatever is still running (so use
 * try-with-resources).
 *
 * <pre>{@code
 * try (JavaProcess p = JavaProcess.main("io.jthanos.sidecar.Main")
 *         .args("--http-address=127.0.0.1:" + port).logTo(tmp.resolve("sidecar.log")).start()) {
 *   p.awaitHttp("http://127.0.0.1:" + port + "/-/ready", 200, Duration.ofSeconds(60));
 *   ...
 * }
 * }</pre>
 */
public final class JavaProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final Path log;
  private final List<String> command;

  private JavaProcess(Process process, Path log, List<String> command) {
    this.process = process;
    this.log = log;
    this.command = command;
  }

  /** A process running {@code mainClass} on the current test classpath. */
  public static Builder main(String mainClass) {
    return new Builder(mainClass, null);
  }

  /** A process running {@code java -jar jar}. */
  public static Builder jar(Path jar) {
    return new Builder(null, jar);
  }

  /** Builds the command line. */
  public static final class Builder {
    private final String mainClass;
    private final Path jar;
    private String classpath = System.getProperty("java.class.path");
    private final List<String> jvmArgs = new ArrayList<>(List.of("-Xmx256m", "-XX:+UseSerialGC"));
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private Path workDir;
    private Path logFile;

    private Builder(String mainClass, Path jar) {
      this.mainClass = mainClass;
      this.jar = jar;
    }

    public Builder classpath(String cp) {
      this.classpath = cp;
      return this;
    }

    public Builder jvmArgs(String... a) {
      jvmArgs.addAll(List.of(a));
      return this;
    }

    public Builder args(String... a) {
      args.addAll(List.of(a));
      return this;
    }

    public Builder args(List<String> a) {
      args.addAll(a);
      return this;
    }

    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    public Builder workDir(Path dir) {
      this.workDir = dir;
      return this;
    }

    /** Where stdout and stderr go (a fresh temp file if not set). */
    public Builder logTo(Path file) {
      this.logFile = file;
      return this;
    }

    public JavaProcess start() {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(jvmArgs);
      if (jar != null) {
        cmd.add("-jar");
        cmd.add(jar.toString());
      } else {
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
      }
      cmd.addAll(args);
      try {
        Path out = logFile != null ? logFile : Files.createTempFile("jthanos-process-", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.redirectOutput(out.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        if (workDir != null) {
          pb.directory(workDir.toFile());
        }
        pb.environment().putAll(env);
        return new JavaProcess(pb.start(), out, List.copyOf(cmd));
      } catch (IOException e) {
        throw new UncheckedIOException("starting " + cmd, e);
      }
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public List<String> command() {
    return command;
  }

  /** Everything the process printed so far. */
  public String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "<cannot read " + log + ": " + e.getMessage() + ">";
    }
  }

  public Path logFile() {
    return log;
  }

  /** Sends SIGTERM (a clean shutdown request). */
  public void terminate() {
    process.destroy();
  }

  /** Kills the process at once (SIGKILL), as a crash would, and waits for it to be gone. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits for the process to exit.
   *
   * @return the exit code
   * @throws AssertionError with the output if it is still running after {@code timeout}
   */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            "process still running after " + timeout + "; output:\n" + output());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    return process.exitValue();
  }

  /**
   * Polls {@code url} (GET) until it answers with {@code status}. Fails with the process output if
   * the process dies or the timeout passes.
   */
  public HttpResponse<String> awaitHttp(String url, int status, Duration timeout) {
    return awaitHttp(HTTP, url, r -> r.statusCode() == status, timeout);
  }

  /** Polls with the given client (e.g. one that trusts a test CA) until {@code accept} holds. */
  public HttpResponse<String> awaitHttp(
      HttpClient client, String url, Predicate<HttpResponse<String>> accept, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "process exited with "
                + process.exitValue()
                + " while waiting for "
                + url
                + "; output:\n"
                + output());
      }
      try {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (accept.test(r)) {
          return r;
        }
        last = r.statusCode() + " " + r.body();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after "
                + timeout
                + " waiting for "
                + url
                + " (last: "
                + last
                + "); output:\n"
                + output());
      }
      pause();
    }
  }

  /** Waits until the output matches {@code regex} (e.g. a log line). */
  public void awaitOutput(String regex, Duration timeout) {
    Pattern p = Pattern.compile(regex);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!p.matcher(output()).find()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after " + timeout + " waiting for /" + regex + "/; output:\n" + output());
      }
      if (!process.isAlive() && !p.matcher(output()).find()) {
        throw new AssertionError(
            "process exited with "
                + process.exitValue()
                + " before /"
                + regex
                + "/; output:\n"
                + output());
      }
      pause();
    }
  }

  private static void pause() {
    try {
      Thread.sleep(50); // polling interval, not synchronisation
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Kills the process (SIGTERM, then SIGKILL after 10 s) and its children. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
