package io.jthanos.objstore.s3;

import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.BucketConfig;
import io.jthanos.objstore.BucketContext;
import io.jthanos.objstore.Buckets;
import io.jthanos.objstore.testing.AbstractBucketContractTest;
import io.jthanos.testing.objstore.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** The bucket contract against S3Proxy in this JVM: path-style, with a prefix, and list v1. */
class S3BucketContractTest extends AbstractBucketContractTest {
  static S3ProxyServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3ProxyServer.startInMemory();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  static String config(String bucket, String extra) {
    return "type: s3\nconfig:\n  bucket: "
        + bucket
        + "\n  endpoint: "
        + server.hostPort()
        + "\n  insecure: true\n  access_key: "
        + S3ProxyServer.ACCESS_KEY
        + "\n  secret_key: "
        + S3ProxyServer.SECRET_KEY
        + "\n  bucket_lookup_type: path\n  part_size: 5242880\n"
        + extra;
  }

  static Bucket open(String yaml) throws Exception {
    return Buckets.createUninstrumented(BucketConfig.parse(yaml), new BucketContext("test"));
  }

  @Override
  protected Bucket newBucket() throws Exception {
    return open(config(server.createBucket(), ""));
  }

  @Nested
  class WithPrefix extends AbstractBucketContractTest {
    @Override
    protected Bucket newBucket() throws Exception {
      return open(config(server.createBucket(), "prefix: tenant/a\n"));
    }
  }

  @Nested
  class ListObjectsV1 extends AbstractBucketContractTest {
    @Override
    protected Bucket newBucket() throws Exception {
      return open(config(server.createBucket(), "  list_objects_version: v1\n"));
    }
  }
}
