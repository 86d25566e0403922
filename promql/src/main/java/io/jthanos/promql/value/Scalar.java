package io.jthanos.promql.value;

/** A scalar result at a timestamp (ms). */
public record Scalar(long timestamp, double value) implements Value {
  @Override
  public String resultType() {
    return "scalar";
  }
}
