package io.jthanos.objstore;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * Creates buckets of one {@code type:}. Implementations are found with {@link
 * java.util.ServiceLoader} (list them in {@code
 * META-INF/services/io.jthanos.objstore.BucketProvider}), one per provider module, so a provider's
 * SDK stays inside its module.
 */
public interface BucketProvider {
  /** The config {@code type:} in upper case, e.g. {@code S3}. */
  String type();

  /**
   * Binds {@code config} (the {@code config:} node, possibly empty) strictly, every key Thanos
   * accepts for this type and no other, and returns the provider's bucket with its retries. Bad
   * config is a {@link io.jthanos.config.ConfigException} naming the key.
   */
  Bucket create(JsonNode config, BucketContext ctx) throws IOException;
}
