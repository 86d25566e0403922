package io.jthanos.benchmarks.sidecar;

import io.jthanos.benchmarks.promql.PromqlData;
import io.jthanos.proto.prometheus.ChunkedReadResponse;
import io.jthanos.proto.prometheus.ChunkedSeries;
import io.jthanos.proto.prometheus.LabelMatcher;
import io.jthanos.proto.prometheus.Query;
import io.jthanos.proto.prometheus.ReadRequest;
import io.jthanos.proto.store.SeriesRequest;
import io.jthanos.storeapi.SeriesStream;
import io.jthanos.storeapi.StoreClient;
import io.jthanos.storeapi.StoreClientConfig;
import io.jthanos.storeapi.StoreProtos;
import io.jthanos.storeapi.StoreSeries;
import io.jthanos.tsdb.labels.Matcher;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.xerial.snappy.Snappy;

/**
 * The sidecar's StoreAPI Series against Prometheus' own remote read, on the same data: one 2h block
 * of {@code series} series at 15s opened by a Prometheus 2.42 process, and a {@code thanos sidecar}
 * (a child JVM from this jar) in front of it. Each run selects every series over the 2h: once with
 * a streamed remote read straight from Prometheus (frames checked and decoded with protobuf), once
 * through the sidecar with the StoreAPI client (frames decoded into series). The figure is the
 * median wall time until the last series is read, after warm-up, and the overhead of the sidecar
 * path. Usage: {@code java -cp benchmarks.jar io.jthanos.benchmarks.sidecar.SidecarVsRemoteRead
 * [series] [runs]}.
 */
public final class SidecarVsRemoteRead {
  private static final long H2 = 7_200_000L;

  /** The batch size recent Thanos queriers ask for ({@code store.DefaultResponseBatchSize}). */
  private static final int BATCH = 64;

  private SidecarVsRemoteRead() {}

  public static void main(String[] args) throws Exception {
    int series = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    Path tmp = Files.createTempDirectory("jthanos-sidecar-vs-remote-read-");
    List<Process> children = new ArrayList<>();
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> children.forEach(Process::destroyForcibly)));
    try {
      Path data = Files.createDirectories(tmp.resolve("data"));
      PromqlData.block(data, series, H2, 15_000);
      Files.createDirectories(data.resolve("wal"));
      Files.writeString(
          tmp.resolve("prometheus.yml"),
          "global:\n  external_labels:\n    cluster: bench\n    replica: a\nscrape_configs: []\n");
      int promPort = freePort();
      children.add(
          new ProcessBuilder(
                  "prometheus",
                  "--config.file=" + tmp.resolve("prometheus.yml"),
                  "--storage.tsdb.path=" + data,
                  "--storage.tsdb.retention.time=100y",
                  "--web.listen-address=127.0.0.1:" + promPort)
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("prometheus.log").toFile())
              .start());
      int sidecarHttp = freePort();
      int sidecarGrpc = freePort();
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      children.add(
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  "io.jthanos.sidecar.SidecarCommand",
                  "--prometheus.url=http://127.0.0.1:" + promPort,
                  "--http-address=127.0.0.1:" + sidecarHttp,
                  "--grpc-address=127.0.0.1:" + sidecarGrpc,
                  "--tsdb.path=" + data,
                  "--log.level=warn")
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("sidecar.log").toFile())
              .start());
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI prom = URI.create("http://127.0.0.1:" + promPort);
      awaitReady(http, prom);
      awaitReady(http, URI.create("http://127.0.0.1:" + sidecarHttp));
      try (StoreClient client =
          StoreClient.connect("127.0.0.1:" + sidecarGrpc, StoreClientConfig.DEFAULT)) {
        long start = PromqlData.START;
        long end = start + H2;
        double[] direct = new double[runs];
        double[] through = new double[runs];
        double[] batched = new double[runs];
        long[] counts = new long[4];
        // CPU time per call of each process, summed over the measured calls (ns).
        long[] cpuDirect = new long[3];
        long[] cpuThrough = new long[3];
        long[] cpuBatched = new long[3];
        ProcessHandle promProc = children.get(0).toHandle();
        ProcessHandle sidecarProc = children.get(1).toHandle();
        for (int i = -warmup; i < runs; i++) {
          long[] c0 = cpu(promProc, sidecarProc);
          long t0 = System.nanoTime();
          long[] a = remoteRead(http, prom, start, end);
          long t1 = System.nanoTime();
          long[] c1 = cpu(promProc, sidecarProc);
          long[] b = viaSidecar(client, start, end, 0);
          long t2 = System.nanoTime();
          long[] c2 = cpu(promProc, sidecarProc);
          long[] bb = viaSidecar(client, start, end, BATCH);
          long t3 = System.nanoTime();
          long[] c3 = cpu(promProc, sidecarProc);
          if (bb[0] != b[0] || bb[1] != b[1]) {
            throw new IllegalStateException("batched answer differs");
          }
          if (i >= 0) {
            for (int k = 0; k < 3; k++) {
              cpuDirect[k] += c1[k] - c0[k];
              cpuThrough[k] += c2[k] - c1[k];
              cpuBatched[k] += c3[k] - c2[k];
            }
            batched[i] = (t3 - t2) / 1e6;
          }
          if (a[0] != series || b[0] != series || a[1] != b[1]) {
            throw new IllegalStateException(
                "answers differ: remote read "
                    + Arrays.toString(a)
                    + ", sidecar "
                    + Arrays.toString(b));
          }
          counts = new long[] {a[0], a[1]};
          if (i >= 0) {
            direct[i] = (t1 - t0) / 1e6;
            through[i] = (t2 - t1) / 1e6;
          }
        }
        double a = median(direct);
        double b = median(through);
        double c = median(batched);
        System.out.printf(
            Locale.ROOT,
            "%d series x 2h at 15s (%d chunks), every series per call, median of %d after %d"
                + " warm-up runs%n",
            counts[0],
            counts[1],
            runs,
            warmup);
        System.out.printf(Locale.ROOT, "prometheus remote read (streamed): %9.1f ms%n", a);
        System.out.printf(Locale.ROOT, "sidecar StoreAPI Series:           %9.1f ms%n", b);
        System.out.printf(Locale.ROOT, "overhead: %+.1f%%%n", (b / a - 1) * 100);
        System.out.printf(
            Locale.ROOT,
            "sidecar StoreAPI Series, response_batch_size=%d: %9.1f ms, overhead %+.1f%%%n",
            BATCH,
            c,
            (c / a - 1) * 100);
        System.out.printf(
            Locale.ROOT,
            "CPU per call, remote read: prometheus %.0f ms, client %.0f ms; through the sidecar:"
                + " prometheus %.0f ms, sidecar %.0f ms, client %.0f ms%n",
            cpuDirect[0] / 1e6 / runs,
            cpuDirect[2] / 1e6 / runs,
            cpuThrough[0] / 1e6 / runs,
            cpuThrough[1] / 1e6 / runs,
            cpuThrough[2] / 1e6 / runs);
        System.out.printf(
            Locale.ROOT,
            "CPU per call, batched: prometheus %.0f ms, sidecar %.0f ms, client %.0f ms%n",
            cpuBatched[0] / 1e6 / runs,
            cpuBatched[1] / 1e6 / runs,
            cpuBatched[2] / 1e6 / runs);
      }
    } finally {
      for (Process p : children) {
        p.destroy();
        p.waitFor();
      }
      try (Stream<Path> s = Files.walk(tmp)) {
        s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** CPU time so far of Prometheus, the sidecar and this JVM (ns). */
  private static long[] cpu(ProcessHandle prom, ProcessHandle sidecar) {
    return new long[] {
      prom.info().totalCpuDuration().map(Duration::toNanos).orElse(0L),
      sidecar.info().totalCpuDuration().map(Duration::toNanos).orElse(0L),
      ((com.sun.management.OperatingSystemMXBean)
              java.lang.management.ManagementFactory.getOperatingSystemMXBean())
          .getProcessCpuTime()
    };
  }

  /** Prometheus' streamed remote read, frames checked and decoded; returns {series, chunks}. */
  static long[] remoteRead(HttpClient http, URI prom, long start, long end) throws Exception {
    byte[] body =
        ReadRequest.newBuilder()
            .addQueries(
                Query.newBuilder()
                    .setStartTimestampMs(start)
                    .setEndTimestampMs(end)
                    .addMatchers(
                        LabelMatcher.newBuilder()
                            .setType(LabelMatcher.Type.EQ)
                            .setName("__name__")
                            .setValue("x")))
            .addAcceptedResponseTypes(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS)
            .build()
            .toByteArray();
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(prom.resolve("/api/v1/read"))
                .timeout(Duration.ofMinutes(5))
                .header("Content-Encoding", "snappy")
                .header("Content-Type", "application/x-protobuf")
                .header("X-Prometheus-Remote-Read-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(body)))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("remote read: " + r.statusCode());
    }
    long series = 0;
    long chunks = 0;
    CRC32C crc = new CRC32C();
    try (DataInputStream in =
        new DataInputStream(new java.io.BufferedInputStream(r.body(), 1 << 16))) {
      while (true) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        long len = b & 0x7f;
        int shift = 7;
        while ((b & 0x80) != 0) {
          b = in.readUnsignedByte();
          len |= (long) (b & 0x7f) << shift;
          shift += 7;
        }
        int sum = in.readInt();
        byte[] msg = new byte[(int) len];
        in.readFully(msg);
        crc.reset();
        crc.update(msg);
        if ((int) crc.getValue() != sum) {
          throw new IOException("checksum mismatch");
        }
        for (ChunkedSeries cs : ChunkedReadResponse.parseFrom(msg).getChunkedSeriesList()) {
          series++;
          chunks += cs.getChunksCount();
        }
      }
    }
    return new long[] {series, chunks};
  }

  /** The sidecar's Series over the same range; returns {series, chunks}. */
  static long[] viaSidecar(StoreClient client, long start, long end, int batch) {
    SeriesRequest req =
        SeriesRequest.newBuilder()
            .setResponseBatchSize(batch)
            .setMinTime(start)
            .setMaxTime(end)
            .addAllMatchers(StoreProtos.toProtoMatchers(List.of(Matcher.equal("__name__", "x"))))
            .build();
    long series = 0;
    long chunks = 0;
    try (SeriesStream s = client.series(req)) {
      while (s.next()) {
        StoreSeries x = s.at();
        series++;
        chunks += x.chunks().size();
      }
    }
    return new long[] {series, chunks};
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }

  private static void awaitReady(HttpClient http, URI base) throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(base.resolve("/-/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(base + " not ready");
  }
}
