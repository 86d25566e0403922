package io.jthanos.block;

import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.BucketConfig;
import io.jthanos.objstore.BucketContext;
import io.jthanos.objstore.Buckets;
import io.jthanos.testing.objstore.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The round trips against S3 (S3Proxy in this JVM on 127.0.0.1, path-style, with a prefix). */
class S3BlockTransferTest extends AbstractBlockTransferTest {
  static S3ProxyServer server;

  @BeforeAll
  static void start() throws Exception {
    server = S3ProxyServer.startInMemory();
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Override
  protected Bucket newBucket() throws Exception {
    String yaml =
        "type: s3\nconfig:\n  bucket: "
            + server.createBucket()
            + "\n  endpoint: "
            + server.hostPort()
            + "\n  insecure: true\n  access_key: "
            + S3ProxyServer.ACCESS_KEY
            + "\n  secret_key: "
            + S3ProxyServer.SECRET_KEY
            + "\n  bucket_lookup_type: path\nprefix: thanos/blocks\n";
    return Buckets.createUninstrumented(BucketConfig.parse(yaml), new BucketContext("test"));
  }
}
