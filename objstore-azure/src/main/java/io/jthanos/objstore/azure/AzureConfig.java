package io.jthanos.objstore.azure;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jthanos.objstore.http.HttpConfig;
import java.time.Duration;

/** The keys of {@code type: AZURE}, with Thanos' defaults (thanos-io/objstore providers/azure). */
public final class AzureConfig {
  @JsonProperty("az_tenant_id")
  public String azTenantId = "";

  @JsonProperty("client_id")
  public String clientId = "";

  @JsonProperty("client_secret")
  public String clientSecret = "";

  @JsonProperty("storage_account")
  public String storageAccount = "";

  @JsonProperty("storage_account_key")
  public String storageAccountKey = "";

  @JsonProperty("storage_connection_string")
  public String storageConnectionString = "";

  @JsonProperty("storage_create_container")
  public boolean storageCreateContainer = true;

  @JsonProperty("container")
  public String container = "";

  @JsonProperty("endpoint")
  public String endpoint = "blob.core.windows.net";

  @JsonProperty("user_assigned_id")
  public String userAssignedId = "";

  @JsonProperty("max_retries")
  public int maxRetries;

  @JsonProperty("reader_config")
  public Reader readerConfig = new Reader();

  @JsonProperty("pipeline_config")
  public Pipeline pipelineConfig = new Pipeline();

  @JsonProperty("http_config")
  public HttpConfig httpConfig = new HttpConfig();

  /** Deprecated in Thanos (set by the SDK); accepted and ignored with a warning. */
  @JsonProperty("msi_resource")
  public String msiResource = "";

  /** "", "blob" or "datalake"; both kinds are served through the Blob API here. */
  @JsonProperty("azure_storage_account_type")
  public String storageAccountType = "";

  public static final class Reader {
    @JsonProperty("max_retry_requests")
    public int maxRetryRequests;
  }

  public static final class Pipeline {
    @JsonProperty("max_tries")
    public int maxTries;

    @JsonProperty("try_timeout")
    public Duration tryTimeout = Duration.ZERO;

    @JsonProperty("retry_delay")
    public Duration retryDelay = Duration.ZERO;

    @JsonProperty("max_retry_delay")
    public Duration maxRetryDelay = Duration.ZERO;
  }
}
