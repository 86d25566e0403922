package io.jthanos.store.cache;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.jthanos.config.ConfigException;
import io.jthanos.config.ConfigMapper;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the index cache from {@code --index-cache.config} (Thanos' format: {@code type:
 * IN-MEMORY|MEMCACHED|REDIS}, {@code config:}, {@code enabled_items:}, {@code ttl:}), or an
 * in-memory cache of {@code --index-cache-size} bytes when no config is given.
 */
public final class IndexCacheFactory {
  private static final Logger log = LoggerFactory.getLogger(IndexCacheFactory.class);

  /** Thanos' default TTL of remote index cache items. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(24);

  private IndexCacheFactory() {}

  /** The top level of {@code --index-cache.config}. */
  public static final class Config {
    @JsonProperty("type")
    public String type = "";

    @JsonProperty("config")
    public JsonNode config;

    @JsonProperty("enabled_items")
    public List<String> enabledItems = new ArrayList<>();

    @JsonProperty("ttl")
    public Duration ttl = Duration.ZERO;
  }

  /** Thanos' in-memory index cache config. */
  public static final class InMemoryConfig {
    @JsonProperty("max_size")
    public Bytes maxSize = new Bytes(250L << 20);

    @JsonProperty("max_item_size")
    public Bytes maxItemSize = new Bytes(125L << 20);
  }

  /** An in-memory cache bounded to {@code maxSize} bytes ({@code --index-cache-size}). */
  public static IndexCache inMemory(long maxSize, long maxItemSize, MeterRegistry reg) {
    IndexCacheMetrics m = new IndexCacheMetrics(reg);
    return new KeyedIndexCache(
        new InMemoryStore(maxSize, Math.min(maxItemSize, maxSize), m.registry()), Set.of(), m);
  }

  /**
   * The cache a store gateway runs with.
   *
   * @param yaml the {@code --index-cache.config} content, or null/blank for none
   * @param defaultSize {@code --index-cache-size}
   */
  public static IndexCache create(String yaml, long defaultSize, MeterRegistry reg) {
    if (yaml == null || yaml.isBlank()) {
      if (defaultSize == 0) {
        return IndexCache.NONE;
      }
      return inMemory(defaultSize, Math.min(125L << 20, defaultSize), reg);
    }
    Config c = ConfigMapper.bindYaml(yaml, Config.class, "index cache config");
    Set<ItemType> items = EnumSet.noneOf(ItemType.class);
    for (String s : c.enabledItems) {
      try {
        items.add(ItemType.parse(s));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("index cache config: " + e.getMessage(), "enabled_items", e);
      }
    }
    Duration ttl = c.ttl.isZero() ? DEFAULT_TTL : c.ttl;
    JsonNode node = c.config == null ? ConfigMapper.yaml().createObjectNode() : c.config;
    String type = c.type == null ? "" : c.type.trim().toUpperCase(Locale.ROOT);
    IndexCacheMetrics metrics = new IndexCacheMetrics(reg);
    switch (type) {
      case "IN-MEMORY", "INMEMORY" -> {
        InMemoryConfig im =
            ConfigMapper.bindTree(node, InMemoryConfig.class, "index cache config", "config");
        if (im.maxItemSize.value() > im.maxSize.value()) {
          throw new ConfigException(
              "index cache config: max item size ("
                  + im.maxItemSize.value()
                  + ") cannot be bigger than overall cache size ("
                  + im.maxSize.value()
                  + ")",
              "config.max_item_size");
        }
        log.atInfo()
            .addKeyValue("maxSizeBytes", im.maxSize.value())
            .addKeyValue("maxItemSizeBytes", im.maxItemSize.value())
            .log("created in-memory index cache");
        return new KeyedIndexCache(
            new InMemoryStore(im.maxSize.value(), im.maxItemSize.value(), metrics.registry()),
            items,
            metrics);
      }
      case "MEMCACHED" -> {
        MemcachedConfig mc =
            ConfigMapper.bindTree(node, MemcachedConfig.class, "index cache config", "config");
        try {
          mc.validate();
          return new KeyedIndexCache(
              new RemoteStore(new MemcachedClient("index-cache", mc, metrics.registry()), ttl),
              items,
              metrics);
        } catch (IllegalArgumentException | IOException e) {
          throw new ConfigException("index cache config: " + e.getMessage(), "config", e);
        }
      }
      case "REDIS" -> {
        RedisConfig rc =
            ConfigMapper.bindTree(node, RedisConfig.class, "index cache config", "config");
        try {
          rc.validate();
          return new KeyedIndexCache(
              new RemoteStore(new RedisCacheClient("index-cache", rc, metrics.registry()), ttl),
              items,
              metrics);
        } catch (RuntimeException e) {
          throw new ConfigException("index cache config: " + e.getMessage(), "config", e);
        }
      }
      default ->
          throw new ConfigException(
              "index cache config: unsupported cache type \""
                  + c.type
                  + "\" (IN-MEMORY, MEMCACHED, REDIS)",
              "type");
    }
  }

  /** A {@link KeyedIndexCache.Store} over a remote cache client. */
  static final class RemoteStore implements KeyedIndexCache.Store {
    private final RemoteCacheClient client;
    private final Duration ttl;

    RemoteStore(RemoteCacheClient client, Duration ttl) {
      this.client = client;
      this.ttl = ttl;
    }

    RemoteCacheClient client() {
      return client;
    }

    @Override
    public Map<String, byte[]> getMulti(List<String> keys) {
      return client.getMulti(keys);
    }

    @Override
    public void set(String key, byte[] value, ItemType type) {
      client.setAsync(key, value, ttl);
    }

    @Override
    public void close() {
      client.close();
    }
  }
}
