package io.jthanos.store.cache;

import io.jthanos.server.discovery.DnsProvider;
import io.jthanos.server.discovery.DnsResolver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.openhft.hashing.LongHashFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A memcached client for Thanos' {@code MEMCACHED} caches, speaking the text protocol subset Thanos
 * uses ({@code get k1 k2 ...}, {@code set}). Keys are spread over the servers with a jump
 * consistent hash of their xxhash64, as Thanos' server selector; {@code dns+} and {@code dnssrv+}
 * addresses are re-resolved every {@code dns_provider_update_interval}. Multi-gets are split into
 * batches of {@code max_get_multi_batch_size} run concurrently under {@code
 * max_get_multi_concurrency}; sets go through a queue of {@code max_async_buffer_size} served by
 * {@code max_async_concurrency} workers. Every operation is bounded by {@code timeout}.
 *
 * <p>Connections are plain blocking sockets used from virtual threads, {@code max_idle_connections}
 * kept per server: no event loop and no dependency beyond the JDK.
 */
public final class MemcachedClient implements RemoteCacheClient {
  private static final Logger log = LoggerFactory.getLogger(MemcachedClient.class);
  private static final byte[] CRLF = {'\r', '\n'};
  private static final int MAX_LINE = 1024;

  private final String name;
  private final MemcachedConfig cfg;
  private final DnsProvider dns;
  private volatile List<InetSocketAddress> servers = List.of();
  private final Map<InetSocketAddress, BlockingQueue<Conn>> idle = new ConcurrentHashMap<>();
  private final BlockingQueue<Runnable> asyncQueue;
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicInteger pendingSets =
      new java.util.concurrent.atomic.AtomicInteger();
  private final Gate getMultiGate;
  private final CircuitBreaker breaker;

  private final Map<String, Counter> operations = new ConcurrentHashMap<>();
  private final Map<String, Counter> failures = new ConcurrentHashMap<>();
  private final Map<String, Counter> skipped = new ConcurrentHashMap<>();
  private final Map<String, Timer> durations = new ConcurrentHashMap<>();
  private final Map<String, DistributionSummary> dataSizes = new ConcurrentHashMap<>();
  private final MeterRegistry reg;

  public MemcachedClient(String name, MemcachedConfig cfg, MeterRegistry reg) throws IOException {
    this(name, cfg, reg, new DnsProvider(DnsResolver.system()));
  }

  MemcachedClient(String name, MemcachedConfig cfg, MeterRegistry reg, DnsProvider dns)
      throws IOException {
    cfg.validate();
    this.name = name;
    this.cfg = cfg;
    this.reg = reg;
    this.dns = dns;
    this.asyncQueue = new ArrayBlockingQueue<>(Math.max(1, cfg.maxAsyncBufferSize));
    this.getMultiGate =
        new Gate(cfg.maxGetMultiConcurrency, "thanos_memcached_getmulti_", reg, name);
    this.breaker = new CircuitBreaker(cfg.setAsyncCircuitBreaker);
    Gauge.builder("thanos_memcached_client_info", () -> 1)
        .description(
            "A metric with a constant '1' value labeled by configuration options from which"
                + " memcached client was configured.")
        .tag("name", name)
        .tag("timeout", cfg.timeout.toString())
        .tag("max_idle_connections", String.valueOf(cfg.maxIdleConnections))
        .tag("max_async_concurrency", String.valueOf(cfg.maxAsyncConcurrency))
        .tag("max_async_buffer_size", String.valueOf(cfg.maxAsyncBufferSize))
        .tag("max_item_size", String.valueOf(cfg.maxItemSize.value()))
        .tag("max_get_multi_concurrency", String.valueOf(cfg.maxGetMultiConcurrency))
        .tag("max_get_multi_batch_size", String.valueOf(cfg.maxGetMultiBatchSize))
        .register(reg);
    for (String op : List.of("getmulti", "set")) {
      ops(op);
      duration(op);
      dataSize(op);
      for (String r :
          List.of("timeout", "malformed-key", "server-error", "network-error", "other")) {
        failure(op, r);
      }
      skip(op, "max-item-size");
    }
    skip("set", "async-buffer-full");
    resolve();
    if (servers.isEmpty()) {
      throw new IOException("no memcached server found for " + cfg.addresses);
    }
    for (int i = 0; i < cfg.maxAsyncConcurrency; i++) {
      workers.execute(this::asyncWorker);
    }
    workers.execute(this::resolveLoop);
  }

  // --- metrics -------------------------------------------------------------------------------

  private Counter ops(String op) {
    return operations.computeIfAbsent(
        op,
        o ->
            Counter.builder("thanos_memcached_operations")
                .description("Total number of operations against memcached.")
                .tag("name", name)
                .tag("operation", o)
                .register(reg));
  }

  private Counter failure(String op, String reason) {
    return failures.computeIfAbsent(
        op + "/" + reason,
        k ->
            Counter.builder("thanos_memcached_operation_failures")
                .description("Total number of operations against memcached that failed.")
                .tag("name", name)
                .tag("operation", op)
                .tag("reason", reason)
                .register(reg));
  }

  private Counter skip(String op, String reason) {
    return skipped.computeIfAbsent(
        op + "/" + reason,
        k ->
            Counter.builder("thanos_memcached_operation_skipped")
                .description("Total number of operations against memcached that have been skipped.")
                .tag("name", name)
                .tag("operation", op)
                .tag("reason", reason)
                .register(reg));
  }

  private Timer duration(String op) {
    return durations.computeIfAbsent(
        op,
        o ->
            Timer.builder("thanos_memcached_operation_duration")
                .description("Duration of operations against memcached.")
                .tag("name", name)
                .tag("operation", o)
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
                .register(reg));
  }

  private DistributionSummary dataSize(String op) {
    return dataSizes.computeIfAbsent(
        op,
        o ->
            DistributionSummary.builder("thanos_memcached_operation_data_size_bytes")
                .description("Tracks the size of the data stored in and fetched from memcached.")
                .tag("name", name)
                .tag("operation", o)
                .serviceLevelObjectives(32, 256, 512, 1024, 32 * 1024, 256 * 1024, 1024 * 1024)
                .register(reg));
  }

  private void countFailure(String op, Exception e) {
    String reason;
    if (e instanceof SocketTimeoutException) {
      reason = "timeout";
    } else if (e instanceof ServerError se) {
      reason = se.client ? "malformed-key" : "server-error";
    } else if (e instanceof IOException) {
      reason = "network-error";
    } else {
      reason = "other";
    }
    failure(op, reason).increment();
  }

  // --- servers -------------------------------------------------------------------------------

  private void resolve() {
    List<String> addrs = dns.resolve(cfg.addresses);
    List<InetSocketAddress> out = new ArrayList<>();
    for (String a : addrs) {
      int c = a.lastIndexOf(':');
      if (c <= 0) {
        log.atWarn().addKeyValue("addr", a).log("memcached address without port ignored");
        continue;
      }
      String host = a.substring(0, c);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      out.add(InetSocketAddress.createUnresolved(host, Integer.parseInt(a.substring(c + 1))));
    }
    out.sort((x, y) -> x.toString().compareTo(y.toString()));
    if (!out.isEmpty() || servers.isEmpty()) {
      servers = List.copyOf(out);
    }
  }

  private void resolveLoop() {
    while (!closed.get()) {
      try {
        Thread.sleep(cfg.dnsProviderUpdateInterval.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      try {
        resolve();
      } catch (RuntimeException e) {
        log.atWarn().setCause(e).log("failed to update memcached servers list");
      }
    }
  }

  /** Jump consistent hash (Lamping and Veach) of the key's xxhash64. */
  InetSocketAddress pick(String key) {
    List<InetSocketAddress> s = servers;
    long h = LongHashFunction.xx().hashBytes(key.getBytes(StandardCharsets.UTF_8));
    long b = -1;
    long j = 0;
    while (j < s.size()) {
      b = j;
      h = h * 2862933555777941757L + 1;
      j = (long) ((b + 1) * ((double) (1L << 31) / (double) ((h >>> 33) + 1)));
    }
    return s.get((int) b);
  }

  // --- connections ---------------------------------------------------------------------------

  private static final class ServerError extends IOException {
    final boolean client;

    ServerError(String line) {
      super("memcached: " + line);
      this.client = line.startsWith("CLIENT_ERROR");
    }
  }

  private final class Conn implements AutoCloseable {
    final InetSocketAddress addr;
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    Conn(InetSocketAddress addr) throws IOException {
      this.addr = addr;
      Socket s = new Socket();
      try {
        s.setTcpNoDelay(true);
        s.setSoTimeout((int) Math.max(1, cfg.timeout.toMillis()));
        s.connect(
            new InetSocketAddress(addr.getHostString(), addr.getPort()),
            (int) Math.max(1, cfg.timeout.toMillis()));
      } catch (IOException e) {
        s.close();
        throw e;
      }
      this.socket = s;
      this.in = new BufferedInputStream(s.getInputStream(), 64 << 10);
      this.out = new BufferedOutputStream(s.getOutputStream(), 64 << 10);
    }

    String readLine() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream(64);
      int prev = -1;
      while (true) {
        int c = in.read();
        if (c < 0) {
          throw new EOFException("memcached closed the connection");
        }
        if (prev == '\r' && c == '\n') {
          byte[] line = b.toByteArray();
          return new String(line, 0, line.length - 1, StandardCharsets.US_ASCII);
        }
        b.write(c);
        if (b.size() > MAX_LINE) {
          throw new IOException("memcached response line too long");
        }
        prev = c;
      }
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // Closing a broken connection.
      }
    }
  }

  private Conn borrow(InetSocketAddress addr) throws IOException {
    BlockingQueue<Conn> q = idle.get(addr);
    if (q != null) {
      Conn c = q.poll();
      if (c != null) {
        return c;
      }
    }
    return new Conn(addr);
  }

  private void giveBack(Conn c) {
    if (closed.get()) {
      c.close();
      return;
    }
    BlockingQueue<Conn> q =
        idle.computeIfAbsent(
            c.addr, a -> new ArrayBlockingQueue<>(Math.max(1, cfg.maxIdleConnections)));
    if (!q.offer(c)) {
      c.close();
    }
  }

  // --- get -----------------------------------------------------------------------------------

  @Override
  public Map<String, byte[]> getMulti(List<String> keys) {
    if (keys.isEmpty() || closed.get()) {
      return Map.of();
    }
    Map<InetSocketAddress, List<String>> byServer = new LinkedHashMap<>();
    for (String k : keys) {
      byServer.computeIfAbsent(pick(k), a -> new ArrayList<>()).add(k);
    }
    List<Map.Entry<InetSocketAddress, List<String>>> batches = new ArrayList<>();
    int size = cfg.maxGetMultiBatchSize;
    for (Map.Entry<InetSocketAddress, List<String>> e : byServer.entrySet()) {
      List<String> ks = e.getValue();
      if (size <= 0 || ks.size() <= size) {
        batches.add(Map.entry(e.getKey(), ks));
      } else {
        for (int i = 0; i < ks.size(); i += size) {
          batches.add(Map.entry(e.getKey(), ks.subList(i, Math.min(ks.size(), i + size))));
        }
      }
    }
    Map<String, byte[]> hits = new ConcurrentHashMap<>();
    if (batches.size() == 1) {
      getBatch(batches.get(0).getKey(), batches.get(0).getValue(), hits);
      return new HashMap<>(hits);
    }
    List<Future<?>> fs = new ArrayList<>();
    for (Map.Entry<InetSocketAddress, List<String>> b : batches) {
      fs.add(workers.submit(() -> getBatch(b.getKey(), b.getValue(), hits)));
    }
    for (Future<?> f : fs) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fs.forEach(o -> o.cancel(true));
        break;
      } catch (java.util.concurrent.ExecutionException e) {
        // Counted and logged by getBatch.
      }
    }
    return new HashMap<>(hits);
  }

  private void getBatch(InetSocketAddress addr, List<String> keys, Map<String, byte[]> hits) {
    try {
      getMultiGate.start();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    long start = System.nanoTime();
    ops("getmulti").increment();
    Conn c = null;
    try {
      c = borrow(addr);
      StringBuilder sb = new StringBuilder(keys.size() * 64).append("get");
      for (String k : keys) {
        sb.append(' ').append(k);
      }
      c.out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
      c.out.write(CRLF);
      c.out.flush();
      long got = 0;
      long limit = cfg.maxItemSize.value() > 0 ? cfg.maxItemSize.value() : Integer.MAX_VALUE - 16;
      while (true) {
        String line = c.readLine();
        if (line.equals("END")) {
          break;
        }
        if (!line.startsWith("VALUE ")) {
          throw line.contains("ERROR")
              ? new ServerError(line)
              : new IOException("memcached: unexpected " + line);
        }
        String[] f = line.split(" ");
        if (f.length < 4) {
          throw new IOException("memcached: malformed " + line);
        }
        long n = Long.parseLong(f[3]);
        if (n < 0 || n > Integer.MAX_VALUE - 16) {
          throw new IOException("memcached: item size out of range: " + n);
        }
        if (n > limit) {
          c.in.skipNBytes(n + 2);
          skip("getmulti", "max-item-size").increment();
          continue;
        }
        byte[] v = c.in.readNBytes((int) n);
        if (v.length != n || c.in.read() != '\r' || c.in.read() != '\n') {
          throw new EOFException("memcached: truncated value");
        }
        hits.put(f[1], v);
        got += n;
      }
      dataSize("getmulti").record(got);
      duration("getmulti").record(Duration.ofNanos(System.nanoTime() - start));
      giveBack(c);
      c = null;
    } catch (IOException | RuntimeException e) {
      countFailure("getmulti", e instanceof Exception ex ? ex : new IOException(e));
      log.atWarn()
          .addKeyValue("name", name)
          .addKeyValue("server", addr)
          .addKeyValue("numKeys", keys.size())
          .addKeyValue("firstKey", keys.get(0))
          .addKeyValue("err", e.getMessage())
          .log("failed to fetch items from memcached");
    } finally {
      if (c != null) {
        c.close();
      }
      getMultiGate.done();
    }
  }

  // --- set -----------------------------------------------------------------------------------

  @Override
  public void setAsync(String key, byte[] value, Duration ttl) {
    if (closed.get()) {
      return;
    }
    if (cfg.maxItemSize.value() > 0 && value.length > cfg.maxItemSize.value()) {
      skip("set", "max-item-size").increment();
      return;
    }
    pendingSets.incrementAndGet();
    if (!asyncQueue.offer(
        () -> {
          try {
            set(key, value, ttl);
          } finally {
            pendingSets.decrementAndGet();
          }
        })) {
      pendingSets.decrementAndGet();
      skip("set", "async-buffer-full").increment();
    }
  }

  private void asyncWorker() {
    while (!closed.get()) {
      Runnable r;
      try {
        r = asyncQueue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (r != null) {
        r.run();
      }
    }
  }

  private void set(String key, byte[] value, Duration ttl) {
    if (!breaker.allow()) {
      log.atDebug()
          .addKeyValue("key", key)
          .log("circuit breaker disallows storing item in memcached");
      return;
    }
    long start = System.nanoTime();
    ops("set").increment();
    InetSocketAddress addr = pick(key);
    Conn c = null;
    try {
      c = borrow(addr);
      long exp = ttl.isZero() ? 0 : System.currentTimeMillis() / 1000 + ttl.toSeconds();
      String head = "set " + key + " 0 " + exp + " " + value.length + "\r\n";
      c.out.write(head.getBytes(StandardCharsets.UTF_8));
      c.out.write(value);
      c.out.write(CRLF);
      c.out.flush();
      String line = c.readLine();
      if (!line.equals("STORED")) {
        throw new ServerError(line);
      }
      dataSize("set").record(value.length);
      duration("set").record(Duration.ofNanos(System.nanoTime() - start));
      breaker.success();
      giveBack(c);
      c = null;
    } catch (IOException | RuntimeException e) {
      breaker.failure();
      countFailure("set", e instanceof Exception ex ? ex : new IOException(e));
      log.atDebug()
          .addKeyValue("name", name)
          .addKeyValue("key", key)
          .addKeyValue("sizeBytes", value.length)
          .addKeyValue("server", addr)
          .addKeyValue("err", e.getMessage())
          .log("failed to store item to memcached");
    } finally {
      if (c != null) {
        c.close();
      }
    }
  }

  /** Sets queued or in flight. */
  public int pendingSets() {
    return pendingSets.get();
  }

  /** Waits (bounded) until queued sets have been acknowledged; for tests and orderly shutdown. */
  public void flush(Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (pendingSets.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    workers.shutdownNow();
    for (BlockingQueue<Conn> q : idle.values()) {
      for (Conn c; (c = q.poll()) != null; ) {
        c.close();
      }
    }
  }

  /** Thanos' optional circuit breaker for asynchronous sets (consecutive failures trip it). */
  private static final class CircuitBreaker {
    private final MemcachedConfig.CircuitBreakerConfig cfg;
    private int consecutiveFailures;
    private long openUntil;

    CircuitBreaker(MemcachedConfig.CircuitBreakerConfig cfg) {
      this.cfg = cfg;
    }

    synchronized boolean allow() {
      return !cfg.enabled || System.nanoTime() >= openUntil;
    }

    synchronized void success() {
      consecutiveFailures = 0;
    }

    synchronized void failure() {
      if (!cfg.enabled) {
        return;
      }
      if (++consecutiveFailures >= cfg.consecutiveFailures) {
        openUntil = System.nanoTime() + cfg.openDuration.toNanos();
        consecutiveFailures = 0;
      }
    }
  }
}
