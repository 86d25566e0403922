package io.jthanos.objstore.gcs;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.jthanos.objstore.http.HttpConfig;

/** The keys of {@code type: GCS}, with Thanos' defaults (thanos-io/objstore providers/gcs). */
public final class GcsConfig {
  @JsonProperty("bucket")
  public String bucket = "";

  /** The service account key JSON itself (not a path); else application default credentials. */
  @JsonProperty("service_account")
  public String serviceAccount = "";

  @JsonProperty("use_grpc")
  public boolean useGrpc;

  @JsonProperty("grpc_conn_pool_size")
  public int grpcConnPoolSize;

  @JsonProperty("http_config")
  public HttpConfig httpConfig = new HttpConfig();

  /** Bytes per resumable-upload request; 0 keeps the client's default (16 MiB). */
  @JsonProperty("chunk_size_bytes")
  public int chunkSizeBytes;

  /** Attempts for each operation; 0 keeps the default. */
  @JsonProperty("max_retries")
  public int maxRetries;
}
