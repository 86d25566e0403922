package io.jthanos.benchmarks.objstore;

import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.BucketConfig;
import io.jthanos.objstore.BucketContext;
import io.jthanos.objstore.Buckets;
import io.jthanos.objstore.filesystem.FilesystemBucket;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * Object storage throughput, in MB/s (10^6 bytes per second):
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.jthanos.benchmarks.objstore.ObjstoreThroughput filesystem [dir] [MiB]
 * java -Xmx128m -cp benchmarks/target/benchmarks.jar io.jthanos.benchmarks.objstore.ObjstoreThroughput s3-file [dir] [MiB]
 * java -Xmx512m -cp benchmarks/target/benchmarks.jar io.jthanos.benchmarks.objstore.ObjstoreThroughput s3 [dir] [MiB]
 * </pre>
 *
 * filesystem: FILESYSTEM uploads and reads next to the same work done with plain file I/O (write +
 * fsync, sequential read, 64 KiB positional reads). s3: a multipart upload (64 MiB parts, 4 in
 * flight) of a file (s3-file: only that) and of a stream to S3Proxy in this JVM, storing on disk,
 * with the peak heap.
 */
public final class ObjstoreThroughput {
  private static final int RANGE = 64 * 1024;
  private static final int RANGES = 4000;
  private static final int ROUNDS = 3;

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "filesystem";
    Path base =
        Files.createTempDirectory(
            Path.of(args.length > 1 ? args[1] : System.getProperty("java.io.tmpdir")), "objbench");
    long size = (args.length > 2 ? Long.parseLong(args[2]) : 512) << 20;
    try {
      Path src = base.resolve("src.bin");
      writeRandom(src, size);
      System.out.printf(
          "jdk=%s cores=%d size=%dMiB dir=%s%n",
          Runtime.version(), Runtime.getRuntime().availableProcessors(), size >> 20, base);
      if (mode.startsWith("s3")) {
        s3(base, src, size, !mode.equals("s3-file"));
      } else {
        filesystem(base, src, size);
      }
    } finally {
      try (Stream<Path> s = Files.walk(base)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void writeRandom(Path f, long size) throws IOException {
    SplittableRandom r = new SplittableRandom(42);
    byte[] buf = new byte[1 << 20];
    try (FileChannel ch =
        FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (long done = 0; done < size; done += buf.length) {
        for (int i = 0; i < buf.length; i += 8) {
          long v = r.nextLong();
          for (int k = 0; k < 8; k++) {
            buf[i + k] = (byte) (v >>> (8 * k));
          }
        }
        ch.write(ByteBuffer.wrap(buf, 0, (int) Math.min(buf.length, size - done)));
      }
      ch.force(true);
    }
  }

  @FunctionalInterface
  interface Work {
    long run() throws Exception;
  }

  /** Empties the page cache (needs root), so that reads come from the disk. */
  private static boolean dropCaches() {
    try {
      new ProcessBuilder("sync").inheritIO().start().waitFor();
      Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
      return true;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /**
   * Best of ROUNDS with a cold page cache before each, in MB/s; NaN when caches cannot be dropped.
   */
  private static double measureCold(Work w) throws Exception {
    double best = 0;
    for (int i = 0; i < ROUNDS; i++) {
      if (!dropCaches()) {
        return Double.NaN;
      }
      long t0 = System.nanoTime();
      long bytes = w.run();
      double s = (System.nanoTime() - t0) / 1e9;
      best = Math.max(best, bytes / s / 1e6);
    }
    return best;
  }

  /** Best of ROUNDS, in MB/s. */
  private static double measure(Work w) throws Exception {
    double best = 0;
    for (int i = 0; i < ROUNDS; i++) {
      long t0 = System.nanoTime();
      long bytes = w.run();
      double s = (System.nanoTime() - t0) / 1e9;
      best = Math.max(best, bytes / s / 1e6);
    }
    return best;
  }

  private static void report(String what, double raw, double ours) {
    System.out.printf(
        "%-34s raw %8.1f MB/s   bucket %8.1f MB/s   ratio %5.1f%%%n",
        what, raw, ours, 100 * ours / raw);
  }

  private static long drain(InputStream in, byte[] buf) throws IOException {
    long n = 0;
    int r;
    try (in) {
      while ((r = in.read(buf)) > 0) {
        n += r;
      }
    }
    return n;
  }

  private static void filesystem(Path base, Path src, long size) throws Exception {
    Path root = base.resolve("bucket");
    Bucket b = new FilesystemBucket(root);
    byte[] buf = new byte[1 << 20];

    double rawCopy =
        measure(
            () -> {
              Path dst = base.resolve("raw-copy.bin");
              Files.deleteIfExists(dst);
              Files.copy(src, dst);
              try (FileChannel ch = FileChannel.open(dst, StandardOpenOption.WRITE)) {
                ch.force(true);
              }
              return size;
            });
    double upPath =
        measure(
            () -> {
              b.upload("blocks/x/chunks/000001", src);
              return size;
            });
    report("upload(Path) vs copy+fsync", rawCopy, upPath);

    double rawStream =
        measure(
            () -> {
              Path dst = base.resolve("raw-stream.bin");
              Files.deleteIfExists(dst);
              try (InputStream in = Files.newInputStream(src);
                  FileChannel ch =
                      FileChannel.open(
                          dst,
                          StandardOpenOption.CREATE,
                          StandardOpenOption.TRUNCATE_EXISTING,
                          StandardOpenOption.WRITE)) {
                int n;
                while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                  ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                  while (bb.hasRemaining()) {
                    ch.write(bb);
                  }
                }
                ch.force(true);
              }
              return size;
            });
    double upStream =
        measure(
            () -> {
              try (InputStream in = Files.newInputStream(src)) {
                b.upload("blocks/x/chunks/000002", in, size);
              }
              return size;
            });
    report("upload(stream) vs write+fsync", rawStream, upStream);

    Path obj = root.resolve("blocks/x/chunks/000001");
    Work rawSeq =
        () -> {
          try (FileChannel ch = FileChannel.open(obj, StandardOpenOption.READ)) {
            long n = 0;
            ByteBuffer bb = ByteBuffer.wrap(buf);
            while (ch.read(bb.clear(), n) > 0) {
              n += bb.position();
            }
            return n;
          }
        };
    Work bucketSeq = () -> drain(b.get("blocks/x/chunks/000001"), buf);
    report("get, cold cache (disk) vs read", measureCold(rawSeq), measureCold(bucketSeq));
    double rawRead =
        measure(
            () -> {
              try (FileChannel ch = FileChannel.open(obj, StandardOpenOption.READ)) {
                long n = 0;
                ByteBuffer bb = ByteBuffer.wrap(buf);
                while (ch.read(bb.clear(), n) > 0) {
                  n += bb.position();
                }
                return n;
              }
            });
    double get = measure(() -> drain(b.get("blocks/x/chunks/000001"), buf));
    report("get (sequential) vs read", rawRead, get);

    long[] offsets = new long[RANGES];
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < RANGES; i++) {
      offsets[i] = r.nextLong(size - RANGE);
    }
    double rawRanges =
        measure(
            () -> {
              long n = 0;
              try (FileChannel ch = FileChannel.open(obj, StandardOpenOption.READ)) {
                for (long off : offsets) {
                  ByteBuffer bb = ByteBuffer.wrap(buf, 0, RANGE);
                  while (bb.hasRemaining() && ch.read(bb, off + bb.position()) > 0) {}
                  n += RANGE;
                }
              }
              return n;
            });
    double ranges =
        measure(
            () -> {
              long n = 0;
              for (long off : offsets) {
                n += drain(b.getRange("blocks/x/chunks/000001", off, RANGE), buf);
              }
              return n;
            });
    report("getRange 64KiB vs positional read", rawRanges, ranges);
    long[] few = java.util.Arrays.copyOf(offsets, 500);
    report(
        "getRange 64KiB, cold cache (disk)",
        measureCold(
            () -> {
              long n = 0;
              try (FileChannel ch = FileChannel.open(obj, StandardOpenOption.READ)) {
                for (long off : few) {
                  ByteBuffer bb = ByteBuffer.wrap(buf, 0, RANGE);
                  while (bb.hasRemaining() && ch.read(bb, off + bb.position()) > 0) {}
                  n += RANGE;
                }
              }
              return n;
            }),
        measureCold(
            () -> {
              long n = 0;
              for (long off : few) {
                n += drain(b.getRange("blocks/x/chunks/000001", off, RANGE), buf);
              }
              return n;
            }));
    double rangesOpen =
        measure(
            () -> {
              long n = 0;
              for (long off : offsets) {
                try (FileChannel ch = FileChannel.open(obj, StandardOpenOption.READ)) {
                  ByteBuffer bb = ByteBuffer.wrap(buf, 0, RANGE);
                  while (bb.hasRemaining() && ch.read(bb, off + bb.position()) > 0) {}
                  n += RANGE;
                }
              }
              return n;
            });
    report("getRange 64KiB vs open+read+close", rangesOpen, ranges);
  }

  private static long peakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
        peak += p.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      p.resetPeakUsage();
    }
  }

  private static void s3(Path base, Path src, long size, boolean withStream) throws Exception {
    Properties props = new Properties();
    props.setProperty("jclouds.filesystem.basedir", base.resolve("s3").toString());
    Files.createDirectories(base.resolve("s3"));
    BlobStoreContext ctx =
        ContextBuilder.newBuilder("filesystem")
            .credentials("identity", "credential")
            .overrides(props)
            .build(BlobStoreContext.class);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(ctx.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "bench", "bench-secret")
            .build();
    proxy.start();
    while (!"STARTED".equals(proxy.getState())) {
      Thread.sleep(10);
    }
    try {
      ctx.getBlobStore().createContainerInLocation(null, "bench");
      String yaml =
          "type: S3\nconfig:\n  bucket: bench\n  endpoint: 127.0.0.1:"
              + proxy.getPort()
              + "\n  insecure: true\n  access_key: bench\n  secret_key: bench-secret\n"
              + "  bucket_lookup_type: path\n";
      try (Bucket b =
          Buckets.createUninstrumented(BucketConfig.parse(yaml), new BucketContext("bench"))) {
        List<String> lines = new ArrayList<>();
        System.gc();
        resetPeaks();
        double file =
            measure(
                () -> {
                  b.upload("blocks/x/chunks/000001", src);
                  return size;
                });
        lines.add(
            String.format(
                "s3 multipart upload(Path)   %8.1f MB/s  peak heap %4d MiB (max %d MiB)",
                file, peakHeap() >> 20, Runtime.getRuntime().maxMemory() >> 20));
        if (!withStream) {
          lines.forEach(System.out::println);
          return;
        }
        System.gc();
        resetPeaks();
        double stream =
            measure(
                () -> {
                  try (InputStream in = Files.newInputStream(src)) {
                    b.upload("blocks/x/chunks/000002", in, size);
                  }
                  return size;
                });
        lines.add(
            String.format(
                "s3 multipart upload(stream) %8.1f MB/s  peak heap %4d MiB (max %d MiB)",
                stream, peakHeap() >> 20, Runtime.getRuntime().maxMemory() >> 20));
        if (b.attributes("blocks/x/chunks/000001").size() != size
            || b.attributes("blocks/x/chunks/000002").size() != size) {
          throw new IllegalStateException("uploaded sizes differ from " + size);
        }
        lines.forEach(System.out::println);
      }
    } finally {
      proxy.stop();
      ctx.close();
    }
  }
}
