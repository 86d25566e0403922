package io.jthanos.store.cache;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A remote key/value cache (Thanos' {@code RemoteCacheClient}): multi-gets whose failures are
 * logged and counted and yield no hits, and asynchronous sets that never block or fail the caller.
 */
public interface RemoteCacheClient extends AutoCloseable {

  /** The hits among {@code keys} (absent keys and failures are simply missing). */
  Map<String, byte[]> getMulti(List<String> keys);

  /** Enqueues storing {@code value} under {@code key} for {@code ttl}; dropped when overloaded. */
  void setAsync(String key, byte[] value, Duration ttl);

  @Override
  void close();
}
