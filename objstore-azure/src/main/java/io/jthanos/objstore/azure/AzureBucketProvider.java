package io.jthanos.objstore.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type: AZURE}. Authentication as Thanos: a connection string, else the account key, else a
 * service principal (az_tenant_id, client_id, client_secret), else the user-assigned managed
 * identity, else the default Azure credential chain. The SDK's own retries are off; {@link
 * RetryingBucket} retries with {@code pipeline_config} (or {@code max_retries}).
 */
public final class AzureBucketProvider implements BucketProvider {
  private static final Logger LOG = LoggerFactory.getLogger(AzureBucketProvider.class);

  /** azcore's defaults: 4 tries, 800ms growing to at most 60s. */
  static final int DEFAULT_TRIES = 4;

  static final Duration DEFAULT_DELAY = Duration.ofMillis(800);
  static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(60);

  @Override
  public String type() {
    return "AZURE";
  }

  private static ConfigException err(String msg, String key) {
    return new ConfigException(BucketConfig.bindWhat() + ": " + msg, "config." + key);
  }

  static void validate(AzureConfig c) {
    List<String> errs = new ArrayList<>();
    String key = null;
    if (!c.userAssignedId.isEmpty() && !c.storageAccountKey.isEmpty()) {
      errs.add("user_assigned_id cannot be set when using storage_account_key authentication");
      key = "user_assigned_id";
    }
    if (!c.userAssignedId.isEmpty() && !c.storageConnectionString.isEmpty()) {
      errs.add(
          "user_assigned_id cannot be set when using storage_connection_string authentication");
      key = "user_assigned_id";
    }
    if (!c.userAssignedId.isEmpty() && !c.clientId.isEmpty()) {
      errs.add("user_assigned_id cannot be set when using client_id authentication");
      key = "user_assigned_id";
    }
    boolean anySp = !c.azTenantId.isEmpty() || !c.clientSecret.isEmpty() || !c.clientId.isEmpty();
    boolean allSp = !c.azTenantId.isEmpty() && !c.clientSecret.isEmpty() && !c.clientId.isEmpty();
    if (anySp && !allSp) {
      errs.add("az_tenant_id, client_id, and client_secret must be set together");
      key = key == null ? "az_tenant_id" : key;
    }
    if (!c.storageAccountKey.isEmpty() && !c.storageConnectionString.isEmpty()) {
      errs.add("storage_account_key and storage_connection_string cannot both be set");
      key = key == null ? "storage_account_key" : key;
    }
    if (c.storageAccount.isEmpty()) {
      errs.add("storage_account_name is required but not configured");
      key = key == null ? "storage_account" : key;
    }
    if (c.container.isEmpty()) {
      errs.add("no container specified");
      key = key == null ? "container" : key;
    }
    if (c.pipelineConfig.maxTries < 0) {
      errs.add("The value of max_tries must be greater than or equal to 0 in the config file");
      key = key == null ? "pipeline_config.max_tries" : key;
    }
    if (c.readerConfig.maxRetryRequests < 0) {
      errs.add(
          "The value of max_retry_requests must be greater than or equal to 0 in the config file");
      key = key == null ? "reader_config.max_retry_requests" : key;
    }
    String t = c.storageAccountType;
    if (!t.isEmpty() && !t.equals("blob") && !t.equals("datalake")) {
      errs.add("azure_storage_account_type must be blob or datalake");
      key = key == null ? "azure_storage_account_type" : key;
    }
    if (!errs.isEmpty()) {
      throw err(String.join(", ", errs), key);
    }
  }

  /** Thanos: a positive max_retries fills pipeline max_tries and reader retries left at 0. */
  static void applyMaxRetries(AzureConfig c) {
    if (c.maxRetries > 0) {
      if (c.pipelineConfig.maxTries == 0) {
        c.pipelineConfig.maxTries = c.maxRetries;
      }
      if (c.readerConfig.maxRetryRequests == 0) {
        c.readerConfig.maxRetryRequests = c.maxRetries;
      }
    }
  }

  static RetryPolicy retryPolicy(AzureConfig c) {
    AzureConfig.Pipeline p = c.pipelineConfig;
    return new RetryPolicy(
        p.maxTries > 0 ? p.maxTries : DEFAULT_TRIES,
        p.retryDelay.isZero() ? DEFAULT_DELAY : p.retryDelay,
        p.maxRetryDelay.isZero() ? DEFAULT_MAX_DELAY : p.maxRetryDelay);
  }

  @Override
  public Bucket create(JsonNode config, BucketContext ctx) throws IOException {
    AzureConfig c = BucketConfig.bind(config, AzureConfig.class);
    applyMaxRetries(c);
    validate(c);
    if (!c.msiResource.isEmpty()) {
      LOG.atWarn().log("the field msi_resource has been deprecated and should no longer be set");
    }
    BlobServiceClientBuilder b = serviceClientBuilder(c, ctx);
    AzureBucket raw =
        new AzureBucket(
            b.buildClient().getBlobContainerClient(c.container),
            b.buildAsyncClient().getBlobContainerAsyncClient(c.container),
            c.readerConfig.maxRetryRequests);
    if (c.storageCreateContainer) {
      raw.createContainerIfMissing();
    }
    return new RetryingBucket(raw, retryPolicy(c));
  }

  static HttpClient httpClient(HttpConfig h) {
    java.net.http.HttpClient.Builder jdk =
        java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30));
    SSLContext ssl = h.tlsConfig.sslContext(h.skipVerify(), "config.http_config.tls_config");
    if (ssl != null) {
      jdk.sslContext(ssl);
    }
    return new JdkHttpClientBuilder(jdk)
        .connectionTimeout(Duration.ofSeconds(30))
        .responseTimeout(h.responseHeaderTimeout)
        .build();
  }

  static BlobServiceClientBuilder serviceClientBuilder(AzureConfig c, BucketContext ctx) {
    HttpClient http = httpClient(c.httpConfig);
    Duration tryTimeout = c.pipelineConfig.tryTimeout;
    RequestRetryOptions noSdkRetries =
        new RequestRetryOptions(
            RetryPolicyType.FIXED,
            1,
            tryTimeout.isZero() ? null : Duration.ofSeconds(Math.max(1, tryTimeout.toSeconds())),
            null,
            null,
            null);
    BlobServiceClientBuilder b =
        new BlobServiceClientBuilder()
            .httpClient(http)
            .retryOptions(noSdkRetries)
            .clientOptions(
                new com.azure.core.util.HttpClientOptions().setApplicationId(ctx.userAgent()));
    if (!c.storageConnectionString.isEmpty()) {
      b.connectionString(c.storageConnectionString);
    } else {
      b.endpoint("https://" + c.storageAccount + "." + c.endpoint);
      if (!c.storageAccountKey.isEmpty()) {
        b.credential(new StorageSharedKeyCredential(c.storageAccount, c.storageAccountKey));
      } else {
        b.credential(tokenCredential(c, http));
      }
    }
    if (c.storageAccountType.equals("datalake")) {
      LOG.atInfo().log("azure: data lake gen2 account served through the blob api");
    }
    return b;
  }

  private static TokenCredential tokenCredential(AzureConfig c, HttpClient http) {
    if (!c.clientId.isEmpty() && !c.clientSecret.isEmpty()) {
      return new ClientSecretCredentialBuilder()
          .tenantId(c.azTenantId)
          .clientId(c.clientId)
          .clientSecret(c.clientSecret)
          .httpClient(http)
          .build();
    }
    if (!c.userAssignedId.isEmpty()) {
      return new ManagedIdentityCredentialBuilder()
          .clientId(c.userAssignedId)
          .httpClient(http)
          .build();
    }
    return new DefaultAzureCredentialBuilder().httpClient(http).build();
  }
}
