package io.jthanos.store.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.server.discovery.DnsProvider;
import io.jthanos.server.discovery.DnsResolver;
import io.jthanos.testing.cache.CacheServer;
import io.jthanos.testing.dns.LoopbackDns;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code dnssrv+} and {@code dns+} memcached addresses (Thanos' DNS service discovery) resolved
 * through a name server on loopback, against two real memcached servers: keys are spread over every
 * discovered server and each key lives on exactly one of them.
 */
class RemoteCacheDiscoveryAndTtlTest {

  static MemcachedConfig config(String... addresses) {
    MemcachedConfig c = new MemcachedConfig();
    c.addresses = List.of(addresses);
    c.timeout = Duration.ofSeconds(5);
    return c;
  }

  static Map<String, byte[]> awaitAll(RemoteCacheClient c, List<String> keys) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      Map<String, byte[]> got = c.getMulti(keys);
      if (got.size() == keys.size()) {
        return got;
      }
      assertThat(System.nanoTime()).as("all keys stored").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void srvRecordsSpreadKeysOverEveryServer() throws Exception {
    try (CacheServer m1 = CacheServer.memcached(16);
        CacheServer m2 = CacheServer.memcached(16);
        LoopbackDns dns = new LoopbackDns()) {
      dns.a("cache.test", "127.0.0.1")
          .srv(
              "_memcached._tcp.cache.test",
              new LoopbackDns.Srv(m1.port(), "cache.test"),
              new LoopbackDns.Srv(m2.port(), "cache.test"));
      DnsProvider provider = new DnsProvider(DnsResolver.usingServer(dns.address()));
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        keys.add("jthanos1:test:" + i);
      }
      try (MemcachedClient c =
              new MemcachedClient(
                  "test",
                  config("dnssrv+_memcached._tcp.cache.test"),
                  new SimpleMeterRegistry(),
                  provider);
          MemcachedClient one =
              new MemcachedClient("one", config(m1.address()), new SimpleMeterRegistry());
          MemcachedClient two =
              new MemcachedClient("two", config(m2.address()), new SimpleMeterRegistry())) {
        for (String k : keys) {
          c.setAsync(k, k.getBytes(), Duration.ofMinutes(5));
        }
        Map<String, byte[]> all = awaitAll(c, keys);
        for (String k : keys) {
          assertThat(new String(all.get(k))).isEqualTo(k);
        }
        Set<String> on1 = one.getMulti(keys).keySet();
        Set<String> on2 = two.getMulti(keys).keySet();
        assertThat(on1).isNotEmpty();
        assertThat(on2).isNotEmpty();
        Set<String> both = new HashSet<>(on1);
        both.retainAll(on2);
        assertThat(both).isEmpty();
        assertThat(on1.size() + on2.size()).isEqualTo(keys.size());
      }
    }
  }

  @Test
  void dnsPrefixResolvesTheHost() throws Exception {
    try (CacheServer m = CacheServer.memcached(16);
        LoopbackDns dns = new LoopbackDns()) {
      dns.a("memcached.test", "127.0.0.1");
      try (MemcachedClient c =
          new MemcachedClient(
              "test",
              config("dns+memcached.test:" + m.port()),
              new SimpleMeterRegistry(),
              new DnsProvider(DnsResolver.usingServer(dns.address())))) {
        c.setAsync("jthanos1:dns", "v".getBytes(), Duration.ofMinutes(5));
        assertThat(new String(awaitAll(c, List.of("jthanos1:dns")).get("jthanos1:dns")))
            .isEqualTo("v");
      }
    }
  }

  /** Items expire after the TTL they were stored with, in memcached and in redis. */
  @Test
  void itemsExpireAfterTheirTtl() throws Exception {
    try (CacheServer m = CacheServer.memcached(16);
        CacheServer r = CacheServer.redis()) {
      RedisConfig rc = new RedisConfig();
      rc.addr = r.address();
      try (MemcachedClient mc =
              new MemcachedClient("ttl", config(m.address()), new SimpleMeterRegistry());
          RedisCacheClient redis = new RedisCacheClient("ttl", rc, new SimpleMeterRegistry())) {
        for (RemoteCacheClient c : List.<RemoteCacheClient>of(mc, redis)) {
          c.setAsync("jthanos1:short", "v".getBytes(), Duration.ofSeconds(1));
          c.setAsync("jthanos1:long", "v".getBytes(), Duration.ofMinutes(5));
          awaitAll(c, List.of("jthanos1:short", "jthanos1:long"));
          long deadline = System.nanoTime() + 30_000_000_000L;
          while (c.getMulti(List.of("jthanos1:short")).containsKey("jthanos1:short")) {
            assertThat(System.nanoTime()).as("short-lived item expires").isLessThan(deadline);
            Thread.sleep(100);
          }
          assertThat(c.getMulti(List.of("jthanos1:long"))).containsKey("jthanos1:long");
        }
      }
    }
  }
}
