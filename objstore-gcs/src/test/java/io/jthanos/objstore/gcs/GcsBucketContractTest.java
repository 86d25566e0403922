package io.jthanos.objstore.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.config.ConfigException;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.BucketAccessDeniedException;
import io.jthanos.objstore.BucketConfig;
import io.jthanos.objstore.BucketContext;
import io.jthanos.objstore.BucketException;
import io.jthanos.objstore.PrefixedBucket;
import io.jthanos.objstore.testing.AbstractBucketContractTest;
import io.jthanos.testing.objstore.FaultProxy;
import io.jthanos.testing.objstore.GcsFakeServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The bucket contract against our GCS JSON-API fake (no GCS emulator runs here): this proves the
 * client code paths against our reading of the API, not against GCS itself.
 */
class GcsBucketContractTest extends AbstractBucketContractTest {
  static final int CHUNK = 1 << 20;
  static GcsFakeServer gcs;

  @BeforeAll
  static void startFake() throws Exception {
    gcs = GcsFakeServer.start();
  }

  @AfterAll
  static void stopFake() {
    gcs.close();
  }

  static Bucket open(String emulatorHost, String extra) throws Exception {
    String bucket = "b-" + UUID.randomUUID().toString().substring(0, 8);
    gcs.createBucket(bucket);
    String yaml =
        "type: GCS\nconfig:\n  bucket: " + bucket + "\n  chunk_size_bytes: " + CHUNK + "\n" + extra;
    BucketConfig c = BucketConfig.parse(yaml);
    Bucket b =
        new GcsBucketProvider(Map.of(GcsBucketProvider.EMULATOR_ENV, emulatorHost)::get)
            .create(c.config(), new BucketContext("test"));
    return PrefixedBucket.wrap(b, c.prefix());
  }

  @Override
  protected Bucket newBucket() throws Exception {
    return open(gcs.hostPort(), "");
  }

  @Override
  protected long partSize() {
    return CHUNK;
  }

  @Nested
  class Faults {
    @Test
    void serviceUnavailableTwiceThenSuccessIsRetriedAndForbiddenIsNot() throws Exception {
      try (FaultProxy proxy = FaultProxy.start(gcs.port());
          Bucket b = open(proxy.hostPort(), "")) {
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
    void resumableUploadCutOffLeavesNoVisibleObject() throws Exception {
      Path f = tmp.resolve("big");
      byte[] data = new byte[CHUNK * 3 + 5];
      new Random(5).nextBytes(data);
      Files.write(f, data);
      try (FaultProxy proxy = FaultProxy.start(gcs.port());
          Bucket b = open(proxy.hostPort(), "  max_retries: 2\n")) {
        b.upload("keep", "x".getBytes());
        proxy.add(
            new FaultProxy.Rule(
                q -> q.method().equals("PUT") && q.query().contains("upload_id"),
                new FaultProxy.Cut(100_000),
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
  void configKeysAndErrors() {
    String yaml =
        """
        type: GCS
        config:
          bucket: b
          service_account: ""
          use_grpc: false
          grpc_conn_pool_size: 0
          http_config: {idle_conn_timeout: 1m30s, response_header_timeout: 2m, tls_config: {}}
          chunk_size_bytes: 0
          max_retries: 0
        """;
    GcsConfig c = BucketConfig.bind(BucketConfig.parse(yaml).config(), GcsConfig.class);
    assertThat(c.bucket).isEqualTo("b");
    GcsBucketProvider p = new GcsBucketProvider(Map.of(GcsBucketProvider.EMULATOR_ENV, "x:1")::get);
    assertThatThrownBy(
            () ->
                p.create(
                    BucketConfig.parse("type: GCS\nconfig: {}").config(), new BucketContext("t")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("missing Google Cloud Storage bucket name");
    assertThatThrownBy(
            () ->
                p.create(
                    BucketConfig.parse("type: GCS\nconfig: {bucket: b, endpoint: x}").config(),
                    new BucketContext("t")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key \"config.endpoint\"");
    assertThatThrownBy(
            () ->
                p.create(
                    BucketConfig.parse("type: GCS\nconfig: {bucket: b, chunk_size_bytes: 1000}")
                        .config(),
                    new BucketContext("t")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("multiple of 262144");
  }
}
