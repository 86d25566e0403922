package io.jthanos.testing.cache;

import io.jthanos.testing.Peers;
import io.jthanos.testing.Ports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real memcached or redis-server (Debian packages) on a free 127.0.0.1 port, for cache tests.
 * Missing binaries skip the test with an install hint (or fail it when {@code
 * JTHANOS_REQUIRE_PEERS=1}). Closing kills the process.
 */
public final class CacheServer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  private CacheServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** {@code memcached} with {@code memoryMb} of memory and a 4 MiB item size limit. */
  public static CacheServer memcached(int memoryMb) throws IOException {
    Path bin = Peers.require("memcached", "apt-get install memcached");
    int port = Ports.freePort();
    List<String> cmd = new ArrayList<>();
    cmd.add(bin.toString());
    cmd.addAll(
        List.of(
            "-l",
            "127.0.0.1",
            "-p",
            String.valueOf(port),
            "-U",
            "0",
            "-m",
            String.valueOf(memoryMb),
            "-I",
            "4m",
            "-t",
            "2",
            "-u",
            System.getProperty("user.name")));
    return start(cmd, port, "memcached");
  }

  /** {@code redis-server} without persistence. */
  public static CacheServer redis() throws IOException {
    Path bin = Peers.require("redis-server", "apt-get install redis-server");
    int port = Ports.freePort();
    Path dir = Files.createTempDirectory("jthanos-redis-");
    List<String> cmd =
        List.of(
            bin.toString(),
            "--port",
            String.valueOf(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            dir.toString(),
            "--protected-mode",
            "no");
    return start(cmd, port, "redis");
  }

  private static CacheServer start(List<String> cmd, int port, String name) throws IOException {
    Path log = Files.createTempFile("jthanos-" + name + "-", ".log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    CacheServer s = new CacheServer(p, port, log);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try (Socket sock = new Socket()) {
        sock.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return s;
      } catch (IOException e) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          s.close();
          throw new IOException(
              name + " did not start on port " + port + ": " + Files.readString(log), e);
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          s.close();
          throw new IOException("interrupted", ie);
        }
      }
    }
  }

  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:<port>}. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Stops the server (kill), waiting for it to exit. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException ignored) {
      // temp file
    }
  }
}
