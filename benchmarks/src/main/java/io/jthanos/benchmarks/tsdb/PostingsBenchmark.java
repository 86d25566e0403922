package io.jthanos.benchmarks.tsdb;

import io.jthanos.tsdb.index.Postings;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Intersection of two postings lists of 1M series refs each, stored as the index stores them
 * (big-endian uint32 in a direct buffer, as mapped from the file). {@code spread}: refs drawn from
 * a range of 2M (half the refs shared) or 20M (few shared, long seeks).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PostingsBenchmark {
  static final int N = 1_000_000;

  @Param({"2000000", "20000000"})
  public int spread;

  ByteBuffer a;
  ByteBuffer b;

  static ByteBuffer list(long seed, int n, int range) {
    SplittableRandom r = new SplittableRandom(seed);
    java.util.BitSet set = new java.util.BitSet(range);
    int count = 0;
    while (count < n) {
      int x = r.nextInt(range);
      if (!set.get(x)) {
        set.set(x);
        count++;
      }
    }
    ByteBuffer buf = ByteBuffer.allocateDirect(4 * n);
    for (int x = set.nextSetBit(0); x >= 0; x = set.nextSetBit(x + 1)) {
      buf.putInt(x * 3 + 48); // series refs are offsets / 16, sparse in practice
    }
    return buf.flip();
  }

  @Setup
  public void setup() {
    a = list(1, N, spread);
    b = list(2, N, spread);
  }

  @Benchmark
  public long intersect() {
    Postings p = Postings.intersect(Postings.bigEndian(a, N), Postings.bigEndian(b, N));
    long n = 0;
    while (p.next()) {
      n += p.at();
    }
    return n;
  }

  @Benchmark
  public long merge() {
    Postings p = Postings.merge(Postings.bigEndian(a, N), Postings.bigEndian(b, N));
    long n = 0;
    while (p.next()) {
      n += p.at();
    }
    return n;
  }
}
