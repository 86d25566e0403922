package io.jthanos.objstore.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.config.ConfigException;
import io.jthanos.objstore.BucketConfig;
import io.jthanos.objstore.BucketContext;
import io.jthanos.objstore.Buckets;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

class S3ConfigTest {
  private static void fails(String config, String message, String key) {
    assertThatThrownBy(
            () ->
                Buckets.createUninstrumented(
                    BucketConfig.parse("type: S3\nconfig:\n" + config), new BucketContext("t")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message)
        .extracting(e -> ((ConfigException) e).key())
        .isEqualTo(key);
  }

  @Test
  void everyThanosKeyIsAccepted() {
    String all =
        """
        bucket: b
        endpoint: s3.eu-west-1.amazonaws.com
        region: ""
        disable_dualstack: true
        aws_sdk_auth: false
        access_key: ""
        insecure: false
        signature_version2: false
        secret_key: ""
        session_token: ""
        put_user_metadata: {X-Amz-Storage-Class: STANDARD_IA, team: a}
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
          force_attempt_http2: false
        trace: {enable: false}
        list_objects_version: ""
        bucket_lookup_type: auto
        send_content_md5: true
        disable_multipart: false
        part_size: 67108864
        sse_config: {type: SSE-KMS, kms_key_id: k, kms_encryption_context: {a: b}, encryption_key: ""}
        sts_endpoint: ""
        max_retries: 0
        """;
    S3Config c =
        BucketConfig.bind(
            BucketConfig.parse("type: S3\nconfig:\n" + all.indent(2)).config(), S3Config.class);
    S3BucketProvider.validate(c);
    assertThat(S3BucketProvider.region(c)).isEqualTo(Region.EU_WEST_1);
    assertThat(c.putUserMetadata).containsKey("X-Amz-Storage-Class");
  }

  @Test
  void defaultsAreThanos() {
    S3Config c = new S3Config();
    assertThat(c.partSize).isEqualTo(64L << 20);
    assertThat(c.sendContentMd5).isTrue();
    assertThat(c.bucketLookupType).isEqualTo("auto");
    assertThat(c.httpConfig.idleConnTimeout).hasSeconds(90);
    assertThat(c.httpConfig.responseHeaderTimeout).hasMinutes(2);
    assertThat(c.httpConfig.maxIdleConnsPerHost).isEqualTo(100);
  }

  @Test
  void errorsNameTheKey() {
    fails("  bucket: b\n", "no s3 endpoint", "config.endpoint");
    fails("  endpoint: x\n", "missing key \"bucket\"", "config.bucket");
    fails("  bucket: b\n  endpoint: x\n  acces_key: a\n", "unknown key", "config.acces_key");
    fails(
        "  bucket: b\n  endpoint: x\n  access_key: a\n",
        "no s3 secret_key specified",
        "config.secret_key");
    fails(
        "  bucket: b\n  endpoint: x\n  aws_sdk_auth: true\n  access_key: a\n  secret_key: s\n",
        "mutually exclusive",
        "config.aws_sdk_auth");
    fails(
        "  bucket: b\n  endpoint: x\n  sse_config: {type: SSE-C}\n",
        "encryption_key must be set",
        "config.sse_config.encryption_key");
    fails(
        "  bucket: b\n  endpoint: x\n  sse_config: {type: AES}\n",
        "unsupported type",
        "config.sse_config.type");
    fails(
        "  bucket: b\n  endpoint: x\n  list_objects_version: v3\n",
        "v1, v2",
        "config.list_objects_version");
    fails(
        "  bucket: b\n  endpoint: x\n  bucket_lookup_type: dns\n",
        "auto, virtual-hosted, path",
        "config.bucket_lookup_type");
    fails("  bucket: b\n  endpoint: http://x\n", "without scheme", "config.endpoint");
    fails("  bucket: b\n  endpoint: x\n  part_size: 1000\n", "5MiB", "config.part_size");
    fails(
        "  bucket: b\n  endpoint: x\n  signature_version2: true\n",
        "Signature Version 4 only",
        "config.signature_version2");
    fails(
        "  bucket: b\n  endpoint: x\n  http_config:\n    idle_conn_timeout: 5\n",
        "duration needs a unit",
        "config.http_config.idle_conn_timeout");
  }

  @Test
  void regionFromTheEndpoint() {
    S3Config c = new S3Config();
    c.endpoint = "s3.us-west-2.amazonaws.com";
    assertThat(S3BucketProvider.region(c)).isEqualTo(Region.US_WEST_2);
    c.endpoint = "s3.amazonaws.com";
    assertThat(S3BucketProvider.region(c)).isEqualTo(Region.US_EAST_1);
    c.endpoint = "minio:9000";
    c.region = "eu-central-1";
    assertThat(S3BucketProvider.region(c)).isEqualTo(Region.EU_CENTRAL_1);
    assertThat(S3BucketProvider.isAws("minio:9000")).isFalse();
  }
}
