package io.jthanos.objstore.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.BucketAccessDeniedException;
import io.jthanos.objstore.BucketConfig;
import io.jthanos.objstore.BucketContext;
import io.jthanos.objstore.BucketException;
import io.jthanos.objstore.Buckets;
import io.jthanos.testing.objstore.FaultProxy;
import io.jthanos.testing.objstore.S3ProxyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Failures injected between the client and S3Proxy by a loopback proxy. */
class S3FaultTest {
  static S3ProxyServer server;
  FaultProxy proxy;
  String bucketName;
  @TempDir Path tmp;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.startInMemory();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @BeforeEach
  void startProxy() throws Exception {
    proxy = FaultProxy.start(server.port());
    bucketName = server.createBucket();
  }

  @AfterEach
  void stopProxy() throws Exception {
    proxy.close();
  }

  private S3Config config(int maxRetries) {
    S3Config c = new S3Config();
    c.bucket = bucketName;
    c.endpoint = proxy.hostPort();
    c.insecure = true;
    c.accessKey = S3ProxyServer.ACCESS_KEY;
    c.secretKey = S3ProxyServer.SECRET_KEY;
    c.bucketLookupType = "path";
    c.partSize = 5L << 20;
    c.maxRetries = maxRetries;
    return c;
  }

  private Bucket open(int maxRetries) throws Exception {
    return Buckets.createUninstrumented(
        BucketConfig.parse(
            "type: S3\nconfig:\n  bucket: "
                + bucketName
                + "\n  endpoint: "
                + proxy.hostPort()
                + "\n  insecure: true\n  access_key: "
                + S3ProxyServer.ACCESS_KEY
                + "\n  secret_key: "
                + S3ProxyServer.SECRET_KEY
                + "\n  bucket_lookup_type: path\n  part_size: 5242880\n  max_retries: "
                + maxRetries
                + "\n"),
        new BucketContext("test"));
  }

  @Test
  void serviceUnavailableTwiceThenSuccessIsRetried() throws Exception {
    try (Bucket b = open(0)) {
      b.upload("a/obj", "hello".getBytes());
      FaultProxy.Rule r = proxy.failNext(q -> q.method().equals("GET"), 2, 503);
      int before = proxy.requests().size();
      assertThat(b.readAllBytes("a/obj")).isEqualTo("hello".getBytes());
      assertThat(r.hits()).isEqualTo(2);
      assertThat(proxy.requests().size() - before).isEqualTo(3);

      proxy.failNext(q -> q.method().equals("PUT"), 2, 503);
      b.upload("a/obj2", "again".getBytes());
      assertThat(b.readAllBytes("a/obj2")).isEqualTo("again".getBytes());

      proxy.failNext(q -> q.method().equals("GET") && q.query().contains("list-type"), 2, 500);
      assertThat(b.list("a", false)).containsExactly("a/obj", "a/obj2");
    }
  }

  @Test
  void forbiddenIsNotRetriedAndSaysSo() throws Exception {
    try (Bucket b = open(0)) {
      b.upload("a/obj", "hello".getBytes());
      proxy.failNext(q -> true, 100, 403);
      int before = proxy.requests().size();
      assertThatThrownBy(() -> b.get("a/obj"))
          .isInstanceOf(BucketAccessDeniedException.class)
          .hasMessageContaining("403")
          .hasMessageContaining("not retried")
          .satisfies(e -> assertThat(b.isAccessDenied(e)).isTrue());
      assertThat(proxy.requests().size() - before).isEqualTo(1);
    }
  }

  @Test
  void clientCutOffMidMultipartLeavesNoObjectAndNoPendingUpload() throws Exception {
    Path f = tmp.resolve("big");
    byte[] data = new byte[(int) (12L << 20)];
    new Random(7).nextBytes(data);
    Files.write(f, data);
    try (Bucket b = open(2)) {
      // Every upload of part 2 dies after 1 MiB: the connection is reset mid-body.
      FaultProxy.Rule cut =
          proxy.add(
              new FaultProxy.Rule(
                  q -> q.method().equals("PUT") && q.query().contains("partNumber=2"),
                  new FaultProxy.Cut(1 << 20),
                  1000));
      assertThatThrownBy(() -> b.upload("blocks/x/chunks/000001", f))
          .isInstanceOf(BucketException.class);
      assertThat(cut.hits()).isGreaterThanOrEqualTo(2);
      proxy.clearRules();
      assertThat(b.exists("blocks/x/chunks/000001")).isFalse();
      assertThat(b.list("", true)).isEmpty();
    }
    try (S3Client raw = S3BucketProvider.client(config(0), new BucketContext("test"))) {
      assertThat(raw.listMultipartUploads(r -> r.bucket(bucketName)).uploads())
          .as("the failed upload was aborted")
          .isEmpty();
    }
  }

  @Test
  void uploadAbandonedByAKilledProcessIsAbortedOnTheNextStart() throws Exception {
    S3Config c = config(0);
    try (S3Client raw = S3BucketProvider.client(c, new BucketContext("killed"))) {
      // A process that died after its first part: the upload is never completed nor aborted.
      String id =
          raw.createMultipartUpload(r -> r.bucket(bucketName).key("blocks/y/index")).uploadId();
      raw.uploadPart(
          r -> r.bucket(bucketName).key("blocks/y/index").uploadId(id).partNumber(1),
          RequestBody.fromBytes(new byte[5 << 20]));
      assertThat(raw.listMultipartUploads(r -> r.bucket(bucketName)).uploads()).hasSize(1);

      // The next start aborts it. The real age threshold is a day; S3Proxy reports the listing
      // time as the initiation time, so the test uses a threshold in the future.
      try (S3Bucket b =
          new S3Bucket(
              S3BucketProvider.client(c, new BucketContext("next")),
              c,
              S3Bucket.Sse.NONE,
              Duration.ofMinutes(-5))) {
        assertThat(b.exists("blocks/y/index")).isFalse();
      }
      assertThat(raw.listMultipartUploads(r -> r.bucket(bucketName)).uploads()).isEmpty();
    }
  }
}
