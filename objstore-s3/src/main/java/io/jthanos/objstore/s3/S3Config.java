package io.jthanos.objstore.s3;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jthanos.objstore.http.HttpConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/** The keys of {@code type: S3}, with Thanos' defaults (thanos-io/objstore providers/s3). */
public final class S3Config {
  @JsonProperty("bucket")
  public String bucket = "";

  @JsonProperty("endpoint")
  public String endpoint = "";

  @JsonProperty("region")
  public String region = "";

  @JsonProperty("disable_dualstack")
  public boolean disableDualstack;

  @JsonProperty("aws_sdk_auth")
  public boolean awsSdkAuth;

  @JsonProperty("access_key")
  public String accessKey = "";

  @JsonProperty("insecure")
  public boolean insecure;

  @JsonProperty("signature_version2")
  public boolean signatureVersion2;

  @JsonProperty("secret_key")
  public String secretKey = "";

  @JsonProperty("session_token")
  public String sessionToken = "";

  @JsonProperty("put_user_metadata")
  public Map<String, String> putUserMetadata = new LinkedHashMap<>();

  @JsonProperty("http_config")
  public HttpConfig httpConfig = new HttpConfig();

  @JsonProperty("trace")
  public Trace trace = new Trace();

  @JsonProperty("list_objects_version")
  public String listObjectsVersion = "";

  @JsonProperty("bucket_lookup_type")
  public String bucketLookupType = "auto";

  @JsonProperty("send_content_md5")
  public boolean sendContentMd5 = true;

  @JsonProperty("disable_multipart")
  public boolean disableMultipart;

  @JsonProperty("part_size")
  public long partSize = 64L << 20;

  @JsonProperty("sse_config")
  public Sse sseConfig = new Sse();

  @JsonProperty("sts_endpoint")
  public String stsEndpoint = "";

  @JsonProperty("max_retries")
  public int maxRetries;

  public static final class Trace {
    @JsonProperty("enable")
    public boolean enable;
  }

  public static final class Sse {
    @JsonProperty("type")
    public String type = "";

    @JsonProperty("kms_key_id")
    public String kmsKeyId = "";

    @JsonProperty("kms_encryption_context")
    public Map<String, String> kmsEncryptionContext = new LinkedHashMap<>();

    /** Path of a file holding the 32-byte SSE-C key. */
    @JsonProperty("encryption_key")
    public String encryptionKey = "";
  }
}
