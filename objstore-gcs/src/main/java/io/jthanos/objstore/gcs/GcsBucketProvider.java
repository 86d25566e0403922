package io.jthanos.objstore.gcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.FixedHeaderProvider;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.jthanos.config.ConfigException;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.BucketConfig;
import io.jthanos.objstore.BucketContext;
import io.jthanos.objstore.BucketProvider;
import io.jthanos.objstore.RetryPolicy;
import io.jthanos.objstore.RetryingBucket;
import io.jthanos.objstore.http.HttpConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type: GCS}. Credentials: {@code service_account} (the key JSON), else application default
 * credentials. GCS has no endpoint key: emulators are reached through the {@code
 * STORAGE_EMULATOR_HOST} environment variable (then without credentials), as with Thanos. The
 * client's own retries are off; {@link RetryingBucket} retries up to {@code max_retries} attempts.
 */
public final class GcsBucketProvider implements BucketProvider {
  private static final Logger LOG = LoggerFactory.getLogger(GcsBucketProvider.class);
  static final String EMULATOR_ENV = "STORAGE_EMULATOR_HOST";
  static final List<String> SCOPES =
      List.of(
          "https://www.googleapis.com/auth/devstorage.full_control",
          "https://www.googleapis.com/auth/cloud-platform");

  private final Function<String, String> env;

  public GcsBucketProvider() {
    this(System::getenv);
  }

  GcsBucketProvider(Function<String, String> env) {
    this.env = env;
  }

  @Override
  public String type() {
    return "GCS";
  }

  @Override
  public Bucket create(JsonNode config, BucketContext ctx) throws IOException {
    GcsConfig c = BucketConfig.bind(config, GcsConfig.class);
    if (c.bucket.isBlank()) {
      throw new ConfigException(
          BucketConfig.bindWhat()
              + ": missing Google Cloud Storage bucket name for stored blocks (key \"bucket\")",
          "config.bucket");
    }
    if (c.chunkSizeBytes < 0 || c.chunkSizeBytes % (256 * 1024) != 0) {
      throw new ConfigException(
          BucketConfig.bindWhat()
              + ": chunk_size_bytes must be a multiple of 262144 (256 KiB), got "
              + c.chunkSizeBytes,
          "config.chunk_size_bytes");
    }
    if (c.maxRetries < 0) {
      throw new ConfigException(
          BucketConfig.bindWhat() + ": max_retries must be >= 0", "config.max_retries");
    }
    Storage storage = storage(c, ctx);
    GcsBucket raw =
        new GcsBucket(
            storage, c.bucket, c.chunkSizeBytes > 0 ? c.chunkSizeBytes : GcsBucket.DEFAULT_CHUNK);
    return new RetryingBucket(raw, RetryPolicy.ofAttempts(c.maxRetries));
  }

  Storage storage(GcsConfig c, BucketContext ctx) throws IOException {
    StorageOptions.Builder b = c.useGrpc ? StorageOptions.grpc() : StorageOptions.http();
    if (c.useGrpc && c.grpcConnPoolSize > 0) {
      LOG.atInfo()
          .addKeyValue("grpc_conn_pool_size", c.grpcConnPoolSize)
          .log("gcs: grpc_conn_pool_size is left to the client's channel pool");
    }
    b.setRetrySettings(RetrySettings.newBuilder().setMaxAttempts(1).build());
    b.setHeaderProvider(FixedHeaderProvider.create("User-Agent", ctx.userAgent()));
    String emulator = env.apply(EMULATOR_ENV);
    if (emulator != null && !emulator.isBlank()) {
      b.setHost(emulator.contains("://") ? emulator : "http://" + emulator);
      b.setCredentials(NoCredentials.getInstance());
      b.setProjectId("emulator");
    } else if (!c.serviceAccount.isBlank()) {
      try {
        b.setCredentials(
            GoogleCredentials.fromStream(
                    new ByteArrayInputStream(c.serviceAccount.getBytes(StandardCharsets.UTF_8)))
                .createScoped(SCOPES));
      } catch (IOException e) {
        throw new ConfigException(
            BucketConfig.bindWhat()
                + ": failed to create credentials from JSON (key \"service_account\"): "
                + e.getMessage(),
            "config.service_account",
            e);
      }
    }
    if (!c.useGrpc) {
      HttpConfig h = c.httpConfig;
      HttpTransportOptions.Builder t =
          HttpTransportOptions.newBuilder()
              .setConnectTimeout(30_000)
              .setReadTimeout(
                  (int) Math.min(Integer.MAX_VALUE, h.responseHeaderTimeout.toMillis()));
      SSLContext ssl = h.tlsConfig.sslContext(h.skipVerify(), "config.http_config.tls_config");
      if (ssl != null) {
        NetHttpTransport transport =
            new NetHttpTransport.Builder().setSslSocketFactory(ssl.getSocketFactory()).build();
        t.setHttpTransportFactory(() -> transport);
      }
      ((StorageOptions.Builder) b).setTransportOptions(t.build());
    }
    return b.build().getService();
  }
}
