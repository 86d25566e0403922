package io.jthanos.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.jthanos.proto.grpc.GrpcCompression;
import io.jthanos.server.example.ExampleCommand;
import io.jthanos.testing.Ports;
import io.jthanos.testing.process.JavaProcess;
import io.jthanos.testing.tls.TestCertificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts real processes built only from common-server ({@link ExampleCommand}) and checks what
 * every component gets from it: probes, metrics, status endpoints, gRPC health, TLS, basic auth,
 * {@code $(VAR)} substitution, exit codes and a clean SIGTERM shutdown.
 */
class ExampleProcessIT {
  private static final Duration START = Duration.ofSeconds(60);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static JavaProcess.Builder example(Path dir, String... args) {
    return JavaProcess.main(ExampleCommand.class.getName())
        .args(args)
        .logTo(dir.resolve("example.log"));
  }

  private static HttpResponse<String> get(HttpClient client, String url, String... headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static ServingStatus health(ManagedChannel ch) {
    return HealthGrpc.newBlockingStub(ch)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService("").build())
        .getStatus();
  }

  @Test
  void plainProcessServesProbesMetricsStatusAndGrpcHealthThenExitsOnSigterm(@TempDir Path dir)
      throws Exception {
    int httpPort = Ports.freePort();
    int grpcPort = Ports.freePort();
    Path readyFile = dir.resolve("ready");
    String base = "http://127.0.0.1:" + httpPort;
    try (JavaProcess p =
        example(
                dir,
                "--http-address=127.0.0.1:" + httpPort,
                "--grpc-address=127.0.0.1:" + grpcPort,
                "--http-grace-period=5s",
                "--grpc-grace-period=5s",
                "--example.ready-file=" + readyFile,
                "--objstore.config=type: FILESYSTEM\nconfig:\n  directory: $(EXAMPLE_BUCKET_DIR)/b")
            .env("EXAMPLE_BUCKET_DIR", dir.toString())
            .start()) {
      p.awaitHttp(base + "/-/healthy", 200, START);
      HttpResponse<String> notReady = get(HTTP, base + "/-/ready");
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body()).isEqualTo("NOT OK");

      ManagedChannel ch =
          NettyChannelBuilder.forAddress("127.0.0.1", grpcPort)
              .usePlaintext()
              .compressorRegistry(GrpcCompression.compressors())
              .decompressorRegistry(GrpcCompression.decompressors())
              .build();
      try {
        assertThat(health(ch)).isEqualTo(ServingStatus.NOT_SERVING);
        Files.createFile(readyFile);
        p.awaitHttp(base + "/-/ready", 200, START);
        assertThat(get(HTTP, base + "/-/ready").body()).isEqualTo("OK");
        assertThat(health(ch)).isEqualTo(ServingStatus.SERVING);
        // Thanos' framed snappy compressor, both ways.
        assertThat(
                HealthGrpc.newBlockingStub(ch)
                    .withCompression("snappy")
                    .check(HealthCheckRequest.getDefaultInstance())
                    .getStatus())
            .isEqualTo(ServingStatus.SERVING);
      } finally {
        ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }

      // $(VAR) substitution in a *.config flag
      assertThat(get(HTTP, base + "/api/v1/example/bucket").body())
          .contains("\"directory\":\"" + dir + "/b\"")
          .contains("\"type\":\"FILESYSTEM\"");

      HttpResponse<String> flags = get(HTTP, base + "/api/v1/status/flags");
      assertThat(flags.statusCode()).isEqualTo(200);
      assertThat(flags.body())
          .startsWith("{\"status\":\"success\",\"data\":{")
          .contains("\"http-address\":\"127.0.0.1:" + httpPort + "\"")
          .contains("\"grpc-server-max-connection-age\":\"60m\"")
          .contains("\"log.level\":\"info\"");
      HttpResponse<String> build = get(HTTP, base + "/api/v1/status/buildinfo");
      assertThat(build.body())
          .contains("\"version\":", "\"revision\":", "\"branch\":", "\"goVersion\":\"java")
          .doesNotContain("features");
      assertThat(get(HTTP, base + "/api/v1/status/runtimeinfo").body())
          .contains("\"startTime\":", "\"CWD\":", "\"goroutineCount\":");
      assertThat(
              get(HTTP, base + "/api/v1/status/flags", "Accept-Encoding", "gzip")
                  .headers()
                  .firstValue("Content-Encoding"))
          .hasValue("gzip");

      String metrics = get(HTTP, base + "/metrics").body();
      assertThat(metrics)
          .contains(
              "http_requests_total{code=\"200\",handler=\"status_flags\",method=\"get\"}",
              "http_request_duration_seconds_bucket{code=\"200\",handler=\"ready\"",
              "grpc_server_started_total{grpc_method=\"Check\",grpc_service=\"grpc.health.v1.Health\",grpc_type=\"unary\"}",
              "grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"Check\"",
              "grpc_server_handling_seconds_bucket{grpc_method=\"Check\"",
              "thanos_status{check=\"ready\",component=\"example\"} 1",
              "thanos_status{check=\"healthy\",component=\"example\"} 1",
              "thanos_build_info{",
              "process_cpu_seconds_total",
              "process_start_time_seconds",
              "process_open_fds",
              "process_resident_memory_bytes",
              "jvm_memory_used_bytes");

      // logfmt with Thanos' key order
      assertThat(p.output())
          .containsPattern(
              "(?m)^ts=\\S+ caller=\\S+\\.java:\\d+ level=info msg=\"changing probe status\" status=ready$");

      p.terminate();
      assertThat(p.awaitExit(Duration.ofSeconds(60))).isEqualTo(0);
      assertThat(p.output()).contains("msg=\"caught signal. Exiting.\" signal=terminated");
      assertThat(p.output()).containsPattern("(?m)level=info msg=exiting$");
    }
  }

  @Test
  void tlsBasicAuthAndJsonLogs(@TempDir Path dir) throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    String hash =
        new String(BCrypt.withDefaults().hash(4, "s3cret".toCharArray()), StandardCharsets.UTF_8);
    Path web = dir.resolve("web.yml");
    Files.writeString(
        web,
        "tls_server_config:\n"
            + "  cert_file: server.crt\n"
            + "  key_file: $(EXAMPLE_KEY_FILE)\n"
            + "basic_auth_users:\n"
            + "  alice: "
            + hash
            + "\n");
    int httpPort = Ports.freePort();
    int grpcPort = Ports.freePort();
    String base = "https://127.0.0.1:" + httpPort;
    HttpClient tlsClient =
        HttpClient.newBuilder()
            .sslContext(certs.clientContext())
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    String auth =
        "Basic "
            + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
    try (JavaProcess p =
        example(
                dir,
                "--http-address=127.0.0.1:" + httpPort,
                "--grpc-address=127.0.0.1:" + grpcPort,
                "--http.config=" + web,
                "--grpc-server-tls-cert=" + certs.serverCert(),
                "--grpc-server-tls-key=" + certs.serverKey(),
                "--grpc-server-tls-client-ca=" + certs.caCert(),
                "--log.format=json")
            .env("EXAMPLE_KEY_FILE", "server.key")
            .start()) {
      p.awaitHttp(tlsClient, base + "/-/ready", r -> r.statusCode() == 401, START);
      assertThat(get(tlsClient, base + "/-/ready").headers().firstValue("WWW-Authenticate"))
          .hasValue("Basic");
      assertThat(get(tlsClient, base + "/-/ready", "Authorization", auth).statusCode())
          .isEqualTo(200);
      String wrong =
          "Basic "
              + Base64.getEncoder().encodeToString("alice:nope".getBytes(StandardCharsets.UTF_8));
      assertThat(get(tlsClient, base + "/-/ready", "Authorization", wrong).statusCode())
          .isEqualTo(401);
      assertThat(get(tlsClient, base + "/metrics", "Authorization", auth).body())
          .contains("thanos_build_info");
      // plain HTTP is not served on the TLS port
      assertThatThrownBy(() -> get(HTTP, "http://127.0.0.1:" + httpPort + "/-/ready"))
          .isInstanceOf(java.io.IOException.class);

      ManagedChannel withCert =
          NettyChannelBuilder.forAddress("127.0.0.1", grpcPort)
              .sslContext(
                  GrpcSslContexts.forClient()
                      .trustManager(certs.caCert().toFile())
                      .keyManager(certs.clientCert().toFile(), certs.clientKey().toFile())
                      .build())
              .build();
      ManagedChannel withoutCert =
          NettyChannelBuilder.forAddress("127.0.0.1", grpcPort)
              .sslContext(GrpcSslContexts.forClient().trustManager(certs.caCert().toFile()).build())
              .build();
      try {
        assertThat(health(withCert)).isEqualTo(ServingStatus.SERVING);
        assertThatThrownBy(() -> health(withoutCert)).isInstanceOf(StatusRuntimeException.class);
      } finally {
        withCert.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        withoutCert.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }

      assertThat(p.output())
          .containsPattern(
              "(?m)^\\{\"ts\":\"[^\"]+\",\"caller\":\"[^\"]+:\\d+\",\"level\":\"info\",\"msg\":\"listening for requests\",\"service\":\"http\"");
      p.terminate();
      assertThat(p.awaitExit(Duration.ofSeconds(60))).isEqualTo(0);
    }
  }

  @Test
  void badFlagPrintsOneLineAndExits2(@TempDir Path dir) {
    try (JavaProcess p = example(dir, "--http-grace-period=soon").start()) {
      assertThat(p.awaitExit(START)).isEqualTo(2);
      List<String> lines = p.output().lines().filter(l -> !l.isBlank()).toList();
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0)).contains("--http-grace-period").contains("soon");
    }
    try (JavaProcess p = example(dir, "--no-such-flag").logTo(dir.resolve("unknown.log")).start()) {
      assertThat(p.awaitExit(START)).isEqualTo(2);
      assertThat(p.output().strip()).doesNotContain("\n").contains("--no-such-flag");
    }
  }

  @Test
  void badConfigExits1NamingTheKey(@TempDir Path dir) throws Exception {
    Path bucket = dir.resolve("bucket.yml");
    Files.writeString(bucket, "type: FILESYSTEM\nconfig:\n  directory: /tmp\n  dirctory: typo\n");
    int port = Ports.freePort();
    try (JavaProcess p =
        example(
                dir,
                "--http-address=127.0.0.1:" + port,
                "--grpc-address=127.0.0.1:" + Ports.freePort(),
                "--objstore.config-file=" + bucket)
            .start()) {
      assertThat(p.awaitExit(START)).isEqualTo(1);
      assertThat(p.output()).contains("level=error").contains("config.dirctory");
    }
    try (JavaProcess p =
        example(
                dir,
                "--http-address=127.0.0.1:" + port,
                "--objstore.config=type: FILESYSTEM\nconfig:\n  directory: $(EXAMPLE_UNSET_VARIABLE)")
            .logTo(dir.resolve("unset.log"))
            .start()) {
      assertThat(p.awaitExit(START)).isEqualTo(1);
      assertThat(p.output()).contains("EXAMPLE_UNSET_VARIABLE");
    }
  }
}
