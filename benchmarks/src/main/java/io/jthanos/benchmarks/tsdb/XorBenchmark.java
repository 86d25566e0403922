package io.jthanos.benchmarks.tsdb;

import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.chunkenc.XorEncoder;
import io.jthanos.tsdb.chunkenc.XorIterator;
import io.jthanos.tsdb.testing.SyntheticData;
import io.jthanos.tsdb.testing.TestSeries;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * XOR chunk encode and decode, per sample, over realistic data: integer counters with small
 * increments, gauges with few significant digits, classic histogram buckets/sum/count and a few
 * noisy floats, 15 s scrapes with millisecond jitter, cut into 120-sample chunks as Prometheus
 * does. Every invocation handles exactly {@link #SAMPLES} samples.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class XorBenchmark {
  /** Samples per invocation (= chunks * 120). */
  static final int SAMPLES = 24 * 18 * 5 * 120;

  long[][] ts;
  long[][] vs;
  ByteBuffer[] chunks;

  @Setup
  public void setup() {
    // 24 targets x 18 series (counters, gauge, noisy float, 10 buckets + sum + count), 600
    // scrapes: 5 chunks of 120 per series; every series contributes, so the mix is realistic.
    List<TestSeries> data = new SyntheticData(1).gaps(0).mix(24, 600);
    List<long[]> t = new ArrayList<>();
    List<long[]> v = new ArrayList<>();
    for (TestSeries s : data) {
      for (int off = 0; off + 120 <= s.size(); off += 120) {
        long[] ct = new long[120];
        long[] cv = new long[120];
        System.arraycopy(s.ts(), off, ct, 0, 120);
        System.arraycopy(s.valueBits(), off, cv, 0, 120);
        t.add(ct);
        v.add(cv);
      }
    }
    if (t.size() * 120 != SAMPLES) {
      throw new IllegalStateException("expected " + SAMPLES / 120 + " chunks, got " + t.size());
    }
    ts = t.toArray(new long[0][]);
    vs = v.toArray(new long[0][]);
    chunks = new ByteBuffer[ts.length];
    XorEncoder e = new XorEncoder();
    long bytes = 0;
    for (int c = 0; c < ts.length; c++) {
      e.reset();
      for (int i = 0; i < 120; i++) {
        e.appendBits(ts[c][i], vs[c][i]);
      }
      byte[] b = e.bytes();
      bytes += b.length;
      chunks[c] = ByteBuffer.wrap(b);
    }
    System.out.printf(
        "%n%d chunks, %d samples, %.2f bytes/sample%n",
        ts.length, SAMPLES, (double) bytes / SAMPLES);
  }

  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public void encode(Blackhole bh) {
    XorEncoder e = new XorEncoder();
    for (int c = 0; c < ts.length; c++) {
      e.reset();
      long[] t = ts[c];
      long[] v = vs[c];
      for (int i = 0; i < 120; i++) {
        e.appendBits(t[i], v[i]);
      }
      bh.consume(e.bytes());
    }
  }

  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public long decode() {
    XorIterator it = new XorIterator();
    long acc = 0;
    for (ByteBuffer c : chunks) {
      it.reset(c);
      while (it.next() == ValueType.FLOAT) {
        acc += it.atT() ^ it.atVBits();
      }
    }
    return acc;
  }
}
