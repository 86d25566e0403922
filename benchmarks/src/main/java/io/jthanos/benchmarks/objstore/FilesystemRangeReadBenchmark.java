package io.jthanos.benchmarks.objstore;

import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.filesystem.FilesystemBucket;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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

/** FILESYSTEM getRange against an open+positional read+close of the same range (ops/s). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class FilesystemRangeReadBenchmark {
  @Param({"16384", "1048576"})
  int rangeBytes;

  private static final long FILE = 128L << 20;
  private Path dir;
  private Path obj;
  private Bucket bucket;
  private byte[] buf;
  private final SplittableRandom random = new SplittableRandom(1);

  @Setup(Level.Trial)
  public void setup() throws IOException {
    dir = Files.createTempDirectory("rangebench");
    bucket = new FilesystemBucket(dir);
    byte[] data = new byte[(int) FILE];
    new SplittableRandom(3).nextBytes(data);
    bucket.upload("blocks/x/chunks/000001", data);
    obj = dir.resolve("blocks/x/chunks/000001");
    buf = new byte[rangeBytes];
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public int raw() throws IOException {
    long off = random.nextLong(FILE - rangeBytes);
    try (FileChannel ch = FileChannel.open(obj, StandardOpenOption.READ)) {
      ByteBuffer bb = ByteBuffer.wrap(buf);
      while (bb.hasRemaining() && ch.read(bb, off + bb.position()) > 0) {}
      return bb.position();
    }
  }

  @Benchmark
  public int bucket() throws IOException {
    long off = random.nextLong(FILE - rangeBytes);
    try (InputStream in = bucket.getRange("blocks/x/chunks/000001", off, rangeBytes)) {
      return in.readNBytes(buf, 0, rangeBytes);
    }
  }
}
