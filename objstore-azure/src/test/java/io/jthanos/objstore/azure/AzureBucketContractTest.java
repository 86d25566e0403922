package io.jthanos.objstore.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.config.ConfigException;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.BucketAccessDeniedException;
import io.jthanos.objstore.BucketConfig;
import io.jthanos.objstore.BucketContext;
import io.jthanos.objstore.BucketException;
import io.jthanos.objstore.Buckets;
import io.jthanos.objstore.testing.AbstractBucketContractTest;
import io.jthanos.testing.objstore.AzuriteServer;
import io.jthanos.testing.objstore.FaultProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The bucket contract, faults and config against Azurite (npm) on 127.0.0.1. */
class AzureBucketContractTest extends AbstractBucketContractTest {
  static AzuriteServer azurite;
  static Path dir;

  @BeforeAll
  static void startAzurite() throws Exception {
    dir = Files.createTempDirectory("azurite");
    azurite = AzuriteServer.start(dir);
  }

  @AfterAll
  static void stopAzurite() throws Exception {
    if (azurite != null) {
      azurite.close();
    }
    if (dir != null) {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static String config(String connectionString, String extra) {
    return "type: AZURE\nconfig:\n  storage_account: "
        + AzuriteServer.ACCOUNT
        + "\n  storage_connection_string: \""
        + connectionString
        + "\"\n  container: c"
        + UUID.randomUUID().toString().replace("-", "").substring(0, 20)
        + "\n"
        + extra;
  }

  static Bucket open(String yaml) throws Exception {
    return Buckets.createUninstrumented(BucketConfig.parse(yaml), new BucketContext("test"));
  }

  @Override
  protected Bucket newBucket() throws Exception {
    return open(config(azurite.connectionString(), ""));
  }

  @Override
  protected long partSize() {
    return AzureBucket.BLOCK_SIZE;
  }

  @Nested
  class Faults {
    @Test
    void serviceUnavailableTwiceThenSuccessIsRetriedAndForbiddenIsNot() throws Exception {
      try (FaultProxy proxy = FaultProxy.start(azurite.port());
          Bucket b =
              open(
                  config(
                      azurite.connectionString(proxy.hostPort()),
                      "  pipeline_config: {retry_delay: 10ms, max_retry_delay: 50ms}\n"))) {
        b.upload("a/obj", "hello".getBytes());
        FaultProxy.Rule r = proxy.failNext(q -> q.method().equals("GET"), 2, 503);
        assertThat(b.readAllBytes("a/obj")).isEqualTo("hello".getBytes());
        assertThat(r.hits()).isEqualTo(2);

        proxy.failNext(q -> true, 100, 403);
        int before = proxy.requests().size();
        assertThatThrownBy(() -> b.get("a/obj"))
            .isInstanceOf(BucketAccessDeniedException.class)
            .hasMessageContaining("not retried");
        assertThat(proxy.requests().size() - before).isEqualTo(1);
      }
    }

    @Test
    void uploadCutOffMidBlockLeavesNoVisibleObject() throws Exception {
      Path f = tmp.resolve("big");
      byte[] data = new byte[(int) (AzureBucket.BLOCK_SIZE * 3)];
      new Random(3).nextBytes(data);
      Files.write(f, data);
      try (FaultProxy proxy = FaultProxy.start(azurite.port());
          Bucket b =
              open(
                  config(
                      azurite.connectionString(proxy.hostPort()),
                      "  pipeline_config: {max_tries: 2, retry_delay: 10ms}\n"))) {
        b.upload("keep", "x".getBytes());
        proxy.add(
            new FaultProxy.Rule(
                q -> q.method().equals("PUT") && q.query().contains("comp=block&"),
                new FaultProxy.Cut(1 << 20),
                1000));
        assertThatThrownBy(() -> b.upload("blocks/x/chunks/000001", f))
            .isInstanceOf(BucketException.class);
        proxy.clearRules();
        assertThat(b.exists("blocks/x/chunks/000001")).isFalse();
        assertThat(b.list("", true)).containsExactly("keep");
      }
    }
  }

  @Test
  void configErrorsNameTheKey() {
    assertThatThrownBy(() -> open("type: AZURE\nconfig:\n  container: c\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("storage_account_name is required");
    assertThatThrownBy(
            () ->
                open(
                    "type: AZURE\nconfig:\n  storage_account: a\n  container: c\n"
                        + "  storage_account_key: k\n  storage_connection_string: s\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot both be set");
    assertThatThrownBy(
            () ->
                open(
                    "type: AZURE\nconfig:\n  storage_account: a\n  container: c\n  client_id: x\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("must be set together");
    assertThatThrownBy(() -> open("type: AZURE\nconfig:\n  storage_acount: a\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key \"config.storage_acount\"");
    AzureConfig c = new AzureConfig();
    assertThat(c.endpoint).isEqualTo("blob.core.windows.net");
    assertThat(c.storageCreateContainer).isTrue();
    c.maxRetries = 7;
    AzureBucketProvider.applyMaxRetries(c);
    assertThat(c.pipelineConfig.maxTries).isEqualTo(7);
    assertThat(c.readerConfig.maxRetryRequests).isEqualTo(7);
    assertThat(AzureBucketProvider.retryPolicy(c).maxAttempts()).isEqualTo(7);
  }

  @Test
  void everyThanosKeyIsAccepted() {
    String yaml =
        """
        type: AZURE
        config:
          az_tenant_id: ""
          client_id: ""
          client_secret: ""
          storage_account: acct
          storage_account_key: key
          storage_connection_string: ""
          storage_create_container: true
          container: c
          endpoint: blob.core.windows.net
          user_assigned_id: ""
          max_retries: 0
          reader_config: {max_retry_requests: 0}
          pipeline_config: {max_tries: 0, try_timeout: 0s, retry_delay: 0s, max_retry_delay: 0s}
          http_config:
            idle_conn_timeout: 1m30s
            response_header_timeout: 2m
            insecure_skip_verify: false
            tls_handshake_timeout: 10s
            expect_continue_timeout: 1s
            max_idle_conns: 100
            max_idle_conns_per_host: 100
            max_conns_per_host: 0
            tls_config: {ca_file: "", cert_file: "", key_file: "", server_name: "", insecure_skip_verify: false}
            disable_compression: false
          msi_resource: ""
          azure_storage_account_type: ""
        """;
    AzureConfig c = BucketConfig.bind(BucketConfig.parse(yaml).config(), AzureConfig.class);
    AzureBucketProvider.validate(c);
    assertThat(c.storageAccount).isEqualTo("acct");
  }
}
