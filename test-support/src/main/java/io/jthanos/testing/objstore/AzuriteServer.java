package io.jthanos.testing.objstore;

import io.jthanos.testing.Peers;
import io.jthanos.testing.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Azurite's blob service (npm {@code azurite}) as a child process on 127.0.0.1 and a free port,
 * storing under a directory the test owns. Skips the test (or fails it under {@code
 * JTHANOS_REQUIRE_PEERS=1}) when {@code azurite-blob} is not installed.
 */
public final class AzuriteServer implements AutoCloseable {
  public static final String ACCOUNT = "devstoreaccount1";

  /** Azurite's well-known development key. */
  public static final String ACCOUNT_KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  public static final String INSTALL_HINT = "npm install -g azurite@3.37.0";

  private final Process process;
  private final int port;
  private final Path log;

  private AzuriteServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts Azurite storing under {@code dir}; returns once it accepts connections. */
  public static AzuriteServer start(Path dir) throws IOException, InterruptedException {
    Path exe = Peers.require("azurite-blob", INSTALL_HINT);
    Files.createDirectories(dir);
    Path log = dir.resolve("azurite.log");
    for (int attempt = 0; ; attempt++) {
      int port = Ports.freePort();
      Process p =
          new ProcessBuilder(
                  List.of(
                      exe.toString(),
                      "--blobHost",
                      "127.0.0.1",
                      "--blobPort",
                      Integer.toString(port),
                      "--location",
                      dir.toString(),
                      "--silent",
                      "--skipApiVersionCheck"))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      AzuriteServer s = new AzuriteServer(p, port, log);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline && p.isAlive() && !Ports.isListening(port)) {
        Thread.sleep(50);
      }
      if (p.isAlive() && Ports.isListening(port)) {
        return s;
      }
      s.close();
      if (attempt >= 2) {
        throw new IOException(
            "azurite-blob did not start on port " + port + ": " + Files.readString(log));
      }
    }
  }

  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:<port>/devstoreaccount1}. */
  public String blobEndpoint() {
    return "http://127.0.0.1:" + port + "/" + ACCOUNT;
  }

  /** A connection string with a loopback BlobEndpoint (through {@code hostPort} if given). */
  public String connectionString() {
    return connectionString("127.0.0.1:" + port);
  }

  /** The connection string with the blob endpoint at another address (e.g. a fault proxy). */
  public String connectionString(String hostPort) {
    return "DefaultEndpointsProtocol=http;AccountName="
        + ACCOUNT
        + ";AccountKey="
        + ACCOUNT_KEY
        + ";BlobEndpoint=http://"
        + hostPort
        + "/"
        + ACCOUNT
        + ";";
  }

  public Path log() {
    return log;
  }

  @Override
  public void close() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
