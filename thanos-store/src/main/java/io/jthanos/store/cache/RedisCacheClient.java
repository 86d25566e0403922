package io.jthanos.store.cache;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thanos' {@code REDIS} cache client on Lettuce: multi-gets as {@code MGET} batches of {@code
 * get_multi_batch_size} (at most {@code max_get_multi_concurrency} at once, bounded by {@code
 * read_timeout}), sets as {@code SET key value EX ttl} sent asynchronously (at most {@code
 * max_set_multi_concurrency} outstanding; more are dropped). Username/password, {@code db}, TLS and
 * Sentinel ({@code master_name}) as configured. Exports {@code
 * thanos_redis_operation_duration_seconds{operation}}.
 */
public final class RedisCacheClient implements RemoteCacheClient {
  private static final Logger log = LoggerFactory.getLogger(RedisCacheClient.class);

  private final RedisConfig cfg;
  private final RedisClient client;
  private final StatefulRedisConnection<String, byte[]> conn;
  private final RedisAsyncCommands<String, byte[]> cmd;
  private final Gate getGate;
  private final Semaphore setSlots;
  private final Timer getDuration;
  private final Timer setDuration;
  private final java.util.concurrent.BlockingQueue<Runnable> pending;
  private final java.util.concurrent.atomic.AtomicInteger inFlight =
      new java.util.concurrent.atomic.AtomicInteger();
  private final Thread dispatcher;
  private volatile boolean closed;

  public RedisCacheClient(String name, RedisConfig cfg, MeterRegistry reg) {
    cfg.validate();
    this.cfg = cfg;
    this.client = RedisClient.create();
    client.setOptions(
        ClientOptions.builder()
            .socketOptions(SocketOptions.builder().connectTimeout(cfg.dialTimeout).build())
            .timeoutOptions(TimeoutOptions.enabled(max(cfg.readTimeout, cfg.writeTimeout)))
            .sslOptions(sslOptions(cfg))
            .build());
    this.conn = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE), uri(cfg));
    this.cmd = conn.async();
    this.getGate = new Gate(cfg.maxGetMultiConcurrency, "thanos_redis_getmulti_", reg, name);
    this.setSlots =
        new Semaphore(
            cfg.maxSetMultiConcurrency > 0 ? cfg.maxSetMultiConcurrency : Integer.MAX_VALUE);
    this.getDuration = duration(reg, name, "getmulti");
    this.setDuration = duration(reg, name, "set");
    this.pending =
        new java.util.concurrent.ArrayBlockingQueue<>(Math.max(1, cfg.maxAsyncBufferSize));
    this.dispatcher = Thread.ofVirtual().name("redis-set-dispatcher").start(this::dispatch);
  }

  private void dispatch() {
    while (!closed) {
      try {
        Runnable r = pending.poll(200, TimeUnit.MILLISECONDS);
        if (r != null) {
          setSlots.acquire();
          r.run();
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static Timer duration(MeterRegistry reg, String name, String op) {
    return Timer.builder("thanos_redis_operation_duration")
        .description("Duration of operations against redis.")
        .tag("name", name)
        .tag("operation", op)
        .serviceLevelObjectives(
            Duration.ofMillis(1),
            Duration.ofMillis(5),
            Duration.ofMillis(10),
            Duration.ofMillis(25),
            Duration.ofMillis(50),
            Duration.ofMillis(100),
            Duration.ofMillis(200),
            Duration.ofMillis(500),
            Duration.ofSeconds(1),
            Duration.ofSeconds(3))
        .register(reg);
  }

  private static SslOptions sslOptions(RedisConfig cfg) {
    SslOptions.Builder b = SslOptions.builder().jdkSslProvider();
    if (cfg.tlsEnabled) {
      if (!cfg.tlsConfig.caFile.isEmpty()) {
        b.trustManager(new File(cfg.tlsConfig.caFile));
      }
      if (!cfg.tlsConfig.certFile.isEmpty()) {
        b.keyManager(new File(cfg.tlsConfig.certFile), new File(cfg.tlsConfig.keyFile), null);
      }
    }
    return b.build();
  }

  static RedisURI uri(RedisConfig cfg) {
    String[] addrs = cfg.addr.split(",");
    RedisURI.Builder b;
    if (!cfg.masterName.isEmpty()) {
      HostPort first = HostPort.parse(addrs[0].trim());
      b = RedisURI.Builder.sentinel(first.host(), first.port(), cfg.masterName);
      for (int i = 1; i < addrs.length; i++) {
        HostPort hp = HostPort.parse(addrs[i].trim());
        b.withSentinel(hp.host(), hp.port());
      }
    } else {
      if (addrs.length > 1) {
        throw new IllegalArgumentException(
            "several redis addresses need master_name (Sentinel); cluster mode is not supported");
      }
      HostPort hp = HostPort.parse(addrs[0].trim());
      b = RedisURI.Builder.redis(hp.host(), hp.port());
    }
    b.withDatabase(cfg.db).withTimeout(max(cfg.readTimeout, cfg.writeTimeout));
    if (!cfg.password.isEmpty()) {
      if (cfg.username.isEmpty()) {
        b.withPassword(cfg.password.toCharArray());
      } else {
        b.withAuthentication(cfg.username, cfg.password);
      }
    }
    if (cfg.tlsEnabled) {
      b.withSsl(true).withVerifyPeer(!cfg.tlsConfig.insecureSkipVerify);
    }
    return b.build();
  }

  record HostPort(String host, int port) {
    static HostPort parse(String s) {
      int c = s.lastIndexOf(':');
      if (c <= 0) {
        throw new IllegalArgumentException("redis address needs host:port: " + s);
      }
      String h = s.substring(0, c);
      if (h.startsWith("[") && h.endsWith("]")) {
        h = h.substring(1, h.length() - 1);
      }
      return new HostPort(h, Integer.parseInt(s.substring(c + 1)));
    }
  }

  @Override
  public Map<String, byte[]> getMulti(List<String> keys) {
    if (keys.isEmpty()) {
      return Map.of();
    }
    long start = System.nanoTime();
    int size = cfg.getMultiBatchSize > 0 ? cfg.getMultiBatchSize : keys.size();
    List<CompletableFuture<List<KeyValue<String, byte[]>>>> fs = new ArrayList<>();
    List<Boolean> gated = new ArrayList<>();
    Map<String, byte[]> out = new HashMap<>();
    try {
      for (int i = 0; i < keys.size(); i += size) {
        List<String> batch = keys.subList(i, Math.min(keys.size(), i + size));
        getGate.start();
        gated.add(true);
        CompletableFuture<List<KeyValue<String, byte[]>>> f =
            cmd.mget(batch.toArray(new String[0])).toCompletableFuture();
        f.whenComplete((r, e) -> getGate.done());
        fs.add(f);
      }
      long deadline = System.nanoTime() + cfg.readTimeout.toNanos();
      for (CompletableFuture<List<KeyValue<String, byte[]>>> f : fs) {
        long left = Math.max(1, deadline - System.nanoTime());
        for (KeyValue<String, byte[]> kv : f.get(left, TimeUnit.NANOSECONDS)) {
          if (kv.hasValue()) {
            out.put(kv.getKey(), kv.getValue());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return out;
    } catch (Exception e) {
      log.atWarn()
          .addKeyValue("items", keys.size())
          .addKeyValue("err", e.getMessage())
          .log("failed to mget items from redis");
      return out;
    }
    getDuration.record(Duration.ofNanos(System.nanoTime() - start));
    return out;
  }

  @Override
  public void setAsync(String key, byte[] value, Duration ttl) {
    if (closed) {
      return;
    }
    inFlight.incrementAndGet();
    if (!pending.offer(() -> send(key, value, ttl))) {
      inFlight.decrementAndGet();
      log.atDebug().addKeyValue("key", key).log("redis async buffer full, item not stored");
    }
  }

  /** Sends one SET; the caller holds a slot, released when redis answers. */
  private void send(String key, byte[] value, Duration ttl) {
    long start = System.nanoTime();
    SetArgs args = ttl.isZero() ? new SetArgs() : SetArgs.Builder.ex(Math.max(1, ttl.toSeconds()));
    try {
      cmd.set(key, value, args)
          .whenComplete(
              (r, e) -> {
                setSlots.release();
                inFlight.decrementAndGet();
                if (e != null) {
                  log.atWarn()
                      .addKeyValue("key", key)
                      .addKeyValue("value_size", value.length)
                      .addKeyValue("err", e.getMessage())
                      .log("failed to set item into redis");
                } else {
                  setDuration.record(Duration.ofNanos(System.nanoTime() - start));
                }
              });
    } catch (RuntimeException e) {
      setSlots.release();
      inFlight.decrementAndGet();
      log.atWarn()
          .addKeyValue("key", key)
          .addKeyValue("err", e.getMessage())
          .log("failed to set item into redis");
    }
  }

  /** Waits (bounded) until queued sets have been acknowledged; for tests and orderly shutdown. */
  public void flush(Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  @Override
  public void close() {
    closed = true;
    dispatcher.interrupt();
    try {
      conn.close();
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
