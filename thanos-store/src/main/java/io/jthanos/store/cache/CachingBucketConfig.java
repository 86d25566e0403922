package io.jthanos.store.cache;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.jthanos.config.ConfigException;
import io.jthanos.config.ConfigMapper;
import io.jthanos.objstore.Bucket;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --store.caching-bucket.config}, Thanos' format: {@code type} (IN-MEMORY, MEMCACHED,
 * REDIS), the backend's {@code config}, and the caching bucket's own keys with Thanos' defaults.
 */
public final class CachingBucketConfig {
  private static final Logger log = LoggerFactory.getLogger(CachingBucketConfig.class);

  @JsonProperty("type")
  public String type = "";

  @JsonProperty("config")
  public JsonNode config;

  @JsonProperty("chunk_subrange_size")
  public long chunkSubrangeSize = 16000;

  @JsonProperty("max_chunks_get_range_requests")
  public int maxChunksGetRangeRequests = 3;

  @JsonProperty("metafile_max_size")
  public Bytes metafileMaxSize = new Bytes(1L << 20);

  @JsonProperty("chunk_object_attrs_ttl")
  public Duration chunkObjectAttrsTtl = Duration.ofHours(24);

  @JsonProperty("chunk_subrange_ttl")
  public Duration chunkSubrangeTtl = Duration.ofHours(24);

  @JsonProperty("blocks_iter_ttl")
  public Duration blocksIterTtl = Duration.ofMinutes(5);

  @JsonProperty("metafile_exists_ttl")
  public Duration metafileExistsTtl = Duration.ofHours(2);

  @JsonProperty("metafile_doesnt_exist_ttl")
  public Duration metafileDoesntExistTtl = Duration.ofMinutes(15);

  @JsonProperty("metafile_content_ttl")
  public Duration metafileContentTtl = Duration.ofHours(24);

  /** Parses and validates the YAML. */
  public static CachingBucketConfig parse(String yaml) {
    CachingBucketConfig c = ConfigMapper.bindYaml(yaml, CachingBucketConfig.class, WHAT);
    if (c.chunkSubrangeSize <= 0 || c.chunkSubrangeSize > (64 << 20)) {
      throw new ConfigException(
          WHAT + ": chunk_subrange_size must be in (0, 64MiB], got " + c.chunkSubrangeSize,
          "chunk_subrange_size");
    }
    if (c.metafileMaxSize.value() > (64L << 20)) {
      throw new ConfigException(
          WHAT + ": metafile_max_size must be at most 64MiB", "metafile_max_size");
    }
    return c;
  }

  private static final String WHAT = "caching bucket config";

  /**
   * Wraps {@code bkt} in a caching bucket as the config says.
   *
   * @param yaml the {@code --store.caching-bucket.config} content, or null/blank for none (then
   *     {@code bkt} itself is returned)
   */
  public static Bucket wrap(String yaml, Bucket bkt, MeterRegistry reg) {
    if (yaml == null || yaml.isBlank()) {
      return bkt;
    }
    CachingBucketConfig c = parse(yaml);
    JsonNode node = c.config == null ? ConfigMapper.yaml().createObjectNode() : c.config;
    String type = c.type == null ? "" : c.type.trim().toUpperCase(Locale.ROOT);
    RemoteCacheClient client;
    switch (type) {
      case "IN-MEMORY", "INMEMORY" -> {
        IndexCacheFactory.InMemoryConfig im =
            ConfigMapper.bindTree(node, IndexCacheFactory.InMemoryConfig.class, WHAT, "config");
        try {
          client =
              new InMemoryCacheClient(
                  "caching-bucket", im.maxSize.value(), im.maxItemSize.value(), reg);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(WHAT + ": " + e.getMessage(), "config.max_item_size", e);
        }
      }
      case "MEMCACHED" -> {
        MemcachedConfig mc = ConfigMapper.bindTree(node, MemcachedConfig.class, WHAT, "config");
        try {
          mc.validate();
          client = new MemcachedClient("caching-bucket", mc, reg);
        } catch (IllegalArgumentException | IOException e) {
          throw new ConfigException(WHAT + ": " + e.getMessage(), "config", e);
        }
      }
      case "REDIS" -> {
        RedisConfig rc = ConfigMapper.bindTree(node, RedisConfig.class, WHAT, "config");
        try {
          rc.validate();
          client = new RedisCacheClient("caching-bucket", rc, reg);
        } catch (RuntimeException e) {
          throw new ConfigException(WHAT + ": " + e.getMessage(), "config", e);
        }
      }
      default ->
          throw new ConfigException(
              WHAT
                  + ": unsupported cache type \""
                  + c.type
                  + "\" (IN-MEMORY, MEMCACHED, REDIS; GROUPCACHE is not supported)",
              "type");
    }
    log.atInfo()
        .addKeyValue("type", type)
        .addKeyValue("chunkSubrangeSize", c.chunkSubrangeSize)
        .addKeyValue("maxChunksGetRangeRequests", c.maxChunksGetRangeRequests)
        .log("created caching bucket");
    return new CachingBucket(bkt, client, c, reg);
  }
}
