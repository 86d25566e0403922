package io.jthanos.block.downsample;

import io.jthanos.tsdb.chunkenc.ChunkDecodingException;
import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.ValueType;

/**
 * The per-window average of a downsampled series: sum / count at each aggregate timestamp, as
 * Thanos' {@code AverageChunkIterator}. The two inputs must have the same timestamps.
 */
public final class AverageIterator implements SampleIterator {
  private final SampleIterator sum;
  private final SampleIterator count;
  private long t;
  private double v;
  private ValueType cur;

  public AverageIterator(SampleIterator sum, SampleIterator count) {
    this.sum = sum;
    this.count = count;
  }

  @Override
  public ValueType next() {
    if (cur == ValueType.NONE) {
      return cur;
    }
    cur = advance();
    return cur;
  }

  private ValueType advance() {
    ValueType st = sum.next();
    ValueType ct = count.next();
    if ((st == ValueType.NONE) != (ct == ValueType.NONE)) {
      throw new ChunkDecodingException("sum and count iterator not aligned");
    }
    if (st == ValueType.NONE) {
      return ValueType.NONE;
    }
    if (st != ValueType.FLOAT || ct != ValueType.FLOAT) {
      throw new ChunkDecodingException("average of non-float aggregates is not supported");
    }
    if (sum.atT() != count.atT()) {
      throw new ChunkDecodingException(
          "sum and count timestamps not aligned: " + sum.atT() + " vs " + count.atT());
    }
    t = sum.atT();
    v = sum.atV() / count.atV();
    return ValueType.FLOAT;
  }

  @Override
  public ValueType seek(long ts) {
    if (cur == ValueType.NONE || (cur == ValueType.FLOAT && t >= ts)) {
      return cur;
    }
    while (true) {
      ValueType vt = next();
      if (vt == ValueType.NONE || t >= ts) {
        return vt;
      }
    }
  }

  @Override
  public long atT() {
    return t;
  }

  @Override
  public double atV() {
    return v;
  }
}
