package io.jthanos.benchmarks.storeapi;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.jthanos.proto.grpc.GrpcCompression;
import io.jthanos.proto.store.SeriesRequest;
import io.jthanos.storeapi.ResponseCompression;
import io.jthanos.storeapi.SeriesStream;
import io.jthanos.storeapi.StoreChunk;
import io.jthanos.storeapi.StoreClient;
import io.jthanos.storeapi.StoreClientConfig;
import io.jthanos.storeapi.StoreProtos;
import io.jthanos.storeapi.StoreServer;
import io.jthanos.tsdb.block.BlockReader;
import io.jthanos.tsdb.block.BlockWriter;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Streams one Series answer of 10,000 series x 2h (15s scrape interval: 480 samples, 4 XOR chunks
 * of 120 samples per series) from a block written by the TSDB library and read memory-mapped,
 * through {@link StoreServer} over Netty on loopback, into {@link StoreClient}, consuming every
 * chunk. Client and server share the JVM (and the 2 cores), so allocation per op covers both sides.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar StoreApiStreamBenchmark -prof gc</pre>
 *
 * Series/s = 10,000 / (s/op); MB/s = chunkMB (printed at setup) / (s/op).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 8)
@Measurement(iterations = 15)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
public class StoreApiStreamBenchmark {
  static final int SERIES = 10_000;
  static final int SAMPLES = 480;
  static final long STEP = 15_000;
  static final long T0 = 1_700_006_400_000L;

  @Param({"none", "snappy"})
  public String compression;

  private Path dir;
  private BlockReader block;
  private Server server;
  private ExecutorService producers;
  private StoreClient client;
  private SeriesRequest request;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    dir = Files.createTempDirectory("storeapi-bench");
    BlockWriter w = BlockWriter.builder(dir).build();
    long[] ts = new long[SAMPLES];
    double[] vs = new double[SAMPLES];
    Labels[] labels = new Labels[SERIES];
    for (int i = 0; i < SERIES; i++) {
      labels[i] =
          Labels.of(
              "__name__",
              "http_requests_total",
              "instance",
              String.format("10.0.%d.%d:9090", i / 250, i % 250),
              "job",
              "api",
              "code",
              Integer.toString(200 + (i % 5)));
    }
    java.util.Arrays.sort(labels, Labels::compare);
    java.util.Random rnd = new java.util.Random(1);
    for (Labels l : labels) {
      double v = rnd.nextInt(1000);
      for (int j = 0; j < SAMPLES; j++) {
        ts[j] = T0 + j * STEP + rnd.nextInt(50);
        v += rnd.nextInt(20);
        vs[j] = v;
      }
      w.addSeries(l, ts, vs);
    }
    w.commit();
    try (Stream<Path> s = Files.list(dir)) {
      block = BlockReader.open(s.filter(Files::isDirectory).findFirst().orElseThrow());
    }
    producers = Executors.newCachedThreadPool();
    StoreServer store =
        StoreServer.builder(block)
            .externalLabels(Labels.of("cluster", "bench", "replica", "0"))
            .executor(producers)
            .build();
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .maxInboundMessageSize(Integer.MAX_VALUE)
            .compressorRegistry(GrpcCompression.compressors())
            .decompressorRegistry(GrpcCompression.decompressors())
            .addService(ServerInterceptors.intercept(store, new ResponseCompression()))
            .build()
            .start();
    client =
        StoreClient.connect(
            "127.0.0.1:" + server.getPort(),
            StoreClientConfig.DEFAULT.withCompression(compression));
    request =
        SeriesRequest.newBuilder()
            .setMinTime(T0)
            .setMaxTime(T0 + 2 * 3_600_000L)
            .addMatchers(StoreProtos.toProto(Matcher.equal("__name__", "http_requests_total")))
            .build();
    Result r = stream();
    System.out.printf(
        "%nseries=%d chunks=%d chunkMB=%.2f labelMB=%.2f%n",
        r.series, r.chunks, r.chunkBytes / 1e6, r.labelBytes / 1e6);
  }

  record Result(long series, long chunks, long chunkBytes, long labelBytes) {}

  Result stream() {
    long series = 0;
    long chunks = 0;
    long bytes = 0;
    long labelBytes = 0;
    try (SeriesStream s = client.series(request)) {
      while (s.next()) {
        series++;
        Labels l = s.at().labels();
        for (int i = 0; i < l.size(); i++) {
          labelBytes += l.name(i).length() + l.value(i).length();
        }
        for (StoreChunk c : s.at().chunks()) {
          chunks++;
          bytes += c.raw().data().size();
        }
      }
    }
    if (series != SERIES) {
      throw new IllegalStateException("expected " + SERIES + " series, got " + series);
    }
    return new Result(series, chunks, bytes, labelBytes);
  }

  /** Per-op counters JMH reports next to the time. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Counts {
    public long series;
    public long chunkBytes;
  }

  @Benchmark
  public long streamAllSeries(Counts counts) {
    Result r = stream();
    counts.series += r.series;
    counts.chunkBytes += r.chunkBytes;
    return r.chunks;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    client.close();
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    producers.shutdownNow();
    block.close();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
