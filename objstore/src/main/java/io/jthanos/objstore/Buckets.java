package io.jthanos.objstore;

import io.jthanos.config.ConfigException;
import io.jthanos.config.PathOrContent;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Builds buckets from the Thanos bucket config. A component does:
 *
 * <pre>{@code
 * PathOrContent flag = new PathOrContent("objstore.config-file", "objstore.config", file, content);
 * try (Bucket bkt = Buckets.fromFlags(flag, "store", registry)) { ... }
 * }</pre>
 *
 * The result is the provider's bucket (with retries), confined to {@code prefix:} when set, and
 * instrumented with {@code thanos_objstore_bucket_*} metrics.
 */
public final class Buckets {
  /** Every type Thanos knows, supported or not. */
  public static final List<String> TYPES =
      List.of("S3", "GCS", "AZURE", "SWIFT", "COS", "ALIYUNOSS", "BOS", "FILESYSTEM", "OCI", "OBS");

  /** The types this project implements, with the module that provides each. */
  public static final Map<String, String> SUPPORTED =
      Map.of(
          "FILESYSTEM",
          "objstore",
          "S3",
          "objstore-s3",
          "GCS",
          "objstore-gcs",
          "AZURE",
          "objstore-azure");

  /** Not supported yet: what a user of each can do instead. */
  static final Map<String, String> UNSUPPORTED =
      Map.of(
          "SWIFT",
          "use type S3 against the cluster's S3 API (the Swift s3api middleware), if enabled",
          "COS",
          "use type S3 with endpoint cos.<region>.myqcloud.com (COS is S3-compatible)",
          "ALIYUNOSS",
          "use type S3 with endpoint oss-<region>.aliyuncs.com and bucket_lookup_type:"
              + " virtual-hosted (OSS is S3-compatible)",
          "BOS",
          "use type S3 with endpoint s3.<region>.bcebos.com (BOS has an S3-compatible API)",
          "OCI",
          "use type S3 with endpoint <namespace>.compat.objectstorage.<region>.oraclecloud.com"
              + " and bucket_lookup_type: path (the Amazon S3 Compatibility API)",
          "OBS",
          "use type S3 with endpoint obs.<region>.myhuaweicloud.com (OBS is S3-compatible)");

  private Buckets() {}

  /** From {@code --objstore.config-file} / {@code --objstore.config} (one is required). */
  public static Bucket fromFlags(PathOrContent flags, String component, MeterRegistry registry)
      throws IOException {
    return create(flags.readRequired(), new BucketContext(component), registry);
  }

  /** From config text (already {@code $(VAR)}-expanded), instrumented on {@code registry}. */
  public static Bucket create(String yaml, BucketContext ctx, MeterRegistry registry)
      throws IOException {
    return new InstrumentedBucket(createUninstrumented(BucketConfig.parse(yaml), ctx), registry);
  }

  /** The provider's bucket with retries and prefix, without metrics. */
  public static Bucket createUninstrumented(BucketConfig cfg, BucketContext ctx)
      throws IOException {
    BucketProvider p = provider(cfg.type());
    Bucket b = p.create(cfg.config(), ctx);
    try {
      return PrefixedBucket.wrap(b, cfg.prefix());
    } catch (IllegalArgumentException e) {
      b.close();
      throw new ConfigException(
          BucketConfig.WHAT + ": invalid key \"prefix\": " + e.getMessage(), "prefix", e);
    }
  }

  /** The provider for a type, or a {@link ConfigException} saying why there is none. */
  public static BucketProvider provider(String type) {
    String t = type.toUpperCase(java.util.Locale.ROOT);
    Map<String, BucketProvider> found = providers();
    BucketProvider p = found.get(t);
    if (p != null) {
      return p;
    }
    if (UNSUPPORTED.containsKey(t)) {
      throw new ConfigException(
          BucketConfig.WHAT + ": type " + t + " is not supported yet; " + UNSUPPORTED.get(t),
          "type");
    }
    if (SUPPORTED.containsKey(t)) {
      throw new ConfigException(
          BucketConfig.WHAT
              + ": type "
              + t
              + " is not available in this program (module "
              + SUPPORTED.get(t)
              + " is not on the classpath)",
          "type");
    }
    throw new ConfigException(
        BucketConfig.WHAT
            + ": unknown type \""
            + type
            + "\" (valid: "
            + String.join(", ", new java.util.TreeSet<>(SUPPORTED.keySet()))
            + ")",
        "type");
  }

  /** The providers on the classpath, by type. */
  public static Map<String, BucketProvider> providers() {
    Map<String, BucketProvider> m = new TreeMap<>();
    for (BucketProvider p :
        ServiceLoader.load(BucketProvider.class, Buckets.class.getClassLoader())) {
      m.putIfAbsent(p.type().toUpperCase(java.util.Locale.ROOT), p);
    }
    return m;
  }
}
