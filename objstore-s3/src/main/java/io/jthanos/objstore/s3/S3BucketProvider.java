package io.jthanos.objstore.s3;

import com.fasterxml.jackson.databind.JsonNode;
import io.jthanos.config.ConfigException;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.BucketConfig;
import io.jthanos.objstore.BucketContext;
import io.jthanos.objstore.BucketProvider;
import io.jthanos.objstore.RetryPolicy;
import io.jthanos.objstore.RetryingBucket;
import io.jthanos.objstore.http.HttpConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleWithWebIdentityCredentialsProvider;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * {@code type: S3}. Every key of Thanos' S3 config is accepted with Thanos' defaults; see
 * docs/storage.md for what each does here. The SDK's own retries are off: {@link RetryingBucket}
 * retries (up to {@code max_retries} attempts, default 10 as minio-go).
 */
public final class S3BucketProvider implements BucketProvider {
  private static final Logger LOG = LoggerFactory.getLogger(S3BucketProvider.class);
  static final long MIN_PART_SIZE = 5L << 20;
  private static final Pattern AWS_REGION_HOST =
      Pattern.compile("^s3[.-](?:dualstack\\.)?([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?$");

  @Override
  public String type() {
    return "S3";
  }

  @Override
  public Bucket create(JsonNode config, BucketContext ctx) throws IOException {
    S3Config c = BucketConfig.bind(config, S3Config.class);
    validate(c);
    S3Bucket raw = new S3Bucket(client(c, ctx), c, sse(c), S3Bucket.STALE_UPLOAD_AGE);
    return new RetryingBucket(raw, RetryPolicy.ofAttempts(c.maxRetries));
  }

  private static ConfigException err(String msg, String key) {
    return new ConfigException(BucketConfig.bindWhat() + ": " + msg, "config." + key);
  }

  static void validate(S3Config c) {
    if (c.bucket == null || c.bucket.isBlank()) {
      throw err("missing key \"bucket\" for the S3 bucket name", "bucket");
    }
    if (c.endpoint == null || c.endpoint.isBlank()) {
      throw err("no s3 endpoint in config file (key \"endpoint\")", "endpoint");
    }
    if (c.endpoint.contains("://") || c.endpoint.contains("/")) {
      throw err(
          "endpoint must be host[:port] without scheme or path (use insecure: true for http), got \""
              + c.endpoint
              + "\"",
          "endpoint");
    }
    if (c.awsSdkAuth && !c.accessKey.isEmpty()) {
      throw err(
          "aws_sdk_auth and access_key are mutually exclusive configurations", "aws_sdk_auth");
    }
    if (c.accessKey.isEmpty() && !c.secretKey.isEmpty()) {
      throw err(
          "no s3 access_key specified while secret_key is present in config file; either both"
              + " should be present in config or envvars/IAM should be used.",
          "access_key");
    }
    if (!c.accessKey.isEmpty() && c.secretKey.isEmpty()) {
      throw err(
          "no s3 secret_key specified while access_key is present in config file; either both"
              + " should be present in config or envvars/IAM should be used.",
          "secret_key");
    }
    String sse = c.sseConfig.type;
    if (!sse.isEmpty() && !sse.equals("SSE-S3") && !sse.equals("SSE-KMS") && !sse.equals("SSE-C")) {
      throw err(
          "sse_config.type: unsupported type \"" + sse + "\" (supported: SSE-S3, SSE-KMS, SSE-C)",
          "sse_config.type");
    }
    if (sse.equals("SSE-C") && c.sseConfig.encryptionKey.isEmpty()) {
      throw err(
          "encryption_key must be set if sse_config.type is set to 'SSE-C'",
          "sse_config.encryption_key");
    }
    if (sse.equals("SSE-KMS") && c.sseConfig.kmsKeyId.isEmpty()) {
      throw err(
          "kms_key_id must be set if sse_config.type is set to 'SSE-KMS'", "sse_config.kms_key_id");
    }
    if (!c.listObjectsVersion.isEmpty()
        && !c.listObjectsVersion.equals("v1")
        && !c.listObjectsVersion.equals("v2")) {
      throw err(
          "list_objects_version: unsupported version \""
              + c.listObjectsVersion
              + "\" (supported: v1, v2)",
          "list_objects_version");
    }
    if (!c.bucketLookupType.equals("auto")
        && !c.bucketLookupType.equals("virtual-hosted")
        && !c.bucketLookupType.equals("path")) {
      throw err(
          "unsupported bucket lookup type: "
              + c.bucketLookupType
              + " (supported: auto, virtual-hosted, path)",
          "bucket_lookup_type");
    }
    if (c.partSize < MIN_PART_SIZE) {
      throw err(
          "part_size " + c.partSize + " is below the S3 minimum of 5MiB (5242880)", "part_size");
    }
    if (c.signatureVersion2) {
      throw err(
          "signature_version2: true is not supported: this client signs with AWS Signature"
              + " Version 4 only; set it to false (every current S3-compatible store accepts v4)",
          "signature_version2");
    }
    if (c.maxRetries < 0) {
      throw err("max_retries must be >= 0", "max_retries");
    }
  }

  static boolean isAws(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    int colon = h.indexOf(':');
    if (colon >= 0) {
      h = h.substring(0, colon);
    }
    return h.endsWith(".amazonaws.com") || h.endsWith(".amazonaws.com.cn");
  }

  static Region region(S3Config c) {
    if (!c.region.isEmpty()) {
      return Region.of(c.region);
    }
    Matcher m = AWS_REGION_HOST.matcher(c.endpoint.toLowerCase(Locale.ROOT));
    if (m.matches() && !m.group(1).equals("external-1")) {
      return Region.of(m.group(1));
    }
    return Region.US_EAST_1;
  }

  static S3Client client(S3Config c, BucketContext ctx) {
    HttpConfig h = c.httpConfig;
    ApacheHttpClient.Builder http =
        ApacheHttpClient.builder()
            .maxConnections(h.poolSize())
            .connectionTimeout(Duration.ofSeconds(30))
            .socketTimeout(h.responseHeaderTimeout)
            .connectionMaxIdleTime(h.idleConnTimeout)
            .expectContinueEnabled(!h.expectContinueTimeout.isZero());
    TrustManager[] tms = h.tlsConfig.trustManagers(false, "config.http_config.tls_config");
    if (tms != null) {
      http.tlsTrustManagersProvider(() -> tms);
    }
    KeyManager[] kms = h.tlsConfig.keyManagers("config.http_config.tls_config");
    if (kms != null) {
      http.tlsKeyManagersProvider(() -> kms);
    }
    if (!h.tlsConfig.serverName.isEmpty()) {
      LOG.atWarn()
          .addKeyValue("server_name", h.tlsConfig.serverName)
          .log("s3: http_config.tls_config.server_name is not used by this client");
    }
    SdkHttpClient httpClient =
        h.skipVerify()
            ? http.buildWithDefaults(
                AttributeMap.builder()
                    .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, true)
                    .build())
            : http.build();

    boolean aws = isAws(c.endpoint);
    boolean pathStyle =
        switch (c.bucketLookupType) {
          case "path" -> true;
          case "virtual-hosted" -> false;
          default -> !aws && !c.endpoint.toLowerCase(Locale.ROOT).contains("aliyuncs.com");
        };
    S3ClientBuilder b =
        S3Client.builder()
            .httpClient(httpClient)
            .region(region(c))
            .credentialsProvider(credentials(c, httpClient))
            .forcePathStyle(pathStyle)
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(
                o -> {
                  o.retryStrategy(AwsRetryStrategy.doNotRetry());
                  o.putHeader("User-Agent", ctx.userAgent());
                  if (c.trace.enable) {
                    o.addExecutionInterceptor(new TraceInterceptor());
                  }
                });
    if (aws && c.region.isEmpty() && region(c).equals(Region.US_EAST_1)) {
      // Global endpoint and no region: follow the bucket to its region, as minio-go does.
      b.crossRegionAccessEnabled(true);
    }
    if (aws) {
      // AWS: let the SDK pick the regional endpoint, dual-stack unless disabled (minio-go default).
      b.dualstackEnabled(!c.disableDualstack);
      if (c.insecure) {
        b.endpointOverride(URI.create("http://" + c.endpoint));
      }
    } else {
      b.endpointOverride(URI.create((c.insecure ? "http://" : "https://") + c.endpoint));
    }
    return b.build();
  }

  private static AwsCredentialsProvider credentials(S3Config c, SdkHttpClient http) {
    if (c.awsSdkAuth) {
      return DefaultCredentialsProvider.builder().build();
    }
    if (!c.accessKey.isEmpty()) {
      return StaticCredentialsProvider.create(
          c.sessionToken.isEmpty()
              ? AwsBasicCredentials.create(c.accessKey, c.secretKey)
              : AwsSessionCredentials.create(c.accessKey, c.secretKey, c.sessionToken));
    }
    // minio-go's chain: environment, shared credentials file, then IAM (web identity through STS,
    // the container endpoint, the instance profile); anonymous when none has credentials.
    AwsCredentialsProviderChain.Builder chain =
        AwsCredentialsProviderChain.builder()
            .reuseLastProviderEnabled(true)
            .addCredentialsProvider(EnvironmentVariableCredentialsProvider.create())
            .addCredentialsProvider(ProfileCredentialsProvider.create());
    Map<String, String> env = System.getenv();
    String tokenFile = env.get("AWS_WEB_IDENTITY_TOKEN_FILE");
    String role = env.get("AWS_ROLE_ARN");
    if (tokenFile != null && role != null) {
      var sts = StsClient.builder().httpClient(http).region(region(c));
      if (!c.stsEndpoint.isEmpty()) {
        sts.endpointOverride(URI.create(c.stsEndpoint));
      }
      StsClient stsClient = sts.build();
      chain.addCredentialsProvider(
          StsAssumeRoleWithWebIdentityCredentialsProvider.builder()
              .stsClient(stsClient)
              .refreshRequest(
                  () -> {
                    try {
                      return software.amazon.awssdk.services.sts.model
                          .AssumeRoleWithWebIdentityRequest.builder()
                          .roleArn(role)
                          .roleSessionName(
                              env.getOrDefault("AWS_ROLE_SESSION_NAME", "jthanos-objstore"))
                          .webIdentityToken(Files.readString(Path.of(tokenFile)).strip())
                          .build();
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  })
              .build());
    }
    chain.addCredentialsProvider(ContainerCredentialsProvider.create());
    chain.addCredentialsProvider(InstanceProfileCredentialsProvider.create());
    chain.addCredentialsProvider(AnonymousCredentialsProvider.create());
    return chain.build();
  }

  static S3Bucket.Sse sse(S3Config c) throws IOException {
    return switch (c.sseConfig.type) {
      case "SSE-S3" -> S3Bucket.Sse.s3();
      case "SSE-KMS" -> S3Bucket.Sse.kms(c.sseConfig.kmsKeyId, c.sseConfig.kmsEncryptionContext);
      case "SSE-C" -> {
        byte[] key;
        try {
          key = Files.readAllBytes(Path.of(c.sseConfig.encryptionKey));
        } catch (IOException e) {
          throw err(
              "sse_config.encryption_key: cannot read " + c.sseConfig.encryptionKey + ": " + e,
              "sse_config.encryption_key");
        }
        if (key.length != 32) {
          throw err(
              "sse_config.encryption_key: the SSE-C key must be 32 bytes, got " + key.length,
              "sse_config.encryption_key");
        }
        yield S3Bucket.Sse.customer(key);
      }
      default -> S3Bucket.Sse.NONE;
    };
  }
}
